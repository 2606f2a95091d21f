#!/usr/bin/env node
// Thin shim: everything lives in the compiled CLI so that start-up loads one module graph.
import { main } from '../dist/cli/main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
