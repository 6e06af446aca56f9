import type { BenchModule } from './lib/context.ts';
export const fetchModule: BenchModule = { name: 'fetch', title: 'fetch (todo)', async run() {} };
