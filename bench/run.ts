/**
 * kstream's benchmark suite. Starts the broker as a separate process (bench/broker-process.ts),
 * drives it with kcat, a raw wire client and Node clients, prints a table of figures, each with
 * the limit it is compared with (measured in the same run, or a fixed goal), and writes
 * bench/results/latest.json. Goals are reported as PASS/MISS; a miss does not fail the run.
 *
 *   npm run bench                      full run (about 5-10 minutes)
 *   npm run bench -- --quick           everything small (about a minute)
 *   npm run bench -- --only fetch,restart
 *   npm run bench -- --list            module names
 *
 * Sizes: see bench/lib/config.ts (KSTREAM_BENCH_* environment variables).
 * KSTREAM_BENCH_CPU_PROF=<dir> writes a CPU profile of every broker into <dir>
 * (summarize with `node bench/profile-summary.ts <dir>`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseCli, SIZE_ENV } from './lib/config.ts';
import { toMetric, type Baseline, type BenchContext, type BenchModule, type Metric, type WarmLog } from './lib/context.ts';
import { buildWarmLog, recordFiles } from './lib/fixtures.ts';
import { kcatVersion } from './lib/kcat.ts';
import { cleanupAll, installCleanup, makeTempDir } from './lib/proc.ts';
import { renderGoalSummary, renderTable } from './lib/report.ts';
import { backgroundLoad } from './lib/machine.ts';
import { baselineModule, measureBaseline } from './baseline.ts';
import { produceKcatModule } from './produce-kcat.ts';
import { acksAllModule } from './acks-all.ts';
import { fetchModule } from './fetch.ts';
import { e2eLatencyModule } from './e2e-latency.ts';
import { restartModule } from './restart.ts';
import { partitionsModule } from './partitions.ts';
import { nodeProducerModule } from './node-producer.ts';
import { groupsModule } from './groups.ts';
import { cliModule } from './cli.ts';
import { topModule } from './top.ts';

const MODULES: BenchModule[] = [
  baselineModule,
  produceKcatModule,
  acksAllModule,
  fetchModule,
  e2eLatencyModule,
  restartModule,
  partitionsModule,
  nodeProducerModule,
  groupsModule,
  cliModule,
  topModule,
];

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function usage(): string {
  return [
    'usage: node bench/run.ts [--quick] [--only name[,name...]] [--list]',
    `modules: ${MODULES.map((m) => m.name).join(', ')}`,
    'sizes (environment):',
    ...Object.entries(SIZE_ENV).map(([k, v]) => `  ${v} (${k})`),
  ].join('\n');
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    console.log(usage());
    return 0;
  }
  if (cli.list) {
    for (const m of MODULES) console.log(`${m.name.padEnd(16)} ${m.title}`);
    return 0;
  }
  const unknown = (cli.only ?? []).filter((n) => !MODULES.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`unknown module(s) ${unknown.join(', ')}; known: ${MODULES.map((m) => m.name).join(', ')}`);
  const selected = cli.only ? MODULES.filter((m) => cli.only!.includes(m.name)) : MODULES;

  installCleanup();
  const started = performance.now();
  const workDir = makeTempDir('run');
  const metrics: Metric[] = [];
  const log = (message: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
  };
  let baseline: Promise<Baseline> | undefined;
  let warm: Promise<WarmLog> | undefined;
  const files = recordFiles(workDir, (m) => log(`fixtures: ${m}`));
  const makeContext = (module: string): BenchContext => {
    const ctx: BenchContext = {
      quick: cli.quick,
      sizes: cli.sizes,
      workDir,
      baseline: () => (baseline ??= measureBaseline(makeContext('baseline'))),
      recordFile: (bytes, count) => files(bytes, count),
      warmLog: () => (warm ??= buildWarmLog(makeContext('fixtures'))),
      metric(m) {
        const full = toMetric(module, m);
        metrics.push(full);
        return full;
      },
      find: (id) => metrics.find((x) => x.id === id),
      log: (message) => log(`${module}: ${message}`),
    };
    return ctx;
  };

  const moduleRuns: Array<{ name: string; ms: number; backgroundLoad: number | null; error?: string }> = [];
  log(`${cli.quick ? 'quick' : 'full'} run of ${selected.map((m) => m.name).join(', ')}; scratch dir ${workDir}`);
  for (const m of selected) {
    const load = await backgroundLoad();
    const busyNote = load !== null && load > 0.1 ? ` (WARNING: the machine is ${(load * 100).toFixed(0)}% busy before it starts; figures will be low)` : '';
    log(`== ${m.title}${busyNote}`);
    const t = performance.now();
    try {
      await m.run(makeContext(m.name));
      moduleRuns.push({ name: m.name, ms: performance.now() - t, backgroundLoad: load });
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      log(`${m.name} FAILED: ${message}`);
      moduleRuns.push({ name: m.name, ms: performance.now() - t, backgroundLoad: load, error: message });
    }
    log(`${m.name} took ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }

  // Baseline figures first, then by goal number, keeping the order within a goal.
  const ordered = metrics.map((m, i) => ({ m, i })).sort((a, b) => (a.m.goalNo ?? 99) - (b.m.goalNo ?? 99) || a.i - b.i).map((x) => x.m);
  const totalS = (performance.now() - started) / 1000;
  console.log(`\nkstream benchmarks (${cli.quick ? 'quick' : 'full'} run, ${totalS.toFixed(0)} s)\n`);
  console.log(renderTable(ordered));
  console.log(`\n${renderGoalSummary(ordered)}`);
  const failed = moduleRuns.filter((r) => r.error);
  const busy = moduleRuns.filter((r) => r.backgroundLoad !== null && r.backgroundLoad > 0.1);
  if (busy.length > 0) {
    console.log(`\nWARNING: other processes used the CPUs while these modules ran: ${busy.map((r) => `${r.name} ${((r.backgroundLoad ?? 0) * 100).toFixed(0)}%`).join(', ')} (share of all CPUs, sampled before each); their figures are pessimistic.`);
  }
  if (failed.length > 0) console.log(`\nmodules that failed: ${failed.map((r) => r.name).join(', ')} (see the log above)`);

  const resultsDir = join(BENCH_DIR, 'results');
  mkdirSync(resultsDir, { recursive: true });
  const doc = {
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    durationS: totalS,
    mode: cli.quick ? 'quick' : 'full',
    modules: moduleRuns,
    sizes: cli.sizes,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      kernel: release(),
      node: process.version,
      kcat: await kcatVersion(),
    },
    metrics: ordered,
  };
  const out = resolve(resultsDir, 'latest.json');
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\nresults: ${out}`);
  return 0;
}

main().then(
  (code) => {
    cleanupAll();
    process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    cleanupAll();
    process.exit(1);
  },
);
