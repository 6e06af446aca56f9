import type { BenchModule } from './lib/context.ts';
export const partitionsModule: BenchModule = { name: 'partitions', title: 'partitions (todo)', async run() {} };
