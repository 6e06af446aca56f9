#!/usr/bin/env node
// kstream CLI entry point: runs the compiled commands in dist/ (build with `npm run build`).
import module from 'node:module';

// Cache compiled code between runs (Node 22.1+): faster start for every command.
module.enableCompileCache?.();

// A closed pipe (`kstream consume t | head`) ends the command quietly with exit 0.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err && err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
