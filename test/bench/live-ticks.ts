/**
 * 18. Live prices: the built bin's `screen serve` with its crypto sources on a loopback stand-in
 * and Binance's stream played by a loopback WebSocket server. (a) From writing a mini-ticker frame
 * to each of 300 `/api/events` readers receiving its `tick` event; (b) the serve process's CPU
 * per 1,000 frames of 250 pairs (the real stream's size for the coins served), over the same
 * time with no frames.
 */
import { request, type ClientRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWsServer } from '../../src/demo/ws-server.js';
import { ms, progress, type BenchResult } from './bench-types.js';
import { startChild, startUpstream, stop } from './serve-readers.js';

const READERS = 300;
const TICKS = 20;
const FRAMES_PER_SECOND = 10;
const CPU_SECONDS = 10;
const P99_GOAL_MS = 50;
const BIN = fileURLToPath(new URL('../../bin/screen.js', import.meta.url));

interface Row {
  symbol: string;
  priceUsd: number | null;
  sources: string[];
}

/** An `/api/events` reader that notes when each `tick` event arrives (performance.now()). */
function eventReader(origin: string): { arrivals: number[]; request: ClientRequest } {
  const arrivals: number[] = [];
  const req = request(`${origin}/api/events`, { agent: false }, (response) => {
    response.setEncoding('utf8').on('data', (chunk: string) => {
      const at = performance.now();
      let from = 0;
      for (;;) {
        const found = chunk.indexOf('event: tick', from);
        if (found === -1) break;
        arrivals.push(at);
        from = found + 1;
      }
    });
  });
  req.on('error', () => undefined);
  req.end();
  return { arrivals, request: req };
}

/** CPU seconds (user + system) the process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function benchLiveTicks(): Promise<BenchResult> {
  const upstream = await startUpstream();
  const stream = await startWsServer({ path: '/ws/!miniTicker@arr' });
  const dir = await mkdtemp(join(tmpdir(), 'qaht-bench-live-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...upstream.env,
    SCREEN_BINANCE_WS_URL: `${stream.origin}/ws`,
    SCREEN_CACHE_DIR: dir,
    NO_COLOR: '1',
  };
  const serve = await startChild(
    [BIN, 'serve', '--port', '0', '--every', 'crypto=60s,news=off,market=off', '--rate-limit', '10000000'],
    env,
    /listening on (\S+)/,
    'stderr',
  );
  const readers: Array<ReturnType<typeof eventReader>> = [];
  try {
    const url = `${serve.origin}/api/signals?screen=crypto`;
    let rows: Row[] | undefined;
    for (let tries = 0; !rows && tries < 200; tries++) {
      const response = await fetch(url);
      if (response.status === 200) rows = ((await response.json()) as { results: Row[] }).results;
      else await sleep(50);
    }
    if (!rows) throw new Error('screen serve had nothing to serve after 10 s');
    for (let tries = 0; stream.sockets.size === 0 && tries < 200; tries++) await sleep(50);
    if (stream.sockets.size === 0) throw new Error('screen serve did not connect to the stream');
    const priced = rows.filter((row) => row.sources.includes('binance') && row.priceUsd !== null);
    const target = priced[0]!;
    for (let i = 0; i < READERS; i++) readers.push(eventReader(serve.origin));
    await sleep(1_000);

    // (a) One frame every 1.05 s (ticks go out at most once a second): each is one tick event.
    const sentAt: number[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      const price = target.priceUsd! * (1 + (tick + 1) / 10_000);
      const frame = JSON.stringify([
        { e: '24hrMiniTicker', E: Date.now(), s: `${target.symbol}USDT`, c: String(price), o: '1', h: '1', l: '1', v: '1', q: '1' },
      ]);
      sentAt.push(performance.now());
      stream.broadcast(frame);
      await sleep(1_050);
    }
    const latencies: number[] = [];
    let missing = 0;
    for (const reader of readers) {
      for (let tick = 0; tick < TICKS; tick++) {
        const at = reader.arrivals[tick];
        if (at === undefined) missing += 1;
        else latencies.push(at - sentAt[tick]!);
      }
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);

    // (b) CPU: quiet seconds, then the same seconds with frames of 250 pairs at 10 a second.
    const pid = serve.child.pid!;
    const idleFrom = cpuSeconds(pid);
    await sleep(CPU_SECONDS * 1_000);
    const idleCpu = cpuSeconds(pid) - idleFrom;
    const pairs = priced.slice(0, 250);
    const busyFrom = cpuSeconds(pid);
    let frames = 0;
    const until = performance.now() + CPU_SECONDS * 1_000;
    while (performance.now() < until) {
      const now = Date.now();
      const frame = JSON.stringify(
        pairs.map((row, i) => ({
          e: '24hrMiniTicker',
          E: now,
          s: `${row.symbol}USDT`,
          c: String(row.priceUsd! * (1 + ((frames + i) % 50) / 100_000)),
          o: '1',
          h: '1',
          l: '1',
          v: '1',
          q: '1',
        })),
      );
      stream.broadcast(frame);
      frames += 1;
      await sleep(1_000 / FRAMES_PER_SECOND);
    }
    const busyCpu = cpuSeconds(pid) - busyFrom;
    const cpuPerThousandMs = (Math.max(0, busyCpu - idleCpu) / frames) * 1_000 * 1_000;
    progress(
      `live ticks: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${missing} missing; CPU ${busyCpu.toFixed(2)} s busy vs ${idleCpu.toFixed(2)} s idle`,
    );
    return {
      id: '18',
      title: 'Live prices: tick to SSE, CPU per frame',
      rows: [
        {
          benchmark: `18a live: frame → tick event at ${READERS} SSE readers`,
          measured: `p99 ${ms(p99)}, p50 ${ms(p50)}${missing > 0 ? `, ${missing} ticks missed` : ''}`,
          baseline: '—',
          ratio: null,
          target: `p99 < ${P99_GOAL_MS} ms`,
          pass: missing === 0 && p99 < P99_GOAL_MS,
          values: { p50Ms: p50, p99Ms: p99, missing, readers: READERS, ticks: TICKS },
        },
        {
          benchmark: '18b live: CPU per 1,000 ticks (frames of 250 pairs, 300 readers)',
          measured: `${ms(cpuPerThousandMs)} CPU`,
          baseline: `idle: ${ms((idleCpu / CPU_SECONDS) * 1_000)} CPU a second`,
          ratio: null,
          target: 'info',
          pass: null,
          values: { frames, busyCpuS: busyCpu, idleCpuS: idleCpu, cpuPerThousandMs },
        },
      ],
      notes: [
        `18: the built bin; ${TICKS} frames 1.05 s apart (a tick event goes out at most once a second), latency from writing the frame on the stream server to each reader's socket delivering the event, both in the bench process (so it includes the bench's own reading of ${READERS} sockets). 18b: the serve process's user + system CPU (/proc) over ${CPU_SECONDS} s of frames at ${FRAMES_PER_SECOND}/s, minus the same time with none, per 1,000 frames.`,
      ],
    };
  } finally {
    for (const reader of readers) reader.request.destroy();
    await stop(serve.child);
    await stream.close();
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  }
}
