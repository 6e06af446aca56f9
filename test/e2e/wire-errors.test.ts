/**
 * Bad input on the wire: unsupported versions, unknown API keys, malformed and oversized
 * frames, invalid topic names and corrupt batches get Kafka's error codes or a closed
 * connection, and the broker keeps serving everyone else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, uniqueName, type TestBroker } from '../helpers/broker.ts';
import { RawConnection } from '../helpers/raw-connection.ts';
import { ApiKey } from '../../src/protocol/generated/api-keys.ts';
import { ErrorCode } from '../../src/protocol/generated/error-codes.ts';
import { Writer } from '../../src/protocol/primitives/writer.ts';
import { writeRequestHeader } from '../../src/protocol/headers.ts';
import { encodeTestBatch } from '../../src/storage/test-batches.ts';

let tb: TestBroker;

beforeAll(async () => {
  tb = await startBroker({ config: { socketRequestMaxBytes: 1 << 20 } });
});

afterAll(async () => {
  await tb?.close();
});

async function stillServes(): Promise<void> {
  const c = await RawConnection.open(tb.host, tb.port);
  const res = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'check', clientSoftwareVersion: '1' });
  expect(res.errorCode).toBe(0);
  c.close();
}

describe('wire-level errors', () => {
  it('advertises exactly the served APIs', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const res = await c.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '0' });
    const produce = res.apiKeys.find((k) => k.apiKey === ApiKey.Produce);
    expect(produce).toEqual({ apiKey: 0, minVersion: 0, maxVersion: 11 }); // v0 listed for librdkafka's codecs; v0-2 refused per partition
    expect(res.apiKeys.find((k) => k.apiKey === ApiKey.Metadata)).toEqual({ apiKey: 3, minVersion: 0, maxVersion: 12 });
    c.close();
  });

  it('answers an ApiVersions version it does not know with v0 and UNSUPPORTED_VERSION', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const w = new Writer();
    w.int32(0);
    writeRequestHeader(w, { apiKey: ApiKey.ApiVersions, apiVersion: 99, correlationId: 7, clientId: 'future' });
    w.raw(Buffer.from([0, 0, 0]));
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    c.writeRaw(buf);
    const res = await c.receive(ApiKey.ApiVersions, 0);
    expect(res.correlationId).toBe(7);
    expect(res.body.errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    expect(res.body.apiKeys.length).toBeGreaterThan(10);
    c.close();
  });

  it('closes the connection on an unknown API key and keeps serving others', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const w = new Writer();
    w.int32(0).int16(999).int16(0).int32(1).nullableString('x');
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    c.writeRaw(buf);
    expect(await c.closedWithin(2000)).toBe(true);
    await stillServes();
  });

  it('closes on a negative or oversized frame size', async () => {
    const a = await RawConnection.open(tb.host, tb.port);
    a.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3]));
    expect(await a.closedWithin(2000)).toBe(true);
    const b = await RawConnection.open(tb.host, tb.port);
    const head = Buffer.alloc(4);
    head.writeInt32BE((1 << 20) + 1);
    b.writeRaw(head);
    expect(await b.closedWithin(2000)).toBe(true);
    await stillServes();
  });

  it('closes on a body that does not decode', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const w = new Writer();
    w.int32(0);
    writeRequestHeader(w, { apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 1, clientId: 'x' });
    w.int32(5).int16(200); // 5 topics, then a string that runs past the end
    const buf = w.toBuffer();
    buf.writeInt32BE(buf.length - 4, 0);
    c.writeRaw(buf);
    expect(await c.closedWithin(2000)).toBe(true);
    await stillServes();
  });

  it('rejects invalid topic names with INVALID_TOPIC_EXCEPTION', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const res = await c.request(ApiKey.Metadata, 9, { topics: [{ name: 'no spaces allowed' }, { name: 'x'.repeat(300) }], allowAutoTopicCreation: true });
    expect(res.topics.map((t) => t.errorCode)).toEqual([ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    const created = await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: 'bad name', numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    expect(created.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
    c.close();
  });

  it('rejects a batch with a bad CRC with CORRUPT_MESSAGE and stores nothing', async () => {
    const topic = uniqueName('crc');
    const c = await RawConnection.open(tb.host, tb.port);
    await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const good = encodeTestBatch([{ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: Date.now() }]);
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff;
    const res = await c.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: bad }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    const ok = await c.request(ApiKey.Produce, 9, { acks: -1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: good }] }] });
    expect(ok.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    const unknown = await c.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 7, records: good }] }] });
    expect(unknown.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const acks = await c.request(ApiKey.Produce, 9, { acks: 2, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: good }] }] });
    expect(acks.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    c.close();
  });

  it('answers Produce v0-2 with UNSUPPORTED_VERSION per partition', async () => {
    const topic = uniqueName('v2');
    const c = await RawConnection.open(tb.host, tb.port);
    await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const batch = encodeTestBatch([{ key: null, value: Buffer.from('old'), timestamp: Date.now() }]);
    const res = await c.request(ApiKey.Produce, 2, { acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    expect(res.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const offsets = await c.request(ApiKey.ListOffsets, 5, { replicaId: -1, topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: -1n }] }] });
    expect(offsets.topics[0].partitions[0].offset).toBe(0n); // nothing stored
    c.close();
  });

  it('answers pipelined requests in order', async () => {
    const c = await RawConnection.open(tb.host, tb.port);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push(c.send(ApiKey.ApiVersions, 3, { clientSoftwareName: 'p', clientSoftwareVersion: String(i) }));
    for (const id of ids) expect((await c.receive(ApiKey.ApiVersions, 3)).correlationId).toBe(id);
    c.close();
  });

  it('answers a fetch on an out-of-range offset with OFFSET_OUT_OF_RANGE', async () => {
    const topic = uniqueName('oor');
    const c = await RawConnection.open(tb.host, tb.port);
    await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const res = await c.request(ApiKey.Fetch, 11, {
      maxWaitMs: 100,
      minBytes: 1,
      topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 42n, partitionMaxBytes: 1 << 20 }] }],
    });
    expect(res.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    c.close();
  });

  it('long-polls a fetch until data arrives', async () => {
    const topic = uniqueName('poll');
    const c = await RawConnection.open(tb.host, tb.port);
    const p = await RawConnection.open(tb.host, tb.port);
    await c.request(ApiKey.CreateTopics, 5, { topics: [{ name: topic, numPartitions: 1, replicationFactor: 1 }], timeoutMs: 1000 });
    const started = Date.now();
    const fetchId = c.send(ApiKey.Fetch, 11, { maxWaitMs: 10_000, minBytes: 1, topics: [{ topic, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }] });
    await new Promise((r) => setTimeout(r, 200));
    await p.request(ApiKey.Produce, 9, { acks: 1, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: 0, records: encodeTestBatch([{ key: null, value: Buffer.from('hello'), timestamp: Date.now() }]) }] }] });
    const res = await c.receive(ApiKey.Fetch, 11);
    expect(res.correlationId).toBe(fetchId);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(res.body.responses[0].partitions[0].records?.length).toBeGreaterThan(61);
    c.close();
    p.close();
  });
});
