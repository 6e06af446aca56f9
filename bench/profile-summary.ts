/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`): the functions with the most self time, and the
 * files (modules) they belong to.
 *
 *   node bench/profile-summary.ts <file.cpuprofile | dir> [--top N]
 *
 * With a directory, every .cpuprofile in it is summarized. Used to locate where the broker spends
 * its time under a benchmark (KSTREAM_BENCH_CPU_PROF=<dir> npm run bench -- --only ...).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  functions: ProfileRow[];
  files: ProfileRow[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const i = url.lastIndexOf('/src/');
  if (i >= 0) return url.slice(i + 1);
  const n = url.lastIndexOf('/node_modules/');
  if (n >= 0) return url.slice(n + 1);
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(path: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byId = new Map<number, ProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + dt);
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const where = shortUrl(url);
    const key = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fileKey = url ? where : functionName;
    file.set(fileKey, (file.get(fileKey) ?? 0) + us);
  }
  const busy = total - idle || 1;
  const rows = (m: Map<string, number>): ProfileRow[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  return { totalMs: total / 1000, idleMs: idle / 1000, functions: rows(fn), files: rows(file) };
}

function print(path: string, top: number): void {
  const s = summarizeProfile(path, top);
  console.log(`\n== ${basename(path)}: ${s.totalMs.toFixed(0)} ms sampled, ${(s.totalMs - s.idleMs).toFixed(0)} ms busy`);
  console.log('-- self time by function (share of busy time)');
  for (const r of s.functions) console.log(`${(r.share * 100).toFixed(1).padStart(6)}% ${r.ms.toFixed(1).padStart(9)} ms  ${r.name}`);
  console.log('-- self time by file');
  for (const r of s.files.slice(0, 15)) console.log(`${(r.share * 100).toFixed(1).padStart(6)}% ${r.ms.toFixed(1).padStart(9)} ms  ${r.name}`);
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const target = process.argv[2];
  const topIdx = process.argv.indexOf('--top');
  const top = topIdx > 0 ? Number(process.argv[topIdx + 1]) : 25;
  if (!target) {
    console.error('usage: node bench/profile-summary.ts <file.cpuprofile | dir> [--top N]');
    process.exit(2);
  }
  if (statSync(target).isDirectory()) {
    for (const f of readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).sort()) print(join(target, f), top);
  } else {
    print(target, top);
  }
}
