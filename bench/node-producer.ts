import type { BenchModule } from './lib/context.ts';
export const nodeProducerModule: BenchModule = { name: 'node-producer', title: 'node-producer (todo)', async run() {} };
