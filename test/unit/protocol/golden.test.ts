/**
 * Golden bytes from real clients (kcat/librdkafka, confluent-kafka-python, kafkajs,
 * @platformatic/kafka), captured by scripts/capture-golden.ts into
 * test/fixtures/protocol/<api-name>/v<N>.request.<client>.hex.
 *
 * Each fixture is one request frame (header + body, no size prefix). The test reads the header
 * with headers.ts, decodes the body with the generated decoder, checks a few meaningful fields
 * against what the capture scenarios sent, and re-encodes header and body: the bytes must be
 * exactly the client's.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readRequestHeader, writeRequestHeader, type RequestHeader } from '../../../src/protocol/headers.ts';
import { Reader } from '../../../src/protocol/primitives/reader.ts';
import { Writer } from '../../../src/protocol/primitives/writer.ts';
import { ApiKey } from '../../../src/protocol/generated/api-keys.ts';
import { codecs } from '../../fixtures/protocol/codec-cases.ts';
import { kebab } from '../../fixtures/protocol/spec-arbitrary.ts';
import { decodeConsumerProtocolSubscription } from '../../../src/protocol/generated/data/consumer-protocol-subscription.ts';
import { decodeConsumerProtocolAssignment } from '../../../src/protocol/generated/data/consumer-protocol-assignment.ts';

// What the capture scenarios use (see scripts/capture-golden.ts).
const TOPIC = 'golden';
const GROUP = 'golden-group';
const CLIENT_ID = 'kstream-golden';
const TOPIC_ID = '6b737472-6561-6d2d-676f-6c64656e2121';
const MEMBER_ID = 'kstream-golden-member';
const CLIENTS = ['kcat', 'confluent-python', 'kafkajs', 'platformatic'] as const;

const fixturesDir = fileURLToPath(new URL('../../fixtures/protocol/', import.meta.url));

interface Fixture {
  file: string;
  api: string;
  apiKey: number;
  version: number;
  client: string;
  provenance: string;
  frame: Buffer;
}

function loadFixtures(): Fixture[] {
  const byDir = new Map(codecs.map((c) => [kebab(c.name), c]));
  const out: Fixture[] = [];
  for (const dir of readdirSync(fixturesDir).sort()) {
    if (!statSync(fixturesDir + dir).isDirectory()) continue;
    const codec = byDir.get(dir);
    if (!codec) throw new Error(`test/fixtures/protocol/${dir}: not the name of an API`);
    for (const file of readdirSync(fixturesDir + dir).sort()) {
      const m = /^v(\d+)\.request\.([a-z0-9-]+)\.hex$/.exec(file);
      if (!m) throw new Error(`test/fixtures/protocol/${dir}/${file}: unexpected file name`);
      const lines = readFileSync(`${fixturesDir}${dir}/${file}`, 'utf8').split('\n');
      const hex = lines
        .filter((l) => !l.startsWith('#'))
        .join('')
        .replace(/\s+/g, '');
      if (!/^([0-9a-f]{2})+$/.test(hex)) throw new Error(`${dir}/${file}: not hex`);
      out.push({ file: `${dir}/${file}`, api: codec.name, apiKey: codec.apiKey, version: Number(m[1]), client: m[2], provenance: lines[0], frame: Buffer.from(hex, 'hex') });
    }
  }
  return out;
}

const fixtures = loadFixtures();

// Loosely typed views of decoded requests, for the field checks below.
type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => v as Obj[];

/** Reads a consumer-protocol blob: int16 version, then the schema (newer versions read as the newest known). */
function consumerProtocol<T>(blob: Buffer, decode: (r: Reader, version: number) => T): { version: number; value: T } {
  const r = new Reader(blob);
  const version = r.int16();
  return { version, value: decode(r, Math.min(version, 3)) };
}

/** API-specific checks of decoded request bodies against what the capture scenarios did. */
const CHECKS: Partial<Record<number, (body: Obj, f: Fixture) => void>> = {
  [ApiKey.ApiVersions]: (b, f) => {
    if (f.version >= 3) {
      expect(b.clientSoftwareName).toMatch(/^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/);
      expect(b.clientSoftwareVersion).toMatch(/^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/);
      if (f.client === 'kcat') expect(b.clientSoftwareName).toBe('librdkafka');
      if (f.client === 'confluent-python') expect(b.clientSoftwareName).toBe('confluent-kafka-python');
    }
  },
  [ApiKey.Metadata]: (b) => {
    const topics = b.topics as Obj[] | null;
    if (topics !== null) for (const t of topics) expect([TOPIC, 'golden-new', null]).toContain(t.name);
  },
  [ApiKey.Produce]: (b, f) => {
    expect(b.transactionalId).toBeNull();
    expect([-1, 1]).toContain(b.acks);
    expect(b.timeoutMs).toBeGreaterThan(0);
    const t = arr(b.topicData)[0];
    expect(t.name).toBe(TOPIC);
    const p = arr(t.partitionData)[0];
    expect(p.index).toBe(0);
    const records = p.records as Buffer;
    // Record batch (magic 2, v3+) or message set (magic 0/1): the magic byte is at offset 16 in both.
    expect(records[16]).toBe(f.version >= 3 ? 2 : f.version === 2 ? 1 : 0);
    expect(records.includes('hello-golden')).toBe(true);
  },
  [ApiKey.Fetch]: (b, f) => {
    expect(b.maxWaitMs).toBeGreaterThan(0);
    if (f.version <= 14) expect(b.replicaId).toBe(-1);
    const t = arr(b.topics)[0];
    if (f.version <= 12) expect(t.topic).toBe(TOPIC);
    else expect(t.topicId).toBe(TOPIC_ID);
    expect(arr(t.partitions)[0].partition).toBe(0);
  },
  [ApiKey.ListOffsets]: (b) => {
    expect(b.replicaId).toBe(-1);
    const t = arr(b.topics)[0];
    expect(t.name).toBe(TOPIC);
    const p = arr(t.partitions)[0];
    expect(p.partitionIndex).toBe(0);
    expect([-1n, -2n, 1700000000000n]).toContain(p.timestamp);
  },
  [ApiKey.FindCoordinator]: (b, f) => {
    if (f.version <= 3) expect(b.key).toBe(GROUP);
    else expect(b.coordinatorKeys).toContain(GROUP);
  },
  [ApiKey.JoinGroup]: (b) => {
    expect(b.groupId).toBe(GROUP);
    expect(b.protocolType).toBe('consumer');
    expect(b.sessionTimeoutMs).toBeGreaterThan(0);
    const protocols = arr(b.protocols);
    expect(protocols.length).toBeGreaterThan(0);
    for (const p of protocols) {
      const sub = consumerProtocol(p.metadata as Buffer, decodeConsumerProtocolSubscription);
      expect(sub.value.topics).toContain(TOPIC);
    }
  },
  [ApiKey.SyncGroup]: (b) => {
    expect(b.groupId).toBe(GROUP);
    expect(b.generationId).toBe(1);
    expect(b.memberId).toBe(MEMBER_ID);
    for (const a of arr(b.assignments)) {
      expect(a.memberId).toBe(MEMBER_ID);
      const assignment = consumerProtocol(a.assignment as Buffer, decodeConsumerProtocolAssignment);
      expect(assignment.value.assignedPartitions).toEqual([{ topic: TOPIC, partitions: [0] }]);
    }
  },
  [ApiKey.Heartbeat]: (b) => {
    expect(b.groupId).toBe(GROUP);
    expect(b.generationId).toBe(1);
    expect(b.memberId).toBe(MEMBER_ID);
  },
  [ApiKey.LeaveGroup]: (b, f) => {
    expect(b.groupId).toBe(GROUP);
    if (f.version <= 2) expect(b.memberId).toBe(MEMBER_ID);
    else expect(arr(b.members).map((m) => m.memberId)).toContain(MEMBER_ID);
  },
  [ApiKey.OffsetFetch]: (b, f) => {
    if (f.version <= 7) expect(b.groupId).toBe(GROUP);
    else expect(arr(b.groups)[0].groupId).toBe(GROUP);
  },
  [ApiKey.OffsetCommit]: (b) => {
    expect(b.groupId).toBe(GROUP);
    const t = arr(b.topics)[0];
    expect(t.name).toBe(TOPIC);
    expect(arr(t.partitions)[0].partitionIndex).toBe(0);
  },
  [ApiKey.CreateTopics]: (b) => {
    const t = arr(b.topics)[0];
    expect(t.name).toBe('golden-new');
    expect(t.numPartitions).toBe(3);
  },
  [ApiKey.DeleteTopics]: (b, f) => {
    if (f.version <= 5) expect(b.topicNames).toEqual(['golden-old']);
    else expect(arr(b.topics).map((t) => t.name)).toEqual(['golden-old']);
  },
  [ApiKey.DeleteRecords]: (b) => {
    const t = arr(b.topics)[0];
    expect(t.name).toBe(TOPIC);
    expect(arr(t.partitions)[0]).toMatchObject({ partitionIndex: 0, offset: 0n });
  },
  [ApiKey.InitProducerId]: (b) => {
    expect(b.transactionalId).toBeNull();
  },
  [ApiKey.DescribeConfigs]: (b) => {
    expect(arr(b.resources)[0]).toMatchObject({ resourceType: 2, resourceName: TOPIC });
  },
  [ApiKey.AlterConfigs]: (b) => {
    const r = arr(b.resources)[0];
    expect(r).toMatchObject({ resourceType: 2, resourceName: TOPIC });
    expect(arr(r.configs)[0]).toMatchObject({ name: 'retention.ms', value: '1000' });
  },
  [ApiKey.IncrementalAlterConfigs]: (b) => {
    const r = arr(b.resources)[0];
    expect(r).toMatchObject({ resourceType: 2, resourceName: TOPIC });
    expect(arr(r.configs)[0]).toMatchObject({ name: 'retention.ms', configOperation: 0, value: '1000' });
  },
  [ApiKey.DescribeLogDirs]: (b) => {
    expect(arr(b.topics)[0]).toMatchObject({ topic: TOPIC, partitions: [0] });
  },
  [ApiKey.CreatePartitions]: (b) => {
    expect(arr(b.topics)[0]).toMatchObject({ name: TOPIC, count: 4 });
  },
  [ApiKey.DeleteGroups]: (b) => {
    expect(b.groupsNames).toEqual([GROUP]);
  },
  [ApiKey.DescribeGroups]: (b) => {
    expect(b.groups).toEqual([GROUP]);
  },
  [ApiKey.OffsetDelete]: (b) => {
    expect(b.groupId).toBe(GROUP);
    expect(arr(b.topics)[0]).toMatchObject({ name: TOPIC, partitions: [{ partitionIndex: 0 }] });
  },
};

describe('golden fixtures: inventory', () => {
  it('every fixture has a provenance line naming its client, version and capture date', () => {
    for (const f of fixtures) {
      expect(f.provenance, f.file).toMatch(/^# \S+ \d[^,]*, client id "[^"]*"; captured \d{4}-\d{2}-\d{2} by scripts\/capture-golden\.ts/);
    }
  });

  it('covers at least ApiVersions, Metadata, Produce, Fetch and ListOffsets from kcat and kafkajs', () => {
    const have = new Set(fixtures.map((f) => `${f.api}/${f.client}`));
    for (const client of ['kcat', 'kafkajs']) {
      for (const api of ['ApiVersions', 'Metadata', 'Produce', 'Fetch', 'ListOffsets']) expect(have, `${api} from ${client}`).toContain(`${api}/${client}`);
    }
    expect(new Set(fixtures.map((f) => f.client))).toEqual(new Set(CLIENTS));
  });
});

describe('golden fixtures: decode and re-encode byte for byte', () => {
  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const codec = codecs.find((c) => c.apiKey === f.apiKey)!;
    const r = new Reader(f.frame);
    const header: RequestHeader = readRequestHeader(r);
    expect(header.apiKey).toBe(f.apiKey);
    expect(header.apiVersion).toBe(f.version);
    expect(header.clientId).toBe(CLIENT_ID);
    const headerEnd = r.pos;

    const body = codec.decodeRequest(r, f.version) as unknown as Obj;
    expect(r.pos, 'the decoder must consume the whole frame').toBe(f.frame.length);
    CHECKS[f.apiKey]?.(body, f);

    const hw = new Writer();
    writeRequestHeader(hw, header);
    expect(hw.toBuffer().toString('hex'), 're-encoded header').toBe(f.frame.subarray(0, headerEnd).toString('hex'));
    const bw = new Writer();
    codec.encodeRequest(bw, f.version, body as never);
    expect(bw.toBuffer().toString('hex'), 're-encoded body').toBe(f.frame.subarray(headerEnd).toString('hex'));
  });
});
