/**
 * Command line and sizes. Every size can be set by an environment variable; `--quick` picks small
 * defaults so the whole suite runs in about a minute.
 *
 *   node bench/run.ts [--quick] [--only name[,name...]] [--list]
 */

export interface Sizes {
  /** dd: MiB written with conv=fdatasync. */
  ddMiB: number;
  /** small write + fdatasync rounds. */
  fsyncCount: number;
  /** loopback ping-pong rounds. */
  rttCount: number;
  /** MiB of 1 KiB records produced by kcat (goal 2). */
  produce1kMiB: number;
  /** 100-byte records produced by kcat (goal 3). */
  produce100Records: number;
  /** Sequential acks=-1 produce requests (goal 4). */
  latencyCount: number;
  /** MiB produced for each side of the 16-in-flight acks=-1 / acks=1 comparison (goal 4). */
  inflightMiB: number;
  /**
   * Record payload of the warm log read by the fetch and restart benchmarks (goals 5 and 7). The
   * default 1000 MiB (1010 MiB on disk) stays in one segment (segment.bytes is 1 GiB), so an
   * unclean restart has to scan all of it: the worst case.
   */
  logMiB: number;
  /** End-to-end latency: records per second and seconds (goal 6). */
  e2eRate: number;
  e2eSeconds: number;
  /** Clean and unclean restarts each (median reported). */
  restartRuns: number;
  /** Topics × partitions for the idle partition benchmark (goal 8). */
  topics: number;
  partitionsPerTopic: number;
  /** 100-byte records produced by @platformatic/kafka (goal 9). */
  nodeProduceRecords: number;
  /** Upper bound of any single load, in seconds. */
  loadTimeoutS: number;
}

const FULL: Sizes = {
  ddMiB: 1024,
  fsyncCount: 2000,
  rttCount: 20_000,
  produce1kMiB: 1024,
  produce100Records: 5_000_000,
  latencyCount: 2000,
  inflightMiB: 256,
  logMiB: 1000,
  e2eRate: 10_000,
  e2eSeconds: 5,
  restartRuns: 3,
  topics: 100,
  partitionsPerTopic: 100,
  nodeProduceRecords: 1_000_000,
  loadTimeoutS: 90,
};

const QUICK: Sizes = {
  ddMiB: 128,
  fsyncCount: 200,
  rttCount: 3000,
  produce1kMiB: 64,
  produce100Records: 500_000,
  latencyCount: 300,
  inflightMiB: 32,
  logMiB: 128,
  e2eRate: 10_000,
  e2eSeconds: 2,
  restartRuns: 1,
  topics: 20,
  partitionsPerTopic: 50,
  nodeProduceRecords: 100_000,
  loadTimeoutS: 30,
};

/** Environment variable of each size. */
export const SIZE_ENV: Record<keyof Sizes, string> = {
  ddMiB: 'KSTREAM_BENCH_DD_MIB',
  fsyncCount: 'KSTREAM_BENCH_FSYNC_COUNT',
  rttCount: 'KSTREAM_BENCH_RTT_COUNT',
  produce1kMiB: 'KSTREAM_BENCH_PRODUCE_1K_MIB',
  produce100Records: 'KSTREAM_BENCH_PRODUCE_100B_RECORDS',
  latencyCount: 'KSTREAM_BENCH_LATENCY_COUNT',
  inflightMiB: 'KSTREAM_BENCH_INFLIGHT_MIB',
  logMiB: 'KSTREAM_BENCH_LOG_MIB',
  e2eRate: 'KSTREAM_BENCH_E2E_RATE',
  e2eSeconds: 'KSTREAM_BENCH_E2E_SECONDS',
  restartRuns: 'KSTREAM_BENCH_RESTART_RUNS',
  topics: 'KSTREAM_BENCH_TOPICS',
  partitionsPerTopic: 'KSTREAM_BENCH_PARTITIONS_PER_TOPIC',
  nodeProduceRecords: 'KSTREAM_BENCH_NODE_PRODUCE_RECORDS',
  loadTimeoutS: 'KSTREAM_BENCH_LOAD_TIMEOUT_S',
};

export interface CliOptions {
  quick: boolean;
  only: string[] | null;
  list: boolean;
  help: boolean;
  sizes: Sizes;
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  let quick = false;
  let only: string[] | null = null;
  let list = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--list') list = true;
    else if (a === '--help' || a === '-h') help = true;
    else if (a === '--only') only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) only = a.slice(7).split(',').filter(Boolean);
    else throw new Error(`unknown argument ${a} (try --help)`);
  }
  const sizes: Sizes = { ...(quick ? QUICK : FULL) };
  for (const key of Object.keys(SIZE_ENV) as (keyof Sizes)[]) {
    const raw = env[SIZE_ENV[key]];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${SIZE_ENV[key]} must be a positive number, got ${raw}`);
    sizes[key] = n;
  }
  return { quick, only, list, help, sizes };
}
