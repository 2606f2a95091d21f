#!/usr/bin/env node
// Thin shim: the CLI is the esbuild bundle of src/cli/main.ts (src/build/bundle-cli.mjs), whose
// chunks load only what a run uses.
import module from 'node:module';

// Node 22+ keeps compiled bytecode between runs (a cron job starts this process every few
// minutes); Node 20 has no such cache and skips this.
module.enableCompileCache?.();

const { main } = await import('../dist/bundle/main.mjs');
process.exitCode = await main(process.argv);
