/**
 * The live lag monitor (kstream top): memory and CPU of `kstream top` running in a real
 * terminal (tmux) against a broker with 100 partitions and 20 groups while records keep
 * arriving. Reports RSS at the start and end and its peak, and average CPU (share of one
 * core). Duration: KSTREAM_BENCH_TOP_SECONDS (default 120 s, 20 s with --quick; the issue's
 * reference figure is a 10-minute run: KSTREAM_BENCH_TOP_SECONDS=600). Skipped without tmux or dist/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker } from './lib/broker.ts';
import { makeTempDir, removeTempDir, sleep } from './lib/proc.ts';
import { WireClient, createTopics, produceFrame, produceResult } from './lib/wire.ts';
import { ApiKey } from '../src/protocol/generated/api-keys.ts';
import { encodeTestBatch } from '../src/storage/test-batches.ts';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/commands/top.js', import.meta.url));
const TOPICS = 5;
const PARTITIONS_PER_TOPIC = 20;
const GROUPS = 20;

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime in clock ticks of 10 ms
}

/** The node process running in the tmux pane (the pane's process or its child). */
function topPid(session: string): number {
  const pane = Number(execFileSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}']).toString().trim());
  const comm = readFileSync(`/proc/${pane}/comm`, 'utf8').trim();
  if (comm.startsWith('node')) return pane;
  const child = spawnSync('pgrep', ['-P', String(pane)]).stdout.toString().trim().split('\n')[0];
  return Number(child) || pane;
}

export const topModule: BenchModule = {
  name: 'top',
  title: 'kstream top: memory and CPU with 100 partitions and 20 groups',
  async run(ctx: BenchContext) {
    if (!existsSync(DIST) || spawnSync('tmux', ['-V']).status !== 0) {
      ctx.log('top: needs tmux and dist/ (npm run build); skipped');
      return;
    }
    const seconds = Number(process.env.KSTREAM_BENCH_TOP_SECONDS ?? (ctx.quick ? 20 : 120));
    const dir = makeTempDir('top');
    const broker = await spawnBroker(dir);
    const session = `kstream-bench-top-${process.pid}`;
    try {
      const client = await WireClient.connect(broker.host, broker.port);
      const topics = Array.from({ length: TOPICS }, (_, i) => `top-${i}`);
      await createTopics(client, topics, PARTITIONS_PER_TOPIC);
      const batch = (): Buffer => encodeTestBatch([{ key: null, value: Buffer.alloc(100, 0x61), timestamp: Date.now() }]);
      const commit = async (g: number, round: number): Promise<void> => {
        const topic = topics[g % TOPICS];
        await client.request(ApiKey.OffsetCommit, 8, {
          groupId: `top-group-${g}`,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          topics: [{ name: topic, partitions: Array.from({ length: PARTITIONS_PER_TOPIC }, (_, p) => ({ partitionIndex: p, committedOffset: BigInt(round) })) }],
        });
      };
      for (let g = 0; g < GROUPS; g++) await commit(g, 0);

      execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '160', '-y', '50', `${process.execPath} ${BIN} top -b ${broker.bootstrap} --interval 1s`]);
      await sleep(3000);
      const pid = topPid(session);
      const rssStart = rssKiB(pid);
      const cpuStart = cpuMs(pid);
      const t0 = performance.now();
      let peak = rssStart;
      let round = 0;
      while (performance.now() - t0 < seconds * 1000) {
        // Keep the numbers moving: one record per partition and a commit per group each second.
        for (const topic of topics) for (let p = 0; p < PARTITIONS_PER_TOPIC; p++) produceResult((await client.sendFrame(produceFrame(topic, p, batch(), 1)))!);
        round++;
        for (let g = 0; g < GROUPS; g++) await commit(g, Math.max(0, round - (g % 5)));
        peak = Math.max(peak, rssKiB(pid));
        await sleep(1000);
      }
      const wallMs = performance.now() - t0;
      const cpu = (cpuMs(pid) - cpuStart) / wallMs;
      const rssEnd = rssKiB(pid);
      const screen = execFileSync('tmux', ['capture-pane', '-p', '-t', session]).toString();
      if (!/top-group-/.test(screen)) throw new Error(`kstream top did not show the groups:\n${screen}`);
      client.close();
      ctx.metric({ id: 'top.rss.end', label: `kstream top RSS after ${Math.round(wallMs / 1000)} s`, value: rssEnd / 1024, unit: 'MiB', note: `start ${(rssStart / 1024).toFixed(1)} MiB, peak ${(peak / 1024).toFixed(1)} MiB` });
      ctx.metric({ id: 'top.cpu', label: `kstream top CPU over ${Math.round(wallMs / 1000)} s (share of one core)`, value: cpu * 100, unit: '%' });
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
