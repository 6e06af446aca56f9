/** How busy the machine is apart from the benchmark (other processes skew every figure). */
import { readFileSync } from 'node:fs';
import { sleep } from './proc.ts';

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Share of all CPUs busy over `ms` (0..1), sampled while the benchmark itself is idle: anything
 * above a few percent means other processes compete with the benchmark.
 */
export async function backgroundLoad(ms = 500): Promise<number | null> {
  try {
    const a = cpuTimes();
    await sleep(ms);
    const b = cpuTimes();
    return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : null;
  } catch {
    return null;
  }
}
