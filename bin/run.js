#!/usr/bin/env node
// kstream CLI entry point: runs the compiled commands in dist/ (build with `npm run build`).
import module from 'node:module';

// Cache compiled code between runs (Node 22.1+): faster start for every command.
module.enableCompileCache?.();

const { execute } = await import('@oclif/core');
await execute({ dir: import.meta.url });
