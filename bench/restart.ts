import type { BenchModule } from './lib/context.ts';
export const restartModule: BenchModule = { name: 'restart', title: 'restart (todo)', async run() {} };
