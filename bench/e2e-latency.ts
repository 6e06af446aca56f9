import type { BenchModule } from './lib/context.ts';
export const e2eLatencyModule: BenchModule = { name: 'e2e-latency', title: 'e2e-latency (todo)', async run() {} };
