import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The three READMEs point into each other, and comments in src/ and test/ name README sections
 * (`README "Exit codes"`, `src/README.md "How it stays up"`): a section renamed or moved must not
 * leave a link or a comment pointing at nothing.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOCS = ['README.md', 'src/README.md', 'test/bench/README.md'];

/** The text of every heading of a markdown file, fenced code left out. */
function headingsOf(file: string): string[] {
  const headings: string[] = [];
  let fenced = false;
  for (const line of readFileSync(join(ROOT, file), 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const match = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (match) headings.push(match[1]!.trim());
  }
  return headings;
}

/** GitHub's anchor for a heading: lower case, punctuation but `-` and `_` dropped, spaces to `-`. */
function slugOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of headingsOf(file)) {
    const slug = slugOf(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

describe('README links and section names', () => {
  it('finds the anchors GitHub makes', () => {
    expect(slugOf('History (candles)')).toBe('history-candles');
    expect(slugOf('`screen market [SYMBOL...]`')).toBe('screen-market-symbol');
    expect(slugOf("Metrics for node_exporter's textfile collector")).toBe('metrics-for-node_exporters-textfile-collector');
  });

  it('every relative link of the READMEs reaches a file, and its anchor a heading there', () => {
    const broken: string[] = [];
    for (const doc of DOCS) {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const file = path === '' ? doc : relative(ROOT, resolve(ROOT, dirname(doc), path));
        if (!existsSync(join(ROOT, file))) broken.push(`${doc}: ${target} (no file ${file})`);
        else if (anchor !== undefined && (!file.endsWith('.md') || !anchorsOf(file).has(anchor))) {
          broken.push(`${doc}: ${target} (no heading #${anchor} in ${file})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('every source file src/README.md names exists', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('test')];
    const names = new Set(files.map((file) => file.split('/').pop()));
    const missing: string[] = [];
    for (const [, path] of readFileSync(join(ROOT, 'src/README.md'), 'utf8').matchAll(/`([\w./-]+\.(?:ts|mjs))`/g)) {
      // `store/response-cache.ts` from src/, `test/layers.test.ts` from the top, `why.ts` anywhere.
      const found = path!.includes('/') ? existsSync(join(ROOT, 'src', path!)) || existsSync(join(ROOT, path!)) : names.has(path!);
      if (!found) missing.push(path!);
    }
    expect(missing).toEqual([]);
  });

  it('every README section a comment names exists', () => {
    const headings = new Map(DOCS.map((doc) => [doc, headingsOf(doc)]));
    const broken: string[] = [];
    for (const file of [...sourceFiles('src'), ...sourceFiles('test')]) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, which, name] of text.matchAll(/((?:src\/)?README)(?:\.md)? "([^"\n]+)"/g)) {
        const doc = which === 'README' ? 'README.md' : 'src/README.md';
        // The name as written, or the start of a longer heading ("History" for "History (candles)").
        const found = headings.get(doc)!.some((heading) => heading === name || new RegExp(`^${escapeRegExp(name!)}[ :(]`).test(heading));
        if (!found) broken.push(`${file}: ${which} "${name}"`);
      }
    }
    expect(broken).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
