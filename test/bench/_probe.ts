import { Agent, request } from 'undici';
import { pipeline } from 'node:stream/promises';
import { startServerChild } from './server-handle.js';
import { AsyncAPIClient } from '../../src/http/async-api-client.js';
import { AdaptiveRateLimiter } from '../../src/resilience/adaptive-rate-limiter.js';
const s = await startServerChild({ hosts: ['127.0.0.1'], latencyMs: 0, bodyBytes: 1024 });
const o = s.origins[0];
const agent = new Agent({ connections: 16 });
async function hammer(f: (i: number) => Promise<unknown>, ms = 2000) { const d = performance.now() + ms; let n = 0; await Promise.all(Array.from({ length: 16 }, async () => { while (performance.now() < d) { await f(n++); } })); return (n / ms * 1000).toFixed(0); }
const H = { 'user-agent': 'qaht/0.1.0', accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' };
const variants: Record<string, (i: number) => Promise<unknown>> = {
  bare: async (i) => JSON.parse(await (await request(`${o}/x/${i % 1000}`, { dispatcher: agent })).body.text()),
  agentRequest: async (i) => { const r = await agent.request({ origin: o, path: `/x/${i % 1000}`, method: 'GET' }); return JSON.parse(await r.body.text()); },
  headers: async (i) => JSON.parse(await (await request(`${o}/x/${i % 1000}`, { dispatcher: agent, headers: H })).body.text()),
  signalTimer: async (i) => { const c = new AbortController(); const t = setTimeout(() => c.abort(), 30000); try { return JSON.parse(await (await request(`${o}/x/${i % 1000}`, { dispatcher: agent, signal: c.signal })).body.text()); } finally { clearTimeout(t); } },
  pipelineRead: async (i) => { const r = await request(`${o}/x/${i % 1000}`, { dispatcher: agent }); const chunks: Buffer[] = []; await pipeline(r.body, async (src: AsyncIterable<Buffer>) => { for await (const c of src) chunks.push(c); }); return JSON.parse(Buffer.concat(chunks).toString()); },
};
const client = new AsyncAPIClient({ maxConnections: 16, limiter: new AdaptiveRateLimiter({ defaultDelayMs: 0 }) });
variants.client = (i) => client.fetchJson(`${o}/x/${i % 1000}`);
for (const r of [0, 1]) for (const [k, f] of Object.entries(variants)) { const v = await hammer(f, r === 0 ? 300 : 2000); if (r) console.log(k, v); }
await s.close(); process.exit(0);
