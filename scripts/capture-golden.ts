// Captures golden request frames from real Kafka clients into test/fixtures/protocol/.
//
//   node scripts/capture-golden.ts                      every client, every profile
//   node scripts/capture-golden.ts --clients kcat,kafkajs --seconds 6
//   node scripts/capture-golden.ts --clean               remove all *.hex fixtures first
//   CAPTURE_DEBUG=1 node scripts/capture-golden.ts       also print each client's stderr
//
// Needs kcat on PATH, a Python with confluent_kafka (CAPTURE_PYTHON, default the system python3)
// and the kafkajs and @platformatic/kafka packages from node_modules.
//
// For each scenario (a client doing one kind of work) it starts a tiny TCP server on 127.0.0.1
// that records every request frame and answers just enough for the client to go on: an
// ApiVersions response advertising a version range, a Metadata response pointing at itself, and
// small plausible answers for the group, produce, fetch and admin calls (built with the generated
// encoders). The client runs as a child process and is killed after a few seconds; clients that
// time out waiting for better answers are expected.
//
// Each scenario runs under several profiles that change the advertised version ranges (newest
// versions, newest non-flexible versions, oldest versions), so one client yields several versions
// of the same API.
//
// Output: test/fixtures/protocol/<api-name>/v<N>.request.<client>.hex, one per distinct
// (API, version, client): a `#` provenance line, then the request frame (header + body, without
// the int32 size prefix) as hex. When a client sends several frames for the same API and version,
// the largest is kept. The golden test (test/unit/protocol/golden.test.ts) needs no client.
//
// The same file is also the driver of each client: `--drive <scenario> <port>` (used internally).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameSplitter } from '../src/protocol/frame.ts';
import { readRequestHeader, writeResponseHeader, type RequestHeader } from '../src/protocol/headers.ts';
import { Reader } from '../src/protocol/primitives/reader.ts';
import { Writer } from '../src/protocol/primitives/writer.ts';
import { ApiKey, apiVersionInfo } from '../src/protocol/generated/api-keys.ts';
import { codecFor } from '../src/protocol/generated/registry.ts';
import type { FetchRequest } from '../src/protocol/generated/messages/fetch.ts';
import type { ProduceRequest } from '../src/protocol/generated/messages/produce.ts';
import type { MetadataRequest } from '../src/protocol/generated/messages/metadata.ts';
import type { ListOffsetsRequest } from '../src/protocol/generated/messages/list-offsets.ts';
import type { FindCoordinatorRequest } from '../src/protocol/generated/messages/find-coordinator.ts';
import type { JoinGroupRequest } from '../src/protocol/generated/messages/join-group.ts';
import type { SyncGroupRequest } from '../src/protocol/generated/messages/sync-group.ts';
import type { OffsetFetchRequest } from '../src/protocol/generated/messages/offset-fetch.ts';
import type { OffsetCommitRequest } from '../src/protocol/generated/messages/offset-commit.ts';
import type { CreateTopicsRequest } from '../src/protocol/generated/messages/create-topics.ts';
import type { DeleteTopicsRequest } from '../src/protocol/generated/messages/delete-topics.ts';
import type { LeaveGroupRequest } from '../src/protocol/generated/messages/leave-group.ts';
import { encodeConsumerProtocolAssignment } from '../src/protocol/generated/data/consumer-protocol-assignment.ts';
import { decodeConsumerProtocolSubscription } from '../src/protocol/generated/data/consumer-protocol-subscription.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixturesDir = join(root, 'test', 'fixtures', 'protocol');
const require = createRequire(import.meta.url);

// The names every scenario uses; test/unit/protocol/golden.test.ts checks the fixtures against
// the same values (keep them in step).
const GOLDEN_TOPIC = 'golden';
const GOLDEN_GROUP = 'golden-group';
const GOLDEN_CLIENT_ID = 'kstream-golden';
/** The topic id the server hands out for GOLDEN_TOPIC (Metadata v10+), so Fetch v13+ carries it. */
const GOLDEN_TOPIC_ID = '6b737472-6561-6d2d-676f-6c64656e2121';

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

type ClientName = 'kcat' | 'kafkajs' | 'platformatic' | 'confluent-python';

interface Scenario {
  name: string;
  client: ClientName;
  /** Starts the client against `port`; the caller kills it after the deadline. */
  start(port: number): ChildProcess;
}

const self = fileURLToPath(import.meta.url);

function nodeDriver(name: string): (port: number) => ChildProcess {
  return (port) => spawn(process.execPath, [self, '--drive', name, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

function kcat(args: string[], stdin?: string): (port: number) => ChildProcess {
  return (port) => {
    const child = spawn('kcat', ['-b', `127.0.0.1:${port}`, '-X', `client.id=${GOLDEN_CLIENT_ID}`, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin?.on('error', () => {});
    if (stdin !== undefined) child.stdin?.end(stdin);
    return child;
  };
}

const PYTHON_ADMIN = `
import sys, concurrent.futures
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource
a = AdminClient({'bootstrap.servers': '127.0.0.1:' + sys.argv[1], 'client.id': '${GOLDEN_CLIENT_ID}', 'socket.timeout.ms': 2000})
def wait(fs):
    try:
        for f in (fs.values() if isinstance(fs, dict) else [fs]):
            try: f.result(timeout=2)
            except Exception: pass
    except Exception: pass
steps = [
    lambda: a.list_topics(timeout=2),
    lambda: wait(a.create_topics([NewTopic('golden-new', 3, 1, config={'cleanup.policy': 'compact'})], operation_timeout=1, request_timeout=2)),
    lambda: wait(a.delete_topics(['golden-old'], operation_timeout=1, request_timeout=2)),
    lambda: wait(a.create_partitions([NewPartitions('${GOLDEN_TOPIC}', 4)], operation_timeout=1, request_timeout=2)),
    lambda: wait(a.describe_configs([ConfigResource('topic', '${GOLDEN_TOPIC}')], request_timeout=2)),
    lambda: wait(a.alter_configs([ConfigResource('topic', '${GOLDEN_TOPIC}', set_config={'retention.ms': '1000'})], request_timeout=2)),
    lambda: a.list_groups(timeout=2),
]
for step in steps:
    try: step()
    except Exception as e: print(e, file=sys.stderr)
`;

const PYTHON_PRODUCER = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': '127.0.0.1:' + sys.argv[1], 'client.id': '${GOLDEN_CLIENT_ID}', 'enable.idempotence': True, 'compression.type': 'none'})
p.produce('${GOLDEN_TOPIC}', key=b'key', value=b'hello-golden', partition=0)
p.flush(4)
`;

/** The system Python with confluent_kafka (Debian's python3-confluent-kafka); override with CAPTURE_PYTHON. */
const PYTHON = process.env.CAPTURE_PYTHON ?? '/usr/bin/python3';

function python(code: string): (port: number) => ChildProcess {
  return (port) => spawn(PYTHON, ['-c', code, String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
}

const SCENARIOS: Scenario[] = [
  { name: 'kcat-metadata', client: 'kcat', start: kcat(['-L', '-m', '3']) },
  { name: 'kcat-produce', client: 'kcat', start: kcat(['-P', '-t', GOLDEN_TOPIC, '-p', '0', '-k', 'key'], 'hello-golden\n') },
  { name: 'kcat-produce-idempotent', client: 'kcat', start: kcat(['-P', '-t', GOLDEN_TOPIC, '-p', '0', '-X', 'enable.idempotence=true'], 'hello-golden\n') },
  { name: 'kcat-consume', client: 'kcat', start: kcat(['-C', '-t', GOLDEN_TOPIC, '-p', '0', '-o', 'beginning', '-e']) },
  { name: 'kcat-query', client: 'kcat', start: kcat(['-Q', '-t', `${GOLDEN_TOPIC}:0:1700000000000`]) },
  { name: 'kcat-group', client: 'kcat', start: kcat(['-G', GOLDEN_GROUP, '-X', 'auto.commit.interval.ms=300', GOLDEN_TOPIC]) },
  { name: 'python-admin', client: 'confluent-python', start: python(PYTHON_ADMIN) },
  { name: 'python-producer', client: 'confluent-python', start: python(PYTHON_PRODUCER) },
  { name: 'kafkajs-producer', client: 'kafkajs', start: nodeDriver('kafkajs-producer') },
  { name: 'kafkajs-idempotent', client: 'kafkajs', start: nodeDriver('kafkajs-idempotent') },
  { name: 'kafkajs-consumer', client: 'kafkajs', start: nodeDriver('kafkajs-consumer') },
  { name: 'kafkajs-admin', client: 'kafkajs', start: nodeDriver('kafkajs-admin') },
  { name: 'platformatic-producer', client: 'platformatic', start: nodeDriver('platformatic-producer') },
  { name: 'platformatic-idempotent', client: 'platformatic', start: nodeDriver('platformatic-idempotent') },
  { name: 'platformatic-consumer', client: 'platformatic', start: nodeDriver('platformatic-consumer') },
  { name: 'platformatic-admin', client: 'platformatic', start: nodeDriver('platformatic-admin') },
];

/** Version ranges the server advertises, per profile. */
type Profile = 'newest' | 'classic' | 'oldest';
const PROFILES: Profile[] = ['newest', 'classic', 'oldest'];

function advertised(profile: Profile): Array<{ apiKey: number; minVersion: number; maxVersion: number }> {
  return [...apiVersionInfo.values()].map((info) => {
    let max = info.maxVersion;
    if (profile === 'classic' && info.flexibleFrom > 0) max = Math.min(max, info.flexibleFrom - 1);
    if (profile === 'oldest') max = info.minVersion;
    // ApiVersions itself stays fully advertised so that every client can always negotiate.
    if (info.apiKey === ApiKey.ApiVersions) max = info.maxVersion;
    return { apiKey: info.apiKey, minVersion: info.minVersion, maxVersion: max };
  });
}

// ---------------------------------------------------------------------------------------------
// The recording server
// ---------------------------------------------------------------------------------------------

interface Captured {
  client: ClientName;
  header: RequestHeader;
  frame: Buffer;
  scenario: string;
}

interface ServerState {
  profile: Profile;
  port: number;
  client: ClientName;
  scenario: string;
  frames: Captured[];
  problems: string[];
  /** Topics of the member's subscription (from its JoinGroup metadata), to answer a SyncGroup without assignments. */
  subscriptionTopics: string[];
}

function frameOf(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

function respond(socket: Socket, apiKey: number, version: number, correlationId: number, value: unknown): void {
  const codec = codecFor(apiKey)!;
  const w = new Writer();
  writeResponseHeader(w, apiKey, version, correlationId);
  codec.encodeResponse(w, version, value as never);
  if (!socket.destroyed) socket.write(frameOf(w.toBuffer()));
}

function topicNames(list: ReadonlyArray<{ name: string | null }> | null): string[] {
  if (list === null || list.length === 0) return [GOLDEN_TOPIC];
  return list.map((t) => t.name ?? GOLDEN_TOPIC);
}

/** The answer to one request, or undefined for none (acks=0 produce, unknown APIs). */
function answer(state: ServerState, apiKey: number, version: number, req: unknown): unknown {
  const host = '127.0.0.1';
  const port = state.port;
  switch (apiKey) {
    case ApiKey.ApiVersions:
      return { errorCode: 0, apiKeys: advertised(state.profile), throttleTimeMs: 0 };
    case ApiKey.Metadata: {
      const r = req as MetadataRequest;
      return {
        brokers: [{ nodeId: 1, host, port, rack: null }],
        clusterId: 'kstream-golden-cluster',
        controllerId: 1,
        topics: topicNames(r.topics).map((name) => ({
          errorCode: 0,
          name,
          topicId: GOLDEN_TOPIC_ID,
          isInternal: false,
          partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, leaderEpoch: 0, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
        })),
      };
    }
    case ApiKey.FindCoordinator: {
      const r = req as FindCoordinatorRequest;
      const keys = r.coordinatorKeys.length > 0 ? r.coordinatorKeys : [r.key];
      return { errorCode: 0, nodeId: 1, host, port, coordinators: keys.map((key) => ({ key, nodeId: 1, host, port, errorCode: 0 })) };
    }
    case ApiKey.Produce: {
      const r = req as ProduceRequest;
      if (r.acks === 0) return undefined;
      return {
        responses: r.topicData.map((t) => ({ name: t.name, partitionResponses: t.partitionData.map((p) => ({ index: p.index, errorCode: 0, baseOffset: 0n })) })),
      };
    }
    case ApiKey.Fetch: {
      const r = req as FetchRequest;
      return {
        responses: r.topics.map((t) => ({
          topic: t.topic,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, records: Buffer.alloc(0) })),
        })),
      };
    }
    case ApiKey.ListOffsets: {
      const r = req as ListOffsetsRequest;
      return {
        topics: r.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0, oldStyleOffsets: [0n], timestamp: -1n, offset: 0n, leaderEpoch: 0 })),
        })),
      };
    }
    case ApiKey.JoinGroup: {
      const r = req as JoinGroupRequest;
      const memberId = r.memberId !== '' ? r.memberId : `${GOLDEN_CLIENT_ID}-member`;
      const protocol = r.protocols[0];
      if (protocol !== undefined && r.protocolType === 'consumer') {
        try {
          const mr = new Reader(protocol.metadata);
          const subscriptionVersion = mr.int16();
          state.subscriptionTopics = decodeConsumerProtocolSubscription(mr, Math.min(subscriptionVersion, 3)).topics;
        } catch {
          state.problems.push(`${state.scenario}: unreadable consumer subscription in JoinGroup`);
        }
      }
      return {
        errorCode: 0,
        generationId: 1,
        protocolType: r.protocolType,
        protocolName: protocol?.name ?? null,
        leader: memberId,
        memberId,
        members: [{ memberId, groupInstanceId: r.groupInstanceId, metadata: protocol?.metadata ?? Buffer.alloc(0) }],
      };
    }
    case ApiKey.SyncGroup: {
      const r = req as SyncGroupRequest;
      let assignment = r.assignments.find((a) => a.memberId === r.memberId)?.assignment;
      if (assignment === undefined) {
        const w = new Writer();
        w.int16(0);
        encodeConsumerProtocolAssignment(w, 0, { assignedPartitions: state.subscriptionTopics.map((topic) => ({ topic, partitions: [0] })), userData: null });
        assignment = w.toBuffer();
      }
      return { errorCode: 0, protocolType: r.protocolType, protocolName: r.protocolName, assignment };
    }
    case ApiKey.Heartbeat:
      return { errorCode: 0 };
    case ApiKey.LeaveGroup: {
      const r = req as LeaveGroupRequest;
      return { errorCode: 0, members: r.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: 0 })) };
    }
    case ApiKey.OffsetFetch: {
      const r = req as OffsetFetchRequest;
      const partitions = (ids: number[]): Array<Record<string, unknown>> =>
        ids.map((partitionIndex) => ({ partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }));
      return {
        errorCode: 0,
        topics: (r.topics ?? []).map((t) => ({ name: t.name, partitions: partitions(t.partitionIndexes) })),
        groups: r.groups.map((g) => ({ groupId: g.groupId, errorCode: 0, topics: (g.topics ?? []).map((t) => ({ name: t.name, partitions: partitions(t.partitionIndexes) })) })),
      };
    }
    case ApiKey.OffsetCommit: {
      const r = req as OffsetCommitRequest;
      return { topics: r.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: 0 })) })) };
    }
    case ApiKey.CreateTopics: {
      const r = req as CreateTopicsRequest;
      return {
        topics: r.topics.map((t) => ({ name: t.name, topicId: GOLDEN_TOPIC_ID, errorCode: 0, errorMessage: null, numPartitions: t.numPartitions, replicationFactor: t.replicationFactor, configs: [] })),
      };
    }
    case ApiKey.DeleteTopics: {
      const r = req as DeleteTopicsRequest;
      const names = version >= 6 ? r.topics.map((t) => t.name) : r.topicNames;
      return { responses: names.map((name) => ({ name, errorCode: 0, errorMessage: null })) };
    }
    case ApiKey.InitProducerId:
      return { errorCode: 0, producerId: 4242n, producerEpoch: 0 };
    default:
      // Everything else: the all-defaults response (error code 0, empty result lists).
      return {};
  }
}

function handleFrame(state: ServerState, socket: Socket, frame: Buffer): void {
  let header: RequestHeader;
  const r = new Reader(frame);
  try {
    header = readRequestHeader(r);
  } catch (e) {
    state.problems.push(`${state.scenario}: unreadable request header ${frame.subarray(0, 32).toString('hex')}: ${String(e)}`);
    socket.destroy();
    return;
  }
  const codec = codecFor(header.apiKey);
  if (!codec) {
    state.problems.push(`${state.scenario}: api key ${header.apiKey} v${header.apiVersion} has no codec; not recorded`);
    return;
  }
  state.frames.push({ client: state.client, header, frame: Buffer.from(frame), scenario: state.scenario });

  // ApiVersions for a version newer than ours: answer v0 with UNSUPPORTED_VERSION (KIP-511).
  if (header.apiKey === ApiKey.ApiVersions && header.apiVersion > codec.maxVersion) {
    respond(socket, ApiKey.ApiVersions, 0, header.correlationId, { errorCode: 35, apiKeys: advertised(state.profile) });
    return;
  }
  if (header.apiVersion > codec.maxVersion || header.apiVersion < codec.minVersion) {
    state.problems.push(`${state.scenario}: ${codec.name} v${header.apiVersion} is outside the defined versions`);
    return;
  }
  let req: unknown;
  try {
    req = codec.decodeRequest(r, header.apiVersion);
  } catch (e) {
    state.problems.push(`${state.scenario}: DECODE FAILURE ${codec.name} v${header.apiVersion}: ${String(e)}`);
    return;
  }
  const value = answer(state, header.apiKey, header.apiVersion, req);
  if (value === undefined) return;
  const send = (): void => respond(socket, header.apiKey, header.apiVersion, header.correlationId, value);
  // Fetch: wait like a broker would, so consumers do not spin.
  if (header.apiKey === ApiKey.Fetch) setTimeout(send, Math.max(0, Math.min((req as FetchRequest).maxWaitMs, 300)));
  else send();
}

function startServer(state: Omit<ServerState, 'port'>): Promise<{ server: Server; state: ServerState; sockets: Set<Socket> }> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const full = state as ServerState;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      const splitter = new FrameSplitter(64 << 20);
      socket.on('data', (chunk: Buffer) => {
        let frames: Buffer[];
        try {
          frames = splitter.push(chunk);
        } catch (e) {
          full.problems.push(`${full.scenario}: framing error ${String(e)}`);
          socket.destroy();
          return;
        }
        for (const f of frames) handleFrame(full, socket, f);
      });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('no port'));
      full.port = addr.port;
      resolve({ server, state: full, sockets });
    });
  });
}

async function runScenario(scenario: Scenario, profile: Profile, seconds: number): Promise<ServerState> {
  const { server, state, sockets } = await startServer({
    profile,
    client: scenario.client,
    scenario: `${scenario.name}/${profile}`,
    frames: [],
    problems: [],
    subscriptionTopics: [GOLDEN_TOPIC],
  });
  const child = scenario.start(state.port);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4000) stderr += d.toString();
  });
  child.on('error', (e) => state.problems.push(`${state.scenario}: could not start: ${String(e)}`));
  await new Promise<void>((resolve) => {
    // At the deadline: SIGTERM (kcat then commits and leaves its group), SIGKILL shortly after.
    let hard: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.pid !== undefined) child.kill('SIGTERM');
      hard = setTimeout(() => {
        if (child.exitCode === null && child.pid !== undefined) child.kill('SIGKILL');
        resolve();
      }, 1500);
    }, seconds * 1000);
    child.on('exit', () => {
      clearTimeout(timer);
      clearTimeout(hard);
      resolve();
    });
  });
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (process.env.CAPTURE_DEBUG && stderr) state.problems.push(`${state.scenario} stderr: ${stderr.trim().slice(0, 1000)}`);
  return state;
}

// ---------------------------------------------------------------------------------------------
// Client versions (for the provenance line)
// ---------------------------------------------------------------------------------------------

function packageVersion(entry: string): string {
  let dir = dirname(require.resolve(entry));
  for (let i = 0; i < 6; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === entry && pkg.version) return pkg.version;
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

function clientDescriptions(): Record<ClientName, string> {
  const kcatV = spawnSync('kcat', ['-V'], { encoding: 'utf8' });
  const m = /Version (\S+).*?librdkafka (\S+)/s.exec(`${kcatV.stdout}${kcatV.stderr}`);
  const py = spawnSync(PYTHON, ['-c', 'import confluent_kafka as c; print(c.version()[0], c.libversion()[0])'], { encoding: 'utf8' });
  const [pyVersion, pyLib] = py.stdout.trim().split(' ');
  return {
    kcat: m ? `kcat ${m[1]} (librdkafka ${m[2]})` : 'kcat (version unknown)',
    kafkajs: `kafkajs ${packageVersion('kafkajs')}`,
    platformatic: `@platformatic/kafka ${packageVersion('@platformatic/kafka')}`,
    'confluent-python': `confluent-kafka-python ${pyVersion ?? '?'} (librdkafka ${pyLib ?? '?'})`,
  };
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function hexLines(b: Buffer): string {
  const hex = b.toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 64) lines.push(hex.slice(i, i + 64));
  return lines.join('\n');
}

async function main(): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const seconds = Number(arg('--seconds') ?? 5);
  const only = arg('--clients')?.split(',');
  const scenarios = SCENARIOS.filter((s) => !only || only.includes(s.client));
  const parallel = Number(arg('--parallel') ?? 4);
  const descriptions = clientDescriptions();
  if (process.argv.includes('--clean')) {
    for (const dir of readdirSync(fixturesDir)) {
      if (!statSync(join(fixturesDir, dir)).isDirectory()) continue;
      for (const f of readdirSync(join(fixturesDir, dir))) if (f.endsWith('.hex')) rmSync(join(fixturesDir, dir, f));
    }
  }
  const date = new Date().toISOString().slice(0, 10);

  const jobs: Array<[Scenario, Profile]> = [];
  for (const profile of PROFILES) for (const s of scenarios) jobs.push([s, profile]);
  const results: ServerState[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) {
        const [s, profile] = jobs[next++];
        const state = await runScenario(s, profile, seconds);
        console.error(`${state.scenario}: ${state.frames.length} frames`);
        results.push(state);
      }
    }),
  );

  // Largest frame per (API, version, client).
  const chosen = new Map<string, Captured>();
  for (const state of results) {
    for (const c of state.frames) {
      const key = `${c.header.apiKey}|${c.header.apiVersion}|${c.client}`;
      const prev = chosen.get(key);
      if (!prev || c.frame.length > prev.frame.length) chosen.set(key, c);
    }
  }
  const written: string[] = [];
  for (const c of [...chosen.values()].sort((a, b) => a.header.apiKey - b.header.apiKey || a.header.apiVersion - b.header.apiVersion)) {
    const codec = codecFor(c.header.apiKey)!;
    const dir = join(fixturesDir, kebab(codec.name));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `v${c.header.apiVersion}.request.${c.client}.hex`);
    const provenance =
      `# ${descriptions[c.client]}, client id ${JSON.stringify(c.header.clientId)}; captured ${date} by scripts/capture-golden.ts ` +
      `(scenario ${c.scenario}); request frame = header + body, without the size prefix`;
    writeFileSync(file, `${provenance}\n${hexLines(c.frame)}\n`);
    written.push(`${codec.name} v${c.header.apiVersion} ${c.client}`);
  }
  const problems = [...new Set(results.flatMap((r) => r.problems))];
  for (const p of problems) console.error(`note: ${p}`);
  console.error(`wrote ${written.length} fixtures under test/fixtures/protocol:\n  ${written.join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------
// Drivers (child processes)
// ---------------------------------------------------------------------------------------------

async function step(promise: Promise<unknown>, ms = 2500): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise.catch(() => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function drive(name: string, port: number): Promise<void> {
  const broker = `127.0.0.1:${port}`;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  if (name.startsWith('kafkajs-')) {
    const { Kafka, logLevel } = await import('kafkajs');
    // An idempotent kafkajs producer refuses to start without retries.
    const retries = name === 'kafkajs-idempotent' ? 1 : 0;
    const kafka = new Kafka({ clientId: GOLDEN_CLIENT_ID, brokers: [broker], logLevel: logLevel.NOTHING, retry: { retries }, connectionTimeout: 1000, requestTimeout: 2500 });
    if (name === 'kafkajs-producer' || name === 'kafkajs-idempotent') {
      const producer = kafka.producer(name === 'kafkajs-idempotent' ? { idempotent: true, maxInFlightRequests: 1 } : {});
      await step(producer.connect());
      await step(producer.send({ topic: GOLDEN_TOPIC, acks: -1, messages: [{ key: 'key', value: 'hello-golden', partition: 0 }] }));
      await step(producer.disconnect());
    } else if (name === 'kafkajs-consumer') {
      const consumer = kafka.consumer({ groupId: GOLDEN_GROUP, maxWaitTimeInMs: 200, heartbeatInterval: 300 });
      await step(consumer.connect());
      await step(consumer.subscribe({ topics: [GOLDEN_TOPIC], fromBeginning: true }));
      await step(consumer.run({ eachMessage: async () => {} }));
      await sleep(2500);
      await step(consumer.commitOffsets([{ topic: GOLDEN_TOPIC, partition: 0, offset: '1' }]));
      await step(consumer.disconnect());
    } else if (name === 'kafkajs-admin') {
      const admin = kafka.admin();
      await step(admin.connect());
      await step(admin.listTopics());
      await step(admin.createTopics({ topics: [{ topic: 'golden-new', numPartitions: 3, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], timeout: 1000 }));
      await step(admin.deleteTopics({ topics: ['golden-old'], timeout: 1000 }));
      await step(admin.createPartitions({ topicPartitions: [{ topic: GOLDEN_TOPIC, count: 4 }] }));
      await step(admin.fetchTopicOffsets(GOLDEN_TOPIC));
      await step(admin.fetchTopicOffsetsByTimestamp(GOLDEN_TOPIC, 1700000000000));
      await step(admin.fetchOffsets({ groupId: GOLDEN_GROUP, topics: [GOLDEN_TOPIC] }));
      await step(admin.describeConfigs({ resources: [{ type: 2, name: GOLDEN_TOPIC }], includeSynonyms: false }));
      await step(admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: GOLDEN_TOPIC, configEntries: [{ name: 'retention.ms', value: '1000' }] }] }));
      await step(admin.listGroups());
      await step(admin.describeGroups([GOLDEN_GROUP]));
      await step(admin.deleteGroups([GOLDEN_GROUP]));
      await step(admin.deleteTopicRecords({ topic: GOLDEN_TOPIC, partitions: [{ partition: 0, offset: '0' }] }));
      await step(admin.describeCluster());
      await step(admin.disconnect());
    }
  } else if (name.startsWith('platformatic-')) {
    const kafka = await import('@platformatic/kafka');
    const base = { clientId: GOLDEN_CLIENT_ID, bootstrapBrokers: [broker], retries: 0, timeout: 2500 };
    if (name === 'platformatic-producer' || name === 'platformatic-idempotent') {
      const producer = new kafka.Producer({ ...base, serializers: kafka.stringSerializers, idempotent: name === 'platformatic-idempotent' });
      await step(producer.send({ messages: [{ topic: GOLDEN_TOPIC, key: 'key', value: 'hello-golden', partition: 0 }] }));
      await step(producer.close());
    } else if (name === 'platformatic-consumer') {
      const consumer = new kafka.Consumer({ ...base, groupId: GOLDEN_GROUP, deserializers: kafka.stringDeserializers, maxWaitTime: 200, heartbeatInterval: 300 });
      await step(
        consumer.consume({ topics: [GOLDEN_TOPIC], mode: 'earliest' }).then((stream) => {
          stream.on('data', () => {});
          stream.on('error', () => {});
        }),
      );
      await sleep(2500);
      await step(consumer.close(true));
    } else if (name === 'platformatic-admin') {
      const admin = new kafka.Admin(base);
      await step(admin.listTopics());
      await step(admin.createTopics({ topics: ['golden-new'], partitions: 3, replicas: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }));
      await step(admin.deleteTopics({ topics: ['golden-old'] }));
      await step(admin.createPartitions({ topics: [{ name: GOLDEN_TOPIC, count: 4 }] }));
      await step(admin.listOffsets({ topics: [{ name: GOLDEN_TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] }));
      await step(admin.listConsumerGroupOffsets({ groups: [GOLDEN_GROUP] }));
      await step(admin.alterConsumerGroupOffsets({ groupId: GOLDEN_GROUP, topics: [{ name: GOLDEN_TOPIC, partitionOffsets: [{ partition: 0, offset: 1n }] }] }));
      await step(admin.deleteConsumerGroupOffsets({ groupId: GOLDEN_GROUP, topics: [{ name: GOLDEN_TOPIC, partitionIndexes: [0] }] }));
      await step(admin.describeConfigs({ resources: [{ resourceType: 2, resourceName: GOLDEN_TOPIC }] }));
      await step(admin.alterConfigs({ resources: [{ resourceType: 2, resourceName: GOLDEN_TOPIC, configs: [{ name: 'retention.ms', value: '1000' }] }] }));
      await step(admin.incrementalAlterConfigs({ resources: [{ resourceType: 2, resourceName: GOLDEN_TOPIC, configs: [{ name: 'retention.ms', configOperation: 0, value: '1000' }] }] }));
      await step(admin.listGroups());
      await step(admin.describeGroups({ groups: [GOLDEN_GROUP] }));
      await step(admin.deleteGroups({ groups: [GOLDEN_GROUP] }));
      await step(admin.deleteRecords({ topics: [{ name: GOLDEN_TOPIC, partitions: [{ partition: 0, offset: 0n }] }] }));
      await step(admin.describeLogDirs({ topics: [{ name: GOLDEN_TOPIC, partitions: [0] }] }));
      await step(admin.findCoordinator({ keyType: 0, keys: [GOLDEN_GROUP] }));
      await step(admin.close());
    }
  } else {
    throw new Error(`unknown driver ${name}`);
  }
  process.exit(0);
}

if (process.argv[2] === '--drive') {
  await drive(process.argv[3], Number(process.argv[4]));
} else if (process.argv[1] === self) {
  await main();
}
