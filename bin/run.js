#!/usr/bin/env node
// kstream CLI entry point: runs the compiled commands in dist/ (build with `npm run build`).
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
