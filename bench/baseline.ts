/**
 * Goal 1, the machine's own limits that the other figures are compared with:
 *  - dd: sequential write throughput with a final fdatasync, in the data dirs' filesystem.
 *  - fsync latency: a small write + fdatasync from Node (fs/promises, as the broker does it).
 *  - loopback TCP round trip: ping-pong of 64 bytes between two Node processes.
 */
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { Baseline, BenchContext, BenchModule } from './lib/context.ts';
import { run, track, withTimeout } from './lib/proc.ts';
import { summarize } from './lib/stats.ts';

async function ddMBps(ctx: BenchContext): Promise<{ mbps: number; bytes: number; seconds: number }> {
  const file = join(ctx.workDir, 'dd.tmp');
  try {
    const r = await run('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${ctx.sizes.ddMiB}`, 'conv=fdatasync'], {
      timeoutMs: ctx.sizes.loadTimeoutS * 1000,
    });
    if (r.code !== 0) throw new Error(`dd failed: ${r.stderr}`);
    const m = /(\d+) bytes .*copied, ([\d.]+) s/.exec(r.stderr);
    if (!m) throw new Error(`cannot read dd's output: ${r.stderr}`);
    const bytes = Number(m[1]);
    const seconds = Number(m[2]);
    return { mbps: bytes / 1e6 / seconds, bytes, seconds };
  } finally {
    rmSync(file, { force: true });
  }
}

/** `count` rounds of a 1 KiB positional write + fdatasync; ms per round. */
async function fsyncLatencies(ctx: BenchContext): Promise<{ async: number[]; sync: number[] }> {
  const file = join(ctx.workDir, 'fsync.tmp');
  const buf = Buffer.alloc(1024, 0x61);
  const deadline = performance.now() + ctx.sizes.loadTimeoutS * 500;
  const asyncTimes: number[] = [];
  const fh = await open(file, 'w');
  try {
    for (let i = 0; i < ctx.sizes.fsyncCount && performance.now() < deadline; i++) {
      const t = performance.now();
      await fh.write(buf, 0, buf.length, i * buf.length);
      await fh.datasync();
      asyncTimes.push(performance.now() - t);
    }
  } finally {
    await fh.close();
  }
  const syncTimes: number[] = [];
  const fd = openSync(file, 'w');
  try {
    const end = performance.now() + ctx.sizes.loadTimeoutS * 250;
    for (let i = 0; i < ctx.sizes.fsyncCount && performance.now() < end; i++) {
      const t = performance.now();
      writeSync(fd, buf, 0, buf.length, i * buf.length);
      fdatasyncSync(fd);
      syncTimes.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return { async: asyncTimes, sync: syncTimes };
}

const ECHO_SERVER = `
const net = require('node:net');
const server = net.createServer({ noDelay: true }, (s) => { s.setNoDelay(true); s.on('data', (d) => s.write(d)); s.on('error', () => {}); });
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
`;

/** Ping-pong of 64 bytes with an echo server in another process; ms per round trip. */
async function loopbackRtts(ctx: BenchContext): Promise<number[]> {
  const child = track(spawn(process.execPath, ['-e', ECHO_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] }));
  try {
    const port = await withTimeout(
      new Promise<number>((resolve) => createInterface({ input: child.stdout! }).once('line', (l) => resolve(Number(l)))),
      10_000,
      'echo server',
    );
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const msg = Buffer.alloc(64, 1);
    const times: number[] = [];
    const deadline = performance.now() + ctx.sizes.loadTimeoutS * 500;
    let got = 0;
    let t = 0;
    await new Promise<void>((resolve) => {
      const next = (): void => {
        if (times.length >= ctx.sizes.rttCount || performance.now() > deadline) return resolve();
        got = 0;
        t = performance.now();
        socket.write(msg);
      };
      socket.on('data', (d: Buffer) => {
        got += d.length;
        if (got < msg.length) return;
        times.push(performance.now() - t);
        next();
      });
      next();
    });
    socket.destroy();
    return times.slice(Math.min(100, times.length >> 3)); // without the warm-up
  } finally {
    child.stdin!.end();
    child.kill('SIGKILL');
  }
}

/** Measures the three baselines and records them (called once per run, by whoever needs them first). */
export async function measureBaseline(ctx: BenchContext): Promise<Baseline> {
  ctx.log(`dd ${ctx.sizes.ddMiB} MiB with conv=fdatasync`);
  const dd = await ddMBps(ctx);
  ctx.metric({
    id: 'baseline.dd',
    goalNo: 1,
    label: `dd bs=1M count=${ctx.sizes.ddMiB} conv=fdatasync`,
    value: dd.mbps,
    unit: 'MB/s',
    details: { bytes: dd.bytes, seconds: dd.seconds },
  });
  ctx.log(`fsync latency, ${ctx.sizes.fsyncCount} rounds`);
  const fs = await fsyncLatencies(ctx);
  const fsAsync = summarize(fs.async);
  const fsSync = summarize(fs.sync);
  ctx.metric({ id: 'baseline.fsync.p50', goalNo: 1, label: 'fsync p50 (1 KiB write + fdatasync, fs/promises)', value: fsAsync.p50, unit: 'ms', details: { ...fsAsync } });
  ctx.metric({ id: 'baseline.fsync.p99', goalNo: 1, label: 'fsync p99 (fs/promises)', value: fsAsync.p99, unit: 'ms' });
  ctx.metric({
    id: 'baseline.fsync-sync.p50',
    goalNo: 1,
    label: 'fsync p50, synchronous calls (no thread pool hop)',
    value: fsSync.p50,
    unit: 'ms',
    limit: { value: fsAsync.p50, unit: 'ms', label: 'fsync p50 (fs/promises)' },
    details: { ...fsSync },
  });
  ctx.log(`loopback round trips, ${ctx.sizes.rttCount}`);
  const rtt = summarize(await loopbackRtts(ctx));
  ctx.metric({ id: 'baseline.rtt.p50', goalNo: 1, label: 'loopback TCP round trip p50 (Node ↔ Node, 64 B)', value: rtt.p50, unit: 'ms', details: { ...rtt } });
  ctx.metric({ id: 'baseline.rtt.p99', goalNo: 1, label: 'loopback TCP round trip p99', value: rtt.p99, unit: 'ms' });
  return { ddMBps: dd.mbps, fsyncP50Ms: fsAsync.p50, rttP50Ms: rtt.p50 };
}

export const baselineModule: BenchModule = {
  name: 'baseline',
  title: '1. Disk and loopback baselines',
  async run(ctx) {
    await ctx.baseline();
  },
};
