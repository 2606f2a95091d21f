import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCircles, sourceFiles } from './helpers/import-graph.js';

/**
 * No import circles anywhere in src/ (DESIGN: imports point down, and a folder's files form no
 * loop either): a circle, even one closed by a type-only or a lazy import, means two modules that
 * cannot be read, tested or moved apart. `test/layers.test.ts` holds the floors; this holds the rest.
 */
const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const PLANTED = fileURLToPath(new URL('./fixtures/circles/', import.meta.url));

function named(circles: string[][], root: string): string[][] {
  return circles.map((circle) => circle.map((file) => relative(root, file).split('\\').join('/')));
}

describe('import circles', () => {
  it('finds a planted circle (closed by a type-only and a lazy import), and only its members', () => {
    const files = ['planted-a.ts', 'planted-b.ts', 'planted-c.ts', 'outside.ts'].map((name) => join(PLANTED, name));
    expect(named(importCircles(files), PLANTED)).toEqual([['planted-a.ts', 'planted-b.ts', 'planted-c.ts']]);
  });

  it('finds a file that imports itself', () => {
    expect(named(importCircles(sourceFiles(PLANTED)), PLANTED)).toContainEqual(['planted-self.ts']);
    expect(importCircles([join(PLANTED, 'outside.ts')])).toEqual([]);
  });

  it('finds none in src/', () => {
    expect(named(importCircles(sourceFiles(SRC)), SRC)).toEqual([]);
  });
});
