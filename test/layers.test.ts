import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layer order of DESIGN.md, enforced: a module may import its own area and any area on a
 * lower floor, never one on its own floor or above. Type-only and lazy imports count too: a type
 * that points up is the same tangle, only quieter.
 */
const FLOORS: Record<string, number> = {
  // The bottom floor: vocabulary every layer may use.
  'time/': 1,
  'errors.ts': 1,
  'redact.ts': 1,
  'version.ts': 1,
  'report.ts': 1,
  'metric-names.ts': 1,
  'candle.ts': 1,
  'breaker-state.ts': 1,
  'fallback-cache.ts': 1,
  'resilience/': 2,
  'perf/': 2,
  'store/': 2,
  'http/': 3,
  // The fleet-wide pacer and breaker: the store's ports under the resilience interfaces, beside
  // http/, which takes them as policies and imports neither store/ nor fleet/.
  'fleet/': 3,
  'output/': 3,
  'sources/': 4,
  'screens/': 5,
  'demo/': 5,
  'options/': 5,
  // `screen serve`'s service sits under the commands: commands/serve/ wires it to the run context
  // and the screens, so the service itself knows no command.
  'serve/': 6,
  // Wiring a run (store, client, breakers, shutdown): below every command, above what it wires.
  'runtime/': 7,
  'commands/': 8,
  'cli/': 9,
  // The library entry re-exports the resilience core.
  'index.ts': 10,
};

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function areaOf(file: string): string {
  const path = relative(SRC, file).split('\\').join('/');
  const slash = path.indexOf('/');
  return slash === -1 ? path : path.slice(0, slash + 1);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file imports: static, `export … from`, and `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

describe('the layers of src/', () => {
  const files = sourceFiles(SRC);

  it('gives every area of src/ a floor', () => {
    const unplaced = [...new Set(files.map(areaOf))].filter((area) => FLOORS[area] === undefined);
    expect(unplaced).toEqual([]);
  });

  it('has no import from an area on the same floor or a higher one', () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = areaOf(file);
      for (const target of importsOf(file)) {
        const to = areaOf(target);
        if (to === from) continue;
        if (FLOORS[to]! >= FLOORS[from]!) {
          violations.push(
            `${relative(SRC, file)} (${from}, floor ${FLOORS[from]}) imports ${relative(SRC, target)} (${to}, floor ${FLOORS[to]})`,
          );
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('sees the imports it judges (a guard against a regex that matches nothing)', () => {
    const commandLine = files.find((file) => file.endsWith(join('cli', 'run-command-line.ts')))!;
    expect(importsOf(commandLine).map(areaOf)).toEqual(expect.arrayContaining(['commands/', 'options/', 'cli/']));
  });
});
