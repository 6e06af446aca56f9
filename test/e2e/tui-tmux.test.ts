/**
 * The real `kstream top` in a real terminal: the built CLI runs in a detached tmux session (a
 * private tmux server, so nothing else is touched) against a broker in this process, with a
 * producer and a slow consumer, so the group's lag grows. The pane's text (`tmux capture-pane
 * -p`) is checked for the lag and a status, and for the lag changing over a few seconds; then keys
 * are sent: Enter drills into the group, Esc goes back, t shows topics, q quits.
 *
 * CI sets CI=true, which makes Ink non-interactive unless told otherwise; the command runs with
 * CI=true here too, to show that a terminal still gets the live view.
 *
 * Skipped only when tmux is not installed. With KSTREAM_TUI_CAPTURE_DIR set, the captured panes
 * are written there.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { cliBin as bin, cliEnvironment, cliTempDir, ensureCliBuilt } from '../helpers/cli.ts';

const tmuxInstalled = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

const tmp = cliTempDir('tui-tmux');
/** A private tmux server for this file. */
const socket = `kstream-tui-${process.pid}-${Date.now().toString(36)}`;
const session = 'top';

/** Colors on (a terminal), CI=true, and nothing of an enclosing tmux. */
const env = cliEnvironment(tmp, { CI: 'true', TERM: 'xterm-256color', NO_COLOR: undefined, TMUX: undefined, TMUX_PANE: undefined });

function tmux(...args: string[]): string {
  const r = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function pane(): string {
  return tmux('capture-pane', '-p', '-t', session);
}

async function untilPane(check: (text: string) => boolean, timeoutMs: number, what: string): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = pane();
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; pane:\n${last}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const captures: Record<string, string> = {};

let tb: TestBroker | undefined;
let kafka: Kafka;
let producer: Producer | undefined;
let consumer: Consumer | undefined;
let producing: NodeJS.Timeout | undefined;
const topic = uniqueName('clicks');
const group = uniqueName('slow');

beforeAll(async () => {
  if (!tmuxInstalled) return;
  ensureCliBuilt();
  tb = await startBroker();
  kafka = kafkajsClient(tb.bootstrap);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
  // About 100 records a second.
  let n = 0;
  producing = setInterval(() => {
    void producer!.send({ topic, messages: Array.from({ length: 10 }, () => ({ value: `click-${n++}` })) }).catch(() => undefined);
  }, 100);
  // About 40 records a second, in small batches: it falls behind, committing as it goes.
  consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, maxBytesPerPartition: 2048, sessionTimeout: 10_000, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async () => new Promise((r) => setTimeout(r, 25)) });
}, 60_000);

afterAll(async () => {
  if (tmuxInstalled) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore', timeout: 10_000 });
  clearInterval(producing);
  await consumer?.disconnect().catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await tb?.close();
  const dir = process.env.KSTREAM_TUI_CAPTURE_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(captures)) writeFileSync(join(dir, `${name}.txt`), text);
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** The number in the LAG column of the group's row. */
function lagOf(text: string): number | null {
  const row = text.split('\n').find((l) => l.includes(group));
  const m = row ? new RegExp(`${group}\\s+\\S+\\s+\\d+\\s+${topic}\\s+(\\d+)`).exec(row) : null;
  return m ? Number(m[1]) : null;
}

describe('kstream top in tmux', () => {
  // Without tmux there is no terminal to run in; CI installs it (see the report of this suite).
  it.skipIf(!tmuxInstalled)('shows the lag and a status changing live, drills in, switches screens and quits', async () => {
    const command = [process.execPath, bin, 'top', '-b', tb!.bootstrap, '--interval', '500ms'].map(shellQuote).join(' ');
    // If top ever exits, the pane says how.
    tmux('new-session', '-d', '-s', session, '-x', '132', '-y', '24', `${command}; echo "top exited with $?"; sleep 120`);

    const first = await untilPane((t) => lagOf(t) !== null && /\b(OK|WARN|STALL|STOP|REWIND)\b/.test(t), 20_000, 'the group with its lag and status');
    captures['1-groups'] = first;
    expect(first).toContain(`kstream top · ${tb!.bootstrap} · groups`);
    expect(first).toMatch(/GROUP\s+STATE\s+MEMB\s+TOPICS\s+LAG\s+TREND\s+RATE\s+TIME LAG\s+STATUS/);
    expect(first).toContain('connected');
    expect(first).toContain('q quit');
    const lag1 = lagOf(first)!;

    // The lag grows; after a few samples the rate, time lag and a WARN (lag not decreasing) show.
    const later = await untilPane((t) => {
      const lag = lagOf(t);
      return lag !== null && lag > lag1 && /\bWARN\b/.test(t) && /\d(\.\d)?\/s/.test(t);
    }, 30_000, 'the lag to grow and the status to turn WARN');
    captures['2-groups-later'] = later;
    const row = later.split('\n').find((l) => l.includes(group))!;
    expect(row).toMatch(/↑/);
    expect(row).toMatch(/\d+(\.\d)?s/);
    expect(row).toMatch(/[▁▂▃▄▅▆▇█]/);

    // Enter: the group's partitions with their owner.
    tmux('send-keys', '-t', session, 'Enter');
    const drilled = await untilPane((t) => t.includes(`group ${group}`) && /TOPIC\s+P\s+COMMITTED\s+LOG-END/.test(t), 10_000, 'the group screen');
    captures['3-group'] = drilled;
    expect(drilled).toMatch(new RegExp(`${topic}\\s+0\\s+\\d+\\s+\\d+\\s+\\d+`));
    expect(drilled).toMatch(new RegExp(`${topic}\\s+1\\s+\\d+\\s+\\d+\\s+\\d+`));
    expect(drilled).toContain('kstream-test@');

    tmux('send-keys', '-t', session, 'Escape');
    await untilPane((t) => t.includes('· groups ('), 10_000, 'the groups screen again');
    tmux('send-keys', '-t', session, 't');
    const topics = await untilPane((t) => t.includes('· topics (') && t.includes(topic), 10_000, 'the topics screen');
    expect(topics).toMatch(new RegExp(`${topic}\\s+2\\s+\\d+\\s+\\d+(\\.\\d)?/s`));

    tmux('send-keys', '-t', session, 'q');
    await untilPane((t) => t.includes('top exited with 0'), 10_000, 'top to exit');
  });
});
