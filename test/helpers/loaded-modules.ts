import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** esbuild heads each file it bundles with a comment naming it: `// src/cli/main.ts`. */
const BUNDLED_FILE = /^\/\/ ((?:src|node_modules)\/\S+)$/gm;

/**
 * What a run traced by test/bench/module-trace.mjs loaded: every URL the ES module loader loaded
 * (packages outside the bundle, such as fastify or redis, appear by their node_modules path), and
 * for each chunk of the CLI's bundle (dist/bundle/) the source files bundled into it, as
 * `src/…` and `node_modules/…` paths.
 */
export async function loadedModules(traceFile: string): Promise<string[]> {
  const urls = (await readFile(traceFile, 'utf8')).split('\n').filter(Boolean);
  const loaded: string[] = [];
  for (const url of urls) {
    loaded.push(url);
    if (!url.includes('/dist/bundle/')) continue;
    const text = await readFile(fileURLToPath(url), 'utf8');
    for (const match of text.matchAll(BUNDLED_FILE)) loaded.push(match[1]!);
  }
  return loaded;
}
