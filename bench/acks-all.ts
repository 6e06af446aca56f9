import type { BenchModule } from './lib/context.ts';
export const acksAllModule: BenchModule = { name: 'acks-all', title: 'acks-all (todo)', async run() {} };
