import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's promtool (package `prometheus`), which `.ci/run` installs when it can. */
export const PROMTOOL = '/usr/bin/promtool';
export const HAS_PROMTOOL = existsSync(PROMTOOL);

/** `promtool check metrics` on `text` (its stdin): exit code and what it printed (lint problems). */
export function promtoolCheck(text: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(text);
  });
}
