/**
 * End-to-end tests of `kstream groups` (list, describe, reset-offsets, delete, delete-offsets)
 * against a real broker started in this process, running the built CLI (bin/run.js → dist/) as
 * child processes. Groups are set up with a live kafkajs consumer for the "active group" cases
 * and with simple offset commits for the others; committed offsets are checked with kafkajs.
 * Independent CLI runs go a few at a time (each costs about a second of CPU).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Admin as PlatformaticAdmin } from '@platformatic/kafka';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plainColumns } from '../../src/cli/output.ts';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { kafkajsClient } from '../helpers/kafkajs.ts';
import { RawConnection } from '../helpers/raw-connection.ts';
import { ApiKey } from '../../src/protocol/generated/api-keys.ts';
import { platformaticAdmin } from '../helpers/platformatic.ts';
import { cliEnvironment, cliTempDir, ensureCliBuilt, runCliOutput, type CliOutput } from '../helpers/cli.ts';

const tmp = cliTempDir('cli-groups');
const cliEnv = cliEnvironment(tmp);

type RunResult = CliOutput;

function run(args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return runCliOutput(args, { cwd: tmp, env: cliEnv, timeoutMs });
}

/** Runs CLI invocations a few at a time (each is about a second of CPU). */
async function runAll(list: string[][], concurrency = 4): Promise<RunResult[]> {
  const results: RunResult[] = new Array(list.length);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      results[i] = await run(list[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  return results;
}

let tb: TestBroker;
let kafka: Kafka;
let admin: Admin;
/** For fast simple commits (kafkajs' setOffsets joins the group first). */
let committer: PlatformaticAdmin;
let live: Consumer | undefined;
/** Cluster flags for every command. */
let B: string[];

/** Three partitions with 10, 20 and 30 records. */
const topic = uniqueName('orders');
/** One partition: 10 records, one minute apart from T0. */
const tsTopic = uniqueName('ts');
const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);
const liveGroup = uniqueName('live');
/** The test broker's node.id (the default). */
const NODE_ID = 0;

/** A simple (generation -1) commit, as a consumer that never joins would make. */
async function commit(groupId: string, t: string, offsets: Record<number, number>): Promise<void> {
  await committer.alterConsumerGroupOffsets({ groupId, topics: [{ name: t, partitionOffsets: Object.entries(offsets).map(([partition, offset]) => ({ partition: Number(partition), offset: BigInt(offset) })) }] });
}

async function committed(groupId: string, t: string): Promise<Record<number, number>> {
  const [answer] = await admin.fetchOffsets({ groupId, topics: [t] });
  return Object.fromEntries(answer.partitions.map((p) => [p.partition, Number(p.offset)]));
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The one line of an error on stderr. */
function errorLine(r: RunResult): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  return lines[0];
}

function table(rows: string[][]): string {
  return plainColumns(rows) + '\n';
}

beforeAll(async () => {
  ensureCliBuilt();
  tb = await startBroker();
  B = ['-b', tb.bootstrap];
  kafka = kafkajsClient(tb.bootstrap);
  admin = kafka.admin();
  await admin.connect();
  committer = platformaticAdmin(tb.bootstrap);
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: tsTopic, numPartitions: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  for (const partition of [0, 1, 2]) {
    await producer.send({ topic, acks: -1, messages: Array.from({ length: 10 * (partition + 1) }, (_v, i) => ({ partition, value: `v${i}` })) });
  }
  await producer.send({ topic: tsTopic, acks: -1, messages: Array.from({ length: 10 }, (_v, i) => ({ value: `t${i}`, timestamp: String(T0 + i * 60_000) })) });
  await producer.disconnect();
}, 60_000);

afterAll(async () => {
  await live?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await committer?.close().catch(() => undefined);
  await tb?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('groups list', () => {
  it('prints every group as plain columns, and --json', async () => {
    const a = uniqueName('list-a');
    await commit(a, topic, { 0: 1 });
    const [r, j] = await runAll([['groups', ...B], ['groups', 'list', ...B, '--json']]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // A group that only commits offsets has no protocol type.
    expect(r.stdout).toBe(table([['GROUP', 'STATE', 'PROTOCOL-TYPE', 'MEMBERS'], [a, 'Empty', '-', '0']]));
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ groups: [{ group: a, state: 'Empty', protocolType: '', members: 0 }] });
  });

  it('filters by state, case-insensitively', async () => {
    live = kafka.consumer({ groupId: liveGroup, sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    let joined = false;
    live.on(live.events.GROUP_JOIN, () => (joined = true));
    await live.connect();
    await live.subscribe({ topic, fromBeginning: true });
    let seen = 0;
    await live.run({ autoCommitInterval: 100, eachMessage: async () => void seen++ });
    await until(() => joined && seen === 60, 20_000, 'the live consumer to join and read everything');

    const [r, both, bad] = await runAll([
      ['groups', ...B, '--state', 'stable', '--json'],
      ['groups', ...B, '--state', 'Stable,EMPTY', '--output', 'ndjson'],
      ['groups', ...B, '--state', 'sleepy'],
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ groups: [{ group: liveGroup, state: 'Stable', protocolType: 'consumer', members: 1 }] });
    expect(both.code).toBe(0);
    expect(both.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { state: string }).state).sort()).toEqual(['Empty', 'Stable']);
    expect(bad.code).toBe(2);
    expect(errorLine(bad)).toMatch(/^error: unknown group state "sleepy"; states are .*Stable/);
  });
});

describe('groups describe', () => {
  it('shows state, coordinator, members and per-partition offsets with lag', async () => {
    // Wait for the live consumer's commits to land: everything read, lag 0.
    await until(async () => {
      const c = await committed(liveGroup, topic);
      return c[0] === 10 && c[1] === 20 && c[2] === 30;
    }, 20_000, 'the live group to commit');
    const [j, t, members] = await runAll([
      ['groups', 'describe', liveGroup, ...B, '--json'],
      ['groups', 'describe', liveGroup, ...B],
      ['groups', 'describe', liveGroup, ...B, '--members'],
    ]);
    expect(j.code).toBe(0);
    const doc = JSON.parse(j.stdout) as { groups: { members: { memberId: string; clientId: string; host: string }[] }[] };
    const [g] = doc.groups;
    expect(g.members).toHaveLength(1);
    const m = g.members[0];
    expect(doc).toEqual({
      groups: [
        {
          group: liveGroup,
          state: 'Stable',
          protocolType: 'consumer',
          protocol: 'RoundRobinAssigner',
          coordinator: { id: NODE_ID, host: tb.host, port: tb.port },
          members: [{ memberId: m.memberId, groupInstanceId: null, clientId: m.clientId, host: m.host, partitions: 3, assignment: [{ topic, partitions: [0, 1, 2] }] }],
          offsets: [0, 1, 2].map((p) => ({ topic, partition: p, currentOffset: 10 * (p + 1), logStartOffset: 0, logEndOffset: 10 * (p + 1), lag: 0, memberId: m.memberId, clientId: m.clientId, host: m.host })),
          lag: { total: 0, max: 0, partitions: 3, lagging: 0, unknown: 0 },
        },
      ],
    });

    expect(t.code).toBe(0);
    expect(t.stdout).toBe(
      table([
        ['group', liveGroup],
        ['state', 'Stable'],
        ['coordinator', `${NODE_ID} (${tb.host}:${tb.port})`],
        ['protocol', 'consumer (RoundRobinAssigner)'],
        ['members', '1'],
        ['lag', '0'],
      ]) +
        '\n' +
        table([['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'HOST', 'CLIENT-ID'], ...[0, 1, 2].map((p) => [topic, String(p), String(10 * (p + 1)), String(10 * (p + 1)), '0', m.memberId, m.host, m.clientId])]),
    );

    expect(members.code).toBe(0);
    expect(members.stdout).toBe(table([['GROUP', 'MEMBER-ID', 'CLIENT-ID', 'HOST', 'PARTITIONS', 'ASSIGNMENT'], [liveGroup, m.memberId, m.clientId, m.host, '3', `${topic}:0,1,2`]]));
  });

  it('shows lag in the --offsets view of several groups; unknown groups exit 3 (Kafka describes them as Dead)', async () => {
    const a = uniqueName('desc-a');
    const b = uniqueName('desc-b');
    await commit(a, topic, { 0: 4, 2: 30 });
    await commit(b, topic, { 1: 0 });
    const [r, j, unknown, unknownJson] = await runAll([
      ['groups', 'describe', a, b, ...B, '--offsets'],
      ['groups', 'describe', a, ...B, '--json'],
      ['groups', 'describe', 'no-such-group', ...B],
      ['groups', 'describe', 'no-such-group', ...B, '--json'],
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      table([
        ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'MEMBER-ID', 'HOST', 'CLIENT-ID'],
        [a, topic, '0', '4', '10', '6', '-', '-', '-'],
        [a, topic, '2', '30', '30', '0', '-', '-', '-'],
        [b, topic, '1', '0', '20', '20', '-', '-', '-'],
      ]),
    );
    expect((JSON.parse(j.stdout) as { groups: { lag: unknown }[] }).groups[0].lag).toEqual({ total: 6, max: 6, partitions: 2, lagging: 1, unknown: 0 });

    expect(unknown.code).toBe(3);
    expect(unknown.stdout).toBe('');
    expect(errorLine(unknown)).toBe(`error: group "no-such-group" does not exist; list groups with 'kstream groups'`);
    expect(unknownJson.code).toBe(3);
    expect(JSON.parse(unknownJson.stdout)).toEqual({ error: { code: 'GROUP_ID_NOT_FOUND', message: 'group "no-such-group" does not exist', hint: "list groups with 'kstream groups'", exitCode: 3 } });
  });
});

describe('groups of another protocol type', () => {
  it('lists and describes a Connect-style group whose assignments are not topic-partitions', async () => {
    const conn = await RawConnection.open(tb.host, tb.port);
    try {
      const groupId = uniqueName('connect');
      const join = (memberId: string) =>
        conn.request(ApiKey.JoinGroup, 5, {
          groupId,
          sessionTimeoutMs: 30_000,
          rebalanceTimeoutMs: 10_000,
          memberId,
          groupInstanceId: null,
          protocolType: 'connect',
          protocols: [{ name: 'sessioned', metadata: Buffer.from('{"url":"http://worker:8083","configOffset":3}') }],
        });
      const first = await join('');
      const joined = await join(first.memberId);
      expect(joined.errorCode).toBe(0);
      const synced = await conn.request(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, assignments: [{ memberId: joined.memberId, assignment: Buffer.from('{"tasks":["sink-0"]}') }] });
      expect(synced.errorCode).toBe(0);

      const [list, members] = await runAll([
        ['groups', ...B, '--json'],
        ['groups', 'describe', groupId, ...B, '--members'],
      ]);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { groups: unknown[] }).groups).toContainEqual({ group: groupId, state: 'Stable', protocolType: 'connect', members: 1 });
      expect(members.code, members.stderr).toBe(0);
      // kstream's broker reports the client host as /127.0.0.1; RawConnection's client id is raw-test.
      expect(members.stdout).toBe(table([['GROUP', 'MEMBER-ID', 'CLIENT-ID', 'HOST', 'PARTITIONS', 'ASSIGNMENT'], [groupId, joined.memberId, 'raw-test', '/127.0.0.1', '0', '-']]));
    } finally {
      conn.close();
    }
  });
});

describe('groups reset-offsets', () => {
  it('refuses a group with active members (exit 3)', async () => {
    const r = await run(['groups', 'reset-offsets', liveGroup, '--topic', topic, '--to-earliest', '--execute', ...B]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(errorLine(r)).toBe(
      `error: group "${liveGroup}" is active (state Stable, 1 member); offsets can only be reset on an inactive group; stop its consumers first (see 'kstream groups describe ${liveGroup} --members')`,
    );
    expect(await committed(liveGroup, topic)).toEqual({ 0: 10, 1: 20, 2: 30 });
  });

  it('is a dry run without --execute; --execute commits', async () => {
    const g = uniqueName('reset');
    await commit(g, topic, { 0: 5, 1: 15 });
    const dry = await run(['groups', 'reset-offsets', g, '--topic', topic, '--to-earliest', ...B]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(table([['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], [topic, '0', '5', '0'], [topic, '1', '15', '0'], [topic, '2', '-', '0']]));
    expect(dry.stderr).toBe('dry run: nothing was committed; add --execute to commit these offsets\n');
    expect(await committed(g, topic)).toEqual({ 0: 5, 1: 15, 2: -1 });

    const exec = await run(['groups', 'reset-offsets', g, '--topic', `${topic}:0,2`, '--to-earliest', '--execute', ...B]);
    expect(exec.code).toBe(0);
    expect(exec.stdout).toBe(table([['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], [topic, '0', '5', '0'], [topic, '2', '-', '0']]));
    expect(exec.stderr).toBe(`committed new offsets of 2 partitions for group ${g}\n`);
    expect(await committed(g, topic)).toEqual({ 0: 0, 1: 15, 2: 0 });
  });

  it('applies every strategy (checked through --json plans and commits)', async () => {
    const g = uniqueName('strategies');
    const other = uniqueName('other');
    await commit(g, topic, { 0: 5, 1: 15, 2: 25 });
    await commit(other, topic, { 0: 7, 2: 9 });
    await commit(g, tsTopic, { 0: 2 });
    const t = ['--topic', topic];
    const ts = ['--topic', tsTopic];
    const plans: [string[], (number | null)[]][] = [
      [[...t, '--to-latest'], [10, 20, 30]],
      [[...t, '--to-current'], [5, 15, 25]],
      [[...t, '--to-offset', '12'], [10, 12, 12]],
      [[...t, '--shift-by', '-6'], [0, 9, 19]],
      [[...t, '--shift-by=+8'], [10, 20, 30]],
      [[...t, '--to-group', other], [7, null, 9]],
      // Records of tsTopic are one minute apart from T0 (offset i at T0 + i min).
      [[...ts, '--to-datetime', new Date(T0 + 5 * 60_000).toISOString()], [5]],
      [[...ts, '--to-datetime', '2025-01-01T00:00:00Z'], [10]],
      [[...ts, '--by-duration', 'PT1M'], [10]],
      [[...ts, '--by-duration', 'P36500D'], [0]],
    ];
    const results = await runAll(plans.map(([args]) => ['groups', 'reset-offsets', g, ...args, ...B, '--json']));
    type Plan = { strategy: string; executed: boolean; partitions: { topic: string; partition: number; currentOffset: number | null; newOffset: number | null; clamped: string | null }[] };
    results.forEach((r, i) => {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as Plan;
      expect(doc.executed).toBe(false);
      expect(doc.partitions.map((p) => p.newOffset), plans[i][0].join(' ')).toEqual(plans[i][1]);
    });
    expect((JSON.parse(results[2].stdout) as Plan).partitions.map((p) => p.clamped)).toEqual(['log-end', null, null]);
    expect((JSON.parse(results[0].stdout) as Plan).strategy).toBe('to-latest');

    // --all-topics: every partition the group has offsets for; the dry runs committed nothing.
    const all = await run(['groups', 'reset-offsets', g, '--all-topics', '--to-earliest', '--execute', ...B, '--json']);
    const allDoc = JSON.parse(all.stdout) as Plan;
    expect(allDoc.executed).toBe(true);
    expect(allDoc.partitions.map((p) => `${p.topic}:${p.partition}=${p.currentOffset}->${p.newOffset}`).sort()).toEqual([`${topic}:0=5->0`, `${topic}:1=15->0`, `${topic}:2=25->0`, `${tsTopic}:0=2->0`].sort());
    expect(await committed(g, topic)).toEqual({ 0: 0, 1: 0, 2: 0 });

    // --to-group commits what the other group has, leaving the rest.
    expect((await run(['groups', 'reset-offsets', g, ...t, '--to-group', other, '--execute', ...B])).code).toBe(0);
    expect(await committed(g, topic)).toEqual({ 0: 7, 1: 0, 2: 9 });
  });

  it('warns on stderr when clamping; exports a plan as CSV and resets from that file (round trip)', async () => {
    const g = uniqueName('export');
    await commit(g, topic, { 0: 1, 1: 2, 2: 3 });
    const file = join(tmp, `${g}.csv`);
    const bad = join(tmp, `${g}-bad.csv`);
    writeFileSync(bad, 'no-such-topic,0,1\n');
    const [clamped, exported, toStdout, badFile] = await runAll([
      ['groups', 'reset-offsets', g, '--topic', `${topic}:0`, '--to-offset', '99', ...B],
      ['groups', 'reset-offsets', g, '--topic', topic, '--shift-by', '3', '--export', file, ...B],
      ['groups', 'reset-offsets', g, '--topic', topic, '--shift-by', '3', '--export', '-', ...B],
      ['groups', 'reset-offsets', g, '--from-file', bad, ...B],
    ]);
    expect(clamped.code).toBe(0);
    expect(clamped.stdout).toBe(table([['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], [topic, '0', '1', '10']]));
    expect(clamped.stderr).toBe(`warning: new offset 99 of ${topic}:0 is above the log end offset; using 10\ndry run: nothing was committed; add --execute to commit these offsets\n`);

    expect(exported.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`${topic},0,4\n${topic},1,5\n${topic},2,6\n`);
    expect(toStdout.stdout).toBe(readFileSync(file, 'utf8'));
    expect(await committed(g, topic)).toEqual({ 0: 1, 1: 2, 2: 3 });

    expect(badFile.code).toBe(3);
    expect(errorLine(badFile)).toBe(`error: topic "no-such-topic" does not exist; list topics with 'kstream topics'`);

    await commit(g, topic, { 0: 10, 1: 20, 2: 30 });
    const back = await run(['groups', 'reset-offsets', g, '--from-file', file, '--execute', ...B]);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(table([['TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'NEW-OFFSET'], [topic, '0', '10', '4'], [topic, '1', '20', '5'], [topic, '2', '30', '6']]));
    expect(await committed(g, topic)).toEqual({ 0: 4, 1: 5, 2: 6 });
  });

  it('refuses bad strategies and scopes with exit 2', async () => {
    const g = uniqueName('usage');
    await commit(g, topic, { 0: 1 });
    const cases: [string[], RegExp, number][] = [
      [['--topic', topic], /^error: Exactly one of the following must be provided: --by-duration, .*--to-offset; see 'kstream groups reset-offsets --help'$/, 2],
      [['--topic', topic, '--to-earliest', '--to-latest'], /^error: .*--to-(earliest|latest).*cannot also be provided/, 2],
      [['--to-earliest'], /^error: name the partitions to reset; use --topic TOPIC\[:PARTITION,...\] or --all-topics$/, 2],
      [['--topic', topic, '--shift-by', 'abc'], /^error: --shift-by expects a whole number/, 2],
      [['--topic', topic, '--to-datetime', 'yesterday'], /^error: expected an ISO-8601 date-time/, 2],
      [['--topic', topic, '--shift-by', '1'], /^error: cannot shift .*:1: the group has no committed offset for it/, 2],
      [['--from-file', join(tmp, 'missing.csv')], /^error: cannot read .*missing\.csv/, 2],
      [['--topic', `${topic}:7`, '--to-earliest'], new RegExp(`^error: topic "${topic}" has no partition 7; its partitions are 0 to 2$`), 3],
    ];
    const results = await runAll(cases.map(([args]) => ['groups', 'reset-offsets', g, ...args, ...B]));
    results.forEach((r, i) => {
      const [args, message, code] = cases[i];
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(code);
      expect(r.stdout).toBe('');
      expect(errorLine(r)).toMatch(message);
    });
  });
});

describe('groups delete and delete-offsets', () => {
  it('deletes an empty group; refuses a group with members (exit 3)', async () => {
    const g = uniqueName('del');
    await commit(g, topic, { 0: 1 });
    const [ok, refused, j] = await runAll([
      ['groups', 'delete', g, ...B],
      ['groups', 'delete', liveGroup, ...B],
      ['groups', 'delete', liveGroup, 'never-was', ...B, '--json'],
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(table([['GROUP', 'RESULT'], [g, 'deleted']]));
    expect(await committed(g, topic)).toEqual({ 0: -1, 1: -1, 2: -1 });

    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe(table([['GROUP', 'RESULT'], [liveGroup, 'NON_EMPTY_GROUP']]));
    expect(errorLine(refused)).toBe(`error: group "${liveGroup}" has active members (NON_EMPTY_GROUP); stop its consumers first (see 'kstream groups describe ${liveGroup} --members')`);

    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toEqual({
      error: {
        code: 'NON_EMPTY_GROUP',
        message: `2 groups were not deleted: "${liveGroup}" has active members (NON_EMPTY_GROUP), "never-was" does not exist (GROUP_ID_NOT_FOUND)`,
        hint: `stop its consumers first (see 'kstream groups describe ${liveGroup} --members')`,
        exitCode: 3,
      },
    });
  });

  it("deletes a group's offsets of some partitions", async () => {
    const g = uniqueName('deloff');
    await commit(g, topic, { 0: 1, 1: 2, 2: 3 });
    const [r, subscribed, unknown] = await runAll([
      ['groups', 'delete-offsets', g, '--topic', `${topic}:0,2`, ...B],
      ['groups', 'delete-offsets', liveGroup, '--topic', topic, ...B],
      ['groups', 'delete-offsets', 'never-was', '--topic', topic, ...B],
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(table([['TOPIC', 'PARTITION', 'RESULT'], [topic, '0', 'deleted'], [topic, '2', 'deleted']]));
    expect(await committed(g, topic)).toEqual({ 0: -1, 1: 2, 2: -1 });

    expect(subscribed.code).toBe(3);
    expect(subscribed.stdout).toBe(table([['TOPIC', 'PARTITION', 'RESULT'], ...[0, 1, 2].map((p) => [topic, String(p), 'GROUP_SUBSCRIBED_TO_TOPIC'])]));
    expect(errorLine(subscribed)).toBe("error: offsets of 3 partitions were not deleted (GROUP_SUBSCRIBED_TO_TOPIC); the group's active members consume those topics; stop them first");

    expect(unknown.code).toBe(3);
    expect(errorLine(unknown)).toBe(`error: group "never-was" does not exist; list groups with 'kstream groups'`);
  });
});

describe('errors', () => {
  let blackhole: Server;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers.
    blackhole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
  });

  it('exits 4 when the cluster is unreachable or silent (--timeout 2s), 2 on bad flags', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const silentPort = (blackhole.address() as { port: number }).port;

    const usage: [string[], RegExp][] = [
      [['groups', '--bogus'], /^error: Nonexistent flag: --bogus; see 'kstream groups --help'$/],
      [['groups', 'describe'], /^error: Missing 1 required arg/],
      [['groups', '--output', 'xml'], /^error: Expected --output=xml to be one of/],
    ];
    const [refused, silent, ...bad] = await runAll([
      ['groups', '-b', `127.0.0.1:${port}`, '--timeout', '2s'],
      ['groups', 'describe', 'g', '-b', `127.0.0.1:${silentPort}`, '--timeout', '2s'],
      ...usage.map(([args]) => [...args, ...B]),
    ]);
    expect(refused.code).toBe(4);
    expect(errorLine(refused)).toMatch(/^error: .*; is the broker running\? check with 'kstream broker status'$/);
    expect(silent.code).toBe(4);
    expect(errorLine(silent)).toBe(`error: no answer from 127.0.0.1:${silentPort} within 2000 ms; is the broker running? check with 'kstream broker status'`);
    bad.forEach((r, i) => {
      expect(r.code, `${usage[i][0].join(' ')}: ${r.stderr}`).toBe(2);
      expect(errorLine(r)).toMatch(usage[i][1]);
    });
  });
});
