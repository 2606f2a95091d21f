#!/usr/bin/env node
// Thin shim: everything lives in the compiled CLI so that start-up loads one module graph.
import module from 'node:module';

// Node 22+ keeps compiled bytecode between runs (a cron job starts this process every few
// minutes); Node 20 has no such cache and skips this.
module.enableCompileCache?.();

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv);
