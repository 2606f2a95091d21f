// Builds the CLI that bin/screen.js loads: one esbuild ESM bundle of src/cli/main.ts with code
// splitting, into dist/bundle/. Each dynamic import stays its own chunk, so a run loads only what
// it uses: undici and the demo's servers when a source fetches, fastify for `serve`, the Redis
// client for a shared store. (One file without splitting would parse all of them on every run.)
// The library entry (dist/index.js, from tsc) is not bundled. Run by `npm run build`.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outdir = `${root}dist/bundle`;

/** Node's builtins, with and without the `node:` prefix. */
const BUILTIN = new RegExp(`^(node:)?(${builtinModules.map((name) => name.replace(/[/]/g, '\\/')).join('|')})$`);

/**
 * Builtins that dependencies require at load time but use only on paths qaht's CLI never takes:
 * each loads on first use instead. commander needs child_process only for executable
 * sub-commands (qaht has none), and child_process pulls in node:net and node:dgram.
 */
const LAZY_REQUIRES = [{ importer: /[\\/]node_modules[\\/]commander[\\/]/, builtin: 'child_process' }];

/**
 * Start-up, resolved for the bundle:
 * - qaht's own imports of builtins become require(): Node builds an ES module facade for a builtin
 *   by reading every export, which runs the lazy getters (node:fs's streams, node:crypto's
 *   webcrypto): for node:fs alone about 12 ms of CPU on Node 24 here, where `node -e 0` takes
 *   about 80. A require() reads only what is named.
 *   (Rewritten in the source text, so no extra module, hence no extra chunk, stands in.)
 * - lru-cache's default clock reads the global `performance`, whose first touch loads perf_hooks;
 *   qaht's memory tiers set no TTL, so they never read that clock: the bundle's is Date.
 * - undici's index loads all of undici (fetch, WebSocket, cookies, mocks), and its fetch code
 *   touches the global File and Headers, which loads Node's own copy of undici too. qaht uses
 *   only the Agent and the request API on it, so the bundle's `undici` is just those parts (and
 *   the WebSocket of the live prices, loaded when first read).
 * - chalk's colour detection imports node:tty (which loads node:net) to pick a level for its
 *   default instances; qaht never uses those: every Chalk is built with the level qaht decided
 *   (src/cli/terminal.ts), so the bundle's chalk detects nothing.
 */
const startupPlugin = (groups) => ({
  name: 'qaht-startup',
  setup(bundle) {
    bundle.onResolve({ filter: /^#supports-color$/ }, () => ({ path: 'supports-color', namespace: 'qaht-shim' }));
    bundle.onLoad({ filter: /^supports-color$/, namespace: 'qaht-shim' }, () => ({
      contents: 'export default { stdout: false, stderr: false };',
      loader: 'js',
    }));
    // lru-cache's Node build unminified, whose clock is its own module (./perf.js), to replace.
    bundle.onResolve({ filter: /^lru-cache$/ }, () => ({ path: `${root}node_modules/lru-cache/dist/esm/node/index.js` }));
    bundle.onResolve({ filter: /^\.\/perf\.js$/ }, ({ importer }) =>
      /[\\/]node_modules[\\/]lru-cache[\\/]/.test(importer) ? { path: 'lru-cache-perf', namespace: 'qaht-shim' } : undefined,
    );
    bundle.onLoad({ filter: /^lru-cache-perf$/, namespace: 'qaht-shim' }, () => ({
      contents: 'export const defaultPerf = Date;',
      loader: 'js',
    }));
    bundle.onResolve({ filter: /^undici$/ }, ({ importer }) =>
      importer.includes(`${root}src`) ? { path: 'undici-agent', namespace: 'qaht-shim' } : undefined,
    );
    bundle.onLoad({ filter: /^undici-agent$/, namespace: 'qaht-shim' }, () => ({
      // What undici's index.js does for these two, and no more (undici is pinned to an exact version).
      contents: [
        "const Dispatcher = require('undici/lib/dispatcher/dispatcher');",
        "Object.assign(Dispatcher.prototype, require('undici/lib/api'));",
        "module.exports.Agent = require('undici/lib/dispatcher/agent');",
        "module.exports.buildConnector = require('undici/lib/core/connect');",
        // The live-price stream's client, loaded on first use only: it brings undici's fetch along.
        "Object.defineProperty(module.exports, 'WebSocket', { enumerable: true, get: () => require('undici/lib/web/websocket/websocket').WebSocket });",
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
    bundle.onResolve({ filter: BUILTIN }, ({ path, importer, kind, namespace }) => {
      // The stand-ins' own require() of the builtin: left to esbuild (a plain require at run time).
      if (namespace === 'qaht-lazy-builtin' || kind !== 'require-call') return undefined;
      const builtin = path.replace(/^node:/, '');
      const lazy = LAZY_REQUIRES.some((entry) => entry.builtin === builtin && entry.importer.test(importer));
      return lazy ? { path: builtin, namespace: 'qaht-lazy-builtin' } : undefined;
    });
    bundle.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async ({ path }) => {
      const source = requireBuiltins(await readFile(path, 'utf8'));
      // See `sharedGroups`: a lazily imported module of qaht reaches the whole of each group it touches.
      const reach = (groups ?? [])
        .map((group, index) =>
          group.entries.has(path) ? `\nexport { QAHT_GROUP as qahtGroup${index} } from 'qaht-group-${index}';\n` : '',
        )
        .join('');
      return { contents: source + reach, loader: 'ts' };
    });
    bundle.onResolve({ filter: /^qaht-group-\d+$/ }, ({ path }) => ({ path, namespace: 'qaht-shim' }));
    bundle.onLoad({ filter: /^qaht-group-\d+$/, namespace: 'qaht-shim' }, ({ path }) => ({
      contents: [
        'export const QAHT_GROUP = 0;',
        ...(groups?.[Number(path.slice('qaht-group-'.length))]?.files ?? []).map((file, index) => `export * as m${index} from '${file}';`),
      ].join('\n'),
      loader: 'js',
      resolveDir: root,
    }));
    bundle.onLoad({ filter: /.*/, namespace: 'qaht-lazy-builtin' }, ({ path }) => ({
      // A CommonJS stand-in whose members load the real module when first read.
      contents: `let real; module.exports = new Proxy({}, { get: (_, name) => (real ??= require('node:${path}'))[name] });`,
      loader: 'js',
    }));
  },
});

/**
 * Builtins only some runs use, loaded on the first call of what is imported from them (only
 * functions are): node:crypto costs a cached run 8–12 ms on Node 24, and only `serve`,
 * `--changes`, alert rules and the Redis store hash anything with it.
 */
const ON_FIRST_CALL = new Set(['node:crypto']);

/** `import { a, b as c, type T } from 'node:x'` → `const { a, b: c } = require('node:x')`; `import * as x` likewise. */
function requireBuiltins(source) {
  return source
    .replace(/^import \{([^}]*)\} from '(node:[a-z_/]+)';$/gm, (_, names, builtin) => {
      const values = names
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '' && !name.startsWith('type '))
        .map((name) => name.split(/\s+as\s+/));
      if (values.length === 0) return '';
      if (!ON_FIRST_CALL.has(builtin))
        return `const { ${values.map(([name, local]) => (local ? `${name}: ${local}` : name)).join(', ')} } = require('${builtin}');`;
      const load = `qahtLoad_${builtin.replace(/\W/g, '_')}`;
      return [
        `let ${load}Module; const ${load} = () => (${load}Module ??= require('${builtin}'));`,
        ...values.map(([name, local]) => `const ${local ?? name} = (...args) => ${load}().${name}(...args);`),
      ].join(' ');
    })
    .replace(/^import \* as (\w+) from '(node:[a-z_/]+)';$/gm, "const $1 = require('$2');");
}

/** The options of both passes. */
const options = (groups) => ({
  entryPoints: [`${root}src/cli/main.ts`],
  outdir,
  // .mjs: Node knows each chunk's format from its name, without looking for a package.json above it.
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.18',
  // Loaded from node_modules as they are: pino starts worker threads by file path, and the
  // servers and Redis client are large packages only `serve` and a shared store use.
  external: ['pino', 'fastify', '@fastify/*', 'redis'],
  // Bundled CommonJS (commander, cli-table3, undici) calls require() for builtins.
  banner: { js: "import { createRequire as qahtCreateRequire } from 'node:module'; const require = qahtCreateRequire(import.meta.url);" },
  plugins: [startupPlugin(groups)],
  logLevel: 'warning',
});

/** The three screens' commands, and the HTTP client any of them may load. */
const SCREENS = ['src/commands/crypto/spec.ts', 'src/commands/news/spec.ts', 'src/commands/market/spec.ts', 'src/http/async-api-client.ts'];

/**
 * Groups of modules that load together, each from its roots and everything they import
 * statically, less the earlier groups: where every command line goes (the command line itself),
 * what every data command runs and what two or more screens (or a screen and the HTTP client)
 * share (the core); then what a crypto
 * run adds (the screen, its signals, the stored history, the signal journal's evidence), which
 * most runs are, and the news and market screens never load.
 */
const GROUPS = [
  { roots: ['src/cli/run-command-line.ts', 'src/commands/data/spec.ts'], shared: SCREENS },
  { roots: ['src/commands/crypto/run.ts'], shared: [] },
];

/**
 * esbuild puts each module in the chunk of the set of entry points (the bundle's entry and every
 * lazily imported module) that reach it. With some 40 lazy imports, the modules a cached run
 * needs were spread over some 35 chunks, each a file Node resolves, reads and links (about 0.4 ms
 * each). Here a lazily imported module of qaht that reaches any module of a group also
 * re-exports, through one module, every module of that group, so all of a group has the same set
 * of entry points and lands in one chunk. The first group (the core) every command line loads
 * anyway (the command line itself is lazily imported by the entry), so every lazy module reaches
 * it; the crypto group is loaded only by the lazy modules that need part of it (a crypto run
 * took 15 chunks without it, 7 with it). From a first pass's metafile: the groups, and the lazily
 * imported modules.
 */
function sharedGroups(metafile) {
  const inputs = metafile.inputs;
  const ours = (path) => path.startsWith('src/');
  const closure = (roots) => {
    const files = new Set();
    const visit = (path) => {
      if (files.has(path) || !inputs[path]) return;
      files.add(path);
      for (const edge of inputs[path].imports) if (edge.kind === 'import-statement' && ours(edge.path)) visit(edge.path);
    };
    for (const path of roots) visit(path);
    return files;
  };
  const lazy = new Set();
  for (const input of Object.values(inputs))
    for (const edge of input.imports) if (edge.kind === 'dynamic-import' && ours(edge.path)) lazy.add(edge.path);
  const reached = new Map([...lazy].map((path) => [path, closure([path])]));
  const taken = new Set();
  return GROUPS.map(({ roots, shared }, index) => {
    const reach = new Map();
    for (const screen of shared) for (const path of closure([screen])) reach.set(path, (reach.get(path) ?? 0) + 1);
    const common = [...reach].filter(([, count]) => count > 1).map(([path]) => path);
    const files = [...new Set([...closure(roots), ...common])].filter((path) => !taken.has(path));
    for (const path of files) taken.add(path);
    // The core: every lazy module; a later group: the lazy modules that reach any of it.
    const entries = [...lazy].filter((path) => index === 0 || files.some((file) => reached.get(path).has(file)));
    return { files: files.map((path) => `${root}${path}`), entries: new Set(entries.map((path) => `${root}${path}`)) };
  });
}

const analysis = await build({ ...options(undefined), write: false, metafile: true, logLevel: 'error' });
rmSync(outdir, { recursive: true, force: true });
await build(options(sharedGroups(analysis.metafile)));
