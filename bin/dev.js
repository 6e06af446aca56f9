#!/usr/bin/env node
// kstream CLI from source, without a build: Node runs the TypeScript in src/ directly (type
// stripping, Node 22.18+). For development only; the published entry point is bin/run.js.
import { readFileSync } from 'node:fs';
import { execute, settings } from '@oclif/core';

const root = new URL('..', import.meta.url);
const pjson = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
pjson.oclif = { ...pjson.oclif, commands: './src/commands' };
// oclif's own TypeScript support would look for ts-node/tsx; Node handles .ts itself.
settings.enableAutoTranspile = false;

await execute({ dir: import.meta.url, loadOptions: { root: new URL('.', root).pathname, pjson, isRoot: true } });
