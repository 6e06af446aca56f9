/**
 * The command line (topics, produce, consume, groups):
 *  - `kstream produce` of N 100-byte lines (1,000,000 in a full run) and `kstream consume -e`
 *    of them, wall time beside `kcat -P -l` / `kcat -C -e` on the same broker in the same run
 *    (ratio = kstream time / kcat time), both with acks=all.
 *  - Start-up: median wall time of `kstream --version` and `kstream topics`.
 * Runs the built CLI (bin/run.js with dist/, as users do); skipped when dist/ is missing.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchModule } from './lib/context.ts';
import { spawnBroker } from './lib/broker.ts';
import { kcatConsume, kcatProduce, LARGE_BATCHES } from './lib/kcat.ts';
import { makeTempDir, removeTempDir, run } from './lib/proc.ts';
import { summarize } from './lib/stats.ts';
import { WireClient, createTopics } from './lib/wire.ts';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/commands/produce.js', import.meta.url));

async function kstream(args: string[], timeoutMs: number): Promise<{ ms: number; cpuMs: number | null }> {
  const r = await run(process.execPath, [BIN, ...args], { timeoutMs, measureCpu: true, env: { ...process.env, NO_COLOR: '1' } });
  if (r.timedOut) throw new Error(`kstream ${args.join(' ')} did not finish within ${timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`kstream ${args.join(' ')} exited with ${r.code ?? r.signal}: ${r.stderr.slice(0, 1000)}`);
  return { ms: r.ms, cpuMs: r.cpuMs };
}

export const cliModule: BenchModule = {
  name: 'cli',
  title: 'Command line: produce and consume beside kcat, start-up time',
  async run(ctx: BenchContext) {
    if (!existsSync(DIST)) {
      ctx.log('cli: dist/ is missing (run npm run build); skipped');
      return;
    }
    const count = ctx.quick ? 100_000 : 1_000_000;
    const file = await ctx.recordFile(100, count);
    const dir = makeTempDir('cli');
    const broker = await spawnBroker(dir);
    const timeoutMs = ctx.sizes.loadTimeoutS * 4000;
    try {
      const client = await WireClient.connect(broker.host, broker.port);
      await createTopics(client, ['cli-kstream', 'cli-kcat'], 1);
      client.close();

      const kp = await kstream(['produce', 'cli-kstream', '-b', broker.bootstrap, '--file', file.path, '--acks', 'all', '-p', '0', '-q'], timeoutMs);
      const cp = await kcatProduce({ bootstrap: broker.bootstrap, topic: 'cli-kcat', partition: 0, file: file.path, count, config: { ...LARGE_BATCHES, acks: 'all' }, timeoutMs });
      ctx.metric({
        id: 'cli.produce',
        label: `kstream produce of ${count.toLocaleString('en')} 100-byte lines (wall time)`,
        value: kp.ms / 1000,
        unit: 's',
        limit: { value: cp.ms / 1000, unit: 's', label: 'kcat -P -l, same records' },
        note: `${Math.round(count / (kp.ms / 1000)).toLocaleString('en')} records/s; CPU ${kp.cpuMs === null ? '?' : (kp.cpuMs / 1000).toFixed(1)} s vs kcat ${cp.cpuMs === null ? '?' : (cp.cpuMs / 1000).toFixed(1)} s`,
      });

      const kc = await kstream(['consume', 'cli-kstream', '-b', broker.bootstrap, '-e', '-q', '-f', '%v\n'], timeoutMs);
      const cc = await kcatConsume({ bootstrap: broker.bootstrap, topic: 'cli-kcat', partition: 0, config: {}, timeoutMs, format: '%s\n' });
      ctx.metric({
        id: 'cli.consume',
        label: `kstream consume -e of ${count.toLocaleString('en')} records (wall time)`,
        value: kc.ms / 1000,
        unit: 's',
        limit: { value: cc.ms / 1000, unit: 's', label: 'kcat -C -e, same records' },
        note: `${Math.round(count / (kc.ms / 1000)).toLocaleString('en')} records/s`,
      });

      for (const [id, args] of [
        ['version', ['--version']],
        ['topics', ['topics', '-b', broker.bootstrap]],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < (ctx.quick ? 3 : 7); i++) times.push((await kstream([...args], 30_000)).ms);
        const s = summarize(times);
        ctx.metric({ id: `cli.startup.${id}`, label: `kstream ${args[0]} start-to-exit, median of ${times.length}`, value: s.p50, unit: 'ms', details: { ...s } });
      }
    } finally {
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
