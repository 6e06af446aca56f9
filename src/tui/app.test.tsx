/**
 * The monitor app driven like a user would: scripted snapshots from a fake source, a manual
 * clock for the poll timer (no real waiting on the app's time), keys written to a fake stdin, and
 * frames read back with ink-testing-library. Waiting helpers poll for a frame condition with a
 * bound instead of sleeping.
 */
import { stripVTControlCharacters } from 'node:util';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../admin/lag-source.ts';
import { MonitorApp } from './app.tsx';
import { DEFAULT_EVALUATION } from './data/burrow.ts';
import { DEFAULT_HISTORY_LIMITS } from './data/history.ts';
import type { MonitorSettings } from './data/monitor-state.ts';
import { ManualClock } from './hooks/clock.ts';
import { ScriptedSource, snapshot, type GroupSpec, type ScriptStep, type TopicsSpec } from './testing/scripted-source.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const settings: MonitorSettings = {
  limits: DEFAULT_HISTORY_LIMITS,
  model: { rateWindowMs: 10_000, evaluation: { ...DEFAULT_EVALUATION, stallAfterMs: 5000, warnMinCommits: 4 } },
};

const KEYS = { enter: '\r', escape: '\u001b', down: '\u001b[B', up: '\u001b[A', backspace: '\u007f' };

afterEach(() => cleanup());

function setup(steps: readonly ScriptStep[], options: { columns?: number; rows?: number; initialGroup?: string } = {}) {
  const clock = new ManualClock(T0);
  const source = new ScriptedSource(steps);
  const props = { source, clusterName: 'test-cluster', intervalMs: 1000, clock, settings, initialGroup: options.initialGroup };
  const r = render(<MonitorApp {...props} viewport={{ columns: options.columns ?? 130, rows: options.rows ?? 16 }} />);
  const frame = (): string => stripVTControlCharacters(r.lastFrame() ?? '');

  /** Waits (bounded) until the frame satisfies `check`. */
  async function until(check: (f: string) => boolean, what: string, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = frame();
      if (check(f)) return f;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  /** Moves the clock by `ms` and waits until the polls due by then have been answered and rendered. */
  async function advance(ms = 1000): Promise<void> {
    const before = source.polls;
    clock.advance(ms);
    const expected = before + (ms === 0 ? 1 : Math.floor(ms / 1000));
    const deadline = Date.now() + 3000;
    while (source.polls < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  async function keys(...list: string[]): Promise<void> {
    for (const k of list) {
      r.stdin.write(k);
      await new Promise((resolve) => setTimeout(resolve, k === KEYS.escape ? 40 : 2));
    }
  }

  return { ...r, clock, source, frame, until, advance, keys, props };
}

/** `n` snapshots a second apart from T0. */
function seconds(n: number, at: (i: number) => { topics: TopicsSpec; groups: GroupSpec[] }): ClusterSnapshot[] {
  return Array.from({ length: n }, (_v, i) => snapshot(T0 + i * 1000, at(i)));
}

const consumer = (id: string, owns: Record<string, number[]>) => ({ id, client: id.replace(/-\d+$/, ''), host: '/10.1.1.1', owns });

/** Lag of `grower` grows by 50 a second; `drainer` drains from 400 to 0; `idle` stays caught up. */
function mixed(i: number): { topics: TopicsSpec; groups: GroupSpec[] } {
  return {
    topics: { orders: [100 + 100 * i, 100 + 100 * i], payments: [[0, 1000]] as [number, number][], audit: [10] },
    groups: [
      { group: 'grower', members: [consumer('app-1', { orders: [0, 1] })], offsets: { 'orders:0': 50 * i, 'orders:1': 50 * i } },
      { group: 'drainer', members: [consumer('pay-1', { payments: [0] })], offsets: { 'payments:0': Math.min(1000, 600 + 100 * i) } },
      { group: 'idle', offsets: { 'audit:0': 10 } },
    ],
  };
}

describe('MonitorApp', () => {
  it('connects, then shows groups sorted by lag with lag, trend, rate, time lag and status', async () => {
    const app = setup(seconds(6, mixed));
    expect(app.frame()).toContain('connecting…');
    await app.advance(0);
    let f = await app.until((x) => x.includes('grower'), 'the first snapshot');
    expect(f).toContain('kstream top · test-cluster · groups (3)');
    expect(f).toMatch(/GROUP\s+STATE\s+MEMB\s+TOPICS\s+LAG\s+TREND\s+RATE\s+TIME LAG\s+STATUS/);
    expect(f).toContain('connected');
    for (let i = 0; i < 5; i++) await app.advance(1000);
    f = await app.until((x) => x.includes('WARN'), 'a WARN status for the growing group');
    const lines = f.split('\n');
    const grower = lines.find((l) => l.includes('grower'))!;
    const drainer = lines.find((l) => l.includes('drainer'))!;
    const idle = lines.find((l) => l.includes('idle'))!;
    // Sorted by lag: grower (2 × 350), drainer (0 after draining)... idle last by name.
    expect(lines.indexOf(grower)).toBeLessThan(lines.indexOf(drainer));
    expect(grower).toMatch(/700 ↑/);
    expect(grower).toMatch(/ 100\/s /);
    expect(grower).toMatch(/WARN\s+orders-\d: lag did no/);
    expect(f).toMatch(/^grower: WARN orders-\d: lag did not decrease over 6 commits \(100 → 350\)$/m);
    expect(grower).toMatch(/[▁▂▃▄▅▆▇█]{3,}/);
    expect(drainer).toMatch(/\b0 ↓/);
    expect(drainer).toMatch(/OK\s+caught up/);
    expect(idle).toMatch(/Empty\s+0 audit\s+0 →/);
    expect(f).toContain('› grower');
  });

  it('time lag: interpolated from the log end history', async () => {
    // The log end grows 100/s; the group stays 300 records (3 s) behind: moving, but never
    // gaining, which Burrow calls WARN.
    const app = setup(seconds(6, (i) => ({ topics: { t: [1000 + 100 * i] }, groups: [{ group: 'g', members: [consumer('c-1', { t: [0] })], offsets: { 't:0': 700 + 100 * i } }] })));
    await app.advance(0);
    for (let i = 0; i < 5; i++) await app.advance(1000);
    const f = await app.until((x) => / 3\.0s /.test(x), 'a 3 s time lag');
    expect(f.split('\n').find((l) => l.includes('› g'))).toMatch(/300 → .* 100\/s\s+3\.0s WARN/);
  });

  it('a stalled group and a stopped group', async () => {
    const steps = seconds(8, (i) => ({
      topics: { t: [500 + 10 * i, 500 + 10 * i] },
      groups: [
        { group: 'stuck', members: [consumer('s-1', { t: [0, 1] })], offsets: { 't:0': 100, 't:1': 100 } },
        { group: 'gone', offsets: { 't:0': 200, 't:1': 200 } },
      ],
    }));
    const app = setup(steps);
    await app.advance(0);
    for (let i = 0; i < 7; i++) await app.advance(1000);
    const f = await app.until((x) => x.includes('STALL') && x.includes('STOP'), 'STALL and STOP');
    expect(f).toMatch(/› stuck .* 0\/s .*STALL\s+t-\d: committed/);
    expect(f).toMatch(/gone .*STOP\s+t-\d: no consumer/);
    expect(f).toMatch(/^stuck: STALL t-\d: committed offset stuck at 100 for 7\.0s with lag 470$/m);
    await app.keys('j');
    await app.until((x) => /^gone: STOP t-\d: no consumer: committed offset unchanged at 200 for 7\.0s with lag 370$/m.test(x), 'the reason of gone');
  });

  it('a rewind', async () => {
    const base = (committed: number) => ({ topics: { t: [1000] }, groups: [{ group: 'reset', offsets: { 't:0': committed } }] });
    const app = setup([snapshot(T0, base(1000)), snapshot(T0 + 1000, base(1000)), snapshot(T0 + 2000, base(0))]);
    await app.advance(0);
    await app.advance(1000);
    await app.until((x) => /reset .*OK\s+caught up/.test(x), 'caught up');
    await app.advance(1000);
    const f = await app.until((x) => x.includes('REWIND'), 'REWIND');
    expect(f).toMatch(/› reset .*1000 ↑.*REWIND/);
    expect(f).toMatch(/^reset: REWIND t-0: committed offset moved back from 1000 to 0$/m);
  });

  it('a disconnect: the last data stays, the time since the last good sample counts, then it reconnects', async () => {
    const ok = (i: number) => snapshot(T0 + i * 1000, mixed(i));
    const refused = Object.assign(new Error('Connection to 127.0.0.1:9092 failed.'), { code: 'ECONNREFUSED' });
    const app = setup([ok(0), ok(1), refused, refused, refused, ok(5)]);
    await app.advance(0);
    await app.advance(1000);
    await app.advance(1000);
    let f = await app.until((x) => x.includes('DISCONNECTED'), 'the disconnected state');
    expect(f).toMatch(/DISCONNECTED Connection to 127\.0\.0\.1:9092 failed\. \(ECONNREFUSED\) · last good sample 1\.0s ago · reconnecting \(1 failed\)/);
    expect(f).toContain('grower');
    await app.advance(1000);
    await app.advance(1000);
    f = await app.until((x) => x.includes('(3 failed)'), 'three failures');
    expect(f).toContain('last good sample 3.0s ago');
    await app.advance(1000);
    f = await app.until((x) => !x.includes('DISCONNECTED'), 'reconnected');
    expect(f).toContain('connected');
    expect(f).toContain(`data ${new Date(T0 + 5000).getHours().toString().padStart(2, '0')}:`);
  });

  it('never reached: disconnected with no data yet', async () => {
    const app = setup([new Error('getaddrinfo ENOTFOUND kafka.invalid')]);
    await app.advance(0);
    const f = await app.until((x) => x.includes('DISCONNECTED'), 'the disconnected state');
    expect(f).toContain('no data yet');
    expect(f).toContain('no consumer groups');
  });

  it('navigates: j/k and arrows move, Enter drills into a group, Esc goes back', async () => {
    const app = setup(seconds(2, mixed));
    await app.advance(0);
    await app.advance(1000);
    // Both groups are 300 behind: by name, drainer first.
    await app.until((x) => x.includes('› drainer'), 'drainer selected');
    await app.keys('j');
    await app.until((x) => x.includes('› grower'), 'grower selected');
    await app.keys(KEYS.down);
    await app.until((x) => x.includes('› idle'), 'idle selected');
    await app.keys('j', 'k');
    await app.until((x) => x.includes('› grower'), 'back to grower');
    await app.keys(KEYS.up, KEYS.enter);
    const f = await app.until((x) => x.includes('group drainer'), 'the drainer screen');
    expect(f).toMatch(/drainer\s+Stable\s+1 member\s+topics: payments/);
    expect(f).toMatch(/TOPIC\s+P\s+COMMITTED\s+LOG-END\s+LAG\s+TIME LAG\s+RATE\s+STATUS\s+OWNER/);
    expect(f).toMatch(/› payments\s+0\s+700\s+1000\s+300 .*OK\s+pay@\/10\.1\.1\.1/);
    await app.keys(KEYS.escape);
    await app.until((x) => x.includes('groups (3)') && x.includes('› drainer'), 'back on the groups screen');
  });

  it('warns when a committed offset is behind retention', async () => {
    const app = setup([snapshot(T0, { topics: { logs: [[500, 900]] }, groups: [{ group: 'late', offsets: { 'logs:0': 20 } }] })], { initialGroup: 'late' });
    await app.advance(0);
    const f = await app.until((x) => x.includes('behind retention'), 'the retention warning');
    expect(f).toContain('⚠ committed offset is behind retention on 1 partition: logs-0 (committed 20 < log start 500)');
    expect(f).toMatch(/› logs\s+0\s+20\s+900\s+880 .*⚠ behind retention/);
  });

  it('filters with /, keeps the filter with Enter, clears it with Esc', async () => {
    const app = setup(seconds(1, mixed));
    await app.advance(0);
    await app.until((x) => x.includes('idle'), 'groups');
    await app.keys('/', 'd', 'r', 'x');
    let f = await app.until((x) => x.includes('filter: drx▏'), 'the filter being typed');
    expect(f).toContain('type to filter');
    expect(f).not.toContain('grower');
    expect(f).not.toContain('drainer');
    await app.keys(KEYS.backspace, KEYS.enter);
    f = await app.until((x) => x.includes('filter: dr') && !x.includes('▏'), 'the filter kept');
    expect(f).toContain('drainer');
    expect(f).not.toContain('idle');
    expect(f).not.toContain('grower');
    await app.keys(KEYS.escape);
    await app.until((x) => !x.includes('filter:') && x.includes('idle'), 'the filter cleared');
  });

  it('keys typed at once are each handled', async () => {
    const app = setup(seconds(1, mixed));
    await app.advance(0);
    await app.until((x) => x.includes('idle'), 'groups');
    await app.keys('/idl\r');
    const f = await app.until((x) => x.includes('filter: idl') && !x.includes('▏'), 'the filter');
    expect(f).not.toContain('grower');
  });

  it('sorts with s', async () => {
    const app = setup(seconds(1, mixed));
    await app.advance(0);
    await app.until((x) => x.includes('sort: lag'), 'lag sort');
    await app.keys('s', 's', 's', 's');
    const f = await app.until((x) => x.includes('sort: name'), 'name sort');
    const names = f.split('\n').filter((l) => /^[› ] (drainer|grower|idle)/.test(l)).map((l) => l.slice(2).split(/\s+/)[0]);
    expect(names).toEqual(['drainer', 'grower', 'idle']);
  });

  it('pauses with p: no polls while paused', async () => {
    const app = setup(seconds(5, mixed));
    await app.advance(0);
    await app.until((x) => x.includes('grower'), 'groups');
    await app.keys('p');
    await app.until((x) => x.includes('PAUSED'), 'paused');
    const polls = app.source.polls;
    app.clock.advance(5000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(app.source.polls).toBe(polls);
    expect(app.clock.pending).toBe(0);
    await app.keys('p');
    await app.until((x) => !x.includes('PAUSED'), 'resumed');
    await app.advance(0);
    expect(app.source.polls).toBe(polls + 1);
  });

  it('shows topics with t, hot partitions highlighted, and groups with g', async () => {
    const hot = (i: number): { topics: TopicsSpec; groups: GroupSpec[] } => ({ topics: { clicks: [10 * i, 200 * i, 10 * i], quiet: [5] }, groups: [] });
    const app = setup(seconds(3, hot));
    await app.advance(0);
    await app.advance(1000);
    await app.advance(1000);
    await app.keys('t');
    let f = await app.until((x) => x.includes('topics (2)') && x.includes('clicks'), 'the topics screen');
    expect(f).toMatch(/TOPIC\s+PARTS\s+RECORDS\s+PRODUCE\s+HOT\s+RATE BY PARTITION/);
    expect(f).toMatch(/clicks\s+3\s+440\s+220\/s\s+1 ▁█▁/);
    await app.keys(KEYS.enter);
    f = await app.until((x) => x.includes('topic clicks'), 'the partitions of clicks');
    expect(f).toContain('clicks  3 partitions  440 records  producing 220/s  1 hot');
    expect(f).toMatch(/1\s+0\s+400\s+400\s+200\/s\s+91%\s+HOT/);
    expect(f).not.toMatch(/0\s+0\s+20\s+20\s+10\.0\/s\s+5%\s+HOT/);
    await app.keys('g');
    await app.until((x) => x.includes('groups (0)') && x.includes('no consumer groups'), 'the groups screen');
  });

  it('follows the terminal size: narrower drops columns, too small says so', async () => {
    const app = setup(seconds(1, mixed), { columns: 130 });
    await app.advance(0);
    let f = await app.until((x) => x.includes('grower'), 'groups');
    expect(f).toContain('REASON');
    app.rerender(<MonitorApp {...app.props} viewport={{ columns: 70, rows: 16 }} />);
    f = await app.until((x) => !x.includes('REASON'), 'the narrow layout');
    expect(f).toMatch(/GROUP\s+MEMB\s+LAG\s+TREND\s+RATE\s+TIME LAG\s+STATUS/);
    expect(f).not.toContain('STATE');
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(70);
    app.rerender(<MonitorApp {...app.props} viewport={{ columns: 30, rows: 5 }} />);
    await app.until((x) => x.includes('terminal too small (30x5)'), 'the too-small message');
  });

  it('fills the viewport height exactly and scrolls to the selection', async () => {
    const many = (i: number): { topics: TopicsSpec; groups: GroupSpec[] } => ({ topics: { t: [100] }, groups: Array.from({ length: 30 }, (_v, n) => ({ group: `g${String(n).padStart(2, '0')}`, offsets: { 't:0': n + i } })) });
    const app = setup(seconds(1, many), { rows: 12 });
    await app.advance(0);
    let f = await app.until((x) => x.includes('› g00'), 'the first group selected');
    expect(f.split('\n')).toHaveLength(12);
    expect(f).toMatch(/^  ↓ 24 more$/m);
    await app.keys(...Array.from({ length: 12 }, () => 'j'));
    f = await app.until((x) => x.includes('› g12'), 'g12 selected');
    expect(f).toMatch(/↑ \d+ more/);
    expect(f.split('\n')).toHaveLength(12);
  });

  it('quits with q: the poll timer stops', async () => {
    const app = setup(seconds(2, mixed));
    await app.advance(0);
    await app.until((x) => x.includes('grower'), 'groups');
    expect(app.clock.pending).toBe(1);
    await app.keys('q');
    const deadline = Date.now() + 2000;
    while (app.clock.pending > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(app.clock.pending).toBe(0);
  });
});
