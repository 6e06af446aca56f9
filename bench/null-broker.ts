/**
 * A "null broker" for the client ceiling of the produce benchmarks: it speaks just enough of the
 * protocol for kcat to produce (ApiVersions, Metadata, Produce) and throws the records away, so
 * kcat against it shows what the client and loopback can do at all on this machine.
 *
 *   node bench/null-broker.ts     prints {"port":N} once listening
 *
 * Every topic asked for has one partition led by this node. Produce answers count offsets from 0
 * per partition (acks=0 gets no answer, as in Kafka). Single-threaded and minimal on purpose; it
 * validates nothing.
 */
import { createServer, type Socket } from 'node:net';
import { FrameSplitter } from '../src/protocol/frame.ts';
import { Reader } from '../src/protocol/primitives/reader.ts';
import { readRequestHeader } from '../src/protocol/headers.ts';
import { ApiKey } from '../src/protocol/generated/api-keys.ts';
import { codecFor } from '../src/protocol/generated/registry.ts';
import { encodeResponse } from '../src/broker/dispatcher.ts';
import type { MetadataRequest } from '../src/protocol/generated/messages/metadata.ts';
import type { ProduceRequest } from '../src/protocol/generated/messages/produce.ts';

const SUPPORTED = [
  { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 9 },
  { apiKey: ApiKey.Metadata, minVersion: 0, maxVersion: 9 },
  { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
];
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const RECORD_COUNT_POS = 57;
const offsets = new Map<string, bigint>();
let port = 0;

function recordsIn(records: Buffer | null): bigint {
  let n = 0;
  let pos = 0;
  while (records && pos + 61 <= records.length) {
    n += records.readInt32BE(pos + RECORD_COUNT_POS);
    pos += records.readInt32BE(pos + 8) + 12;
  }
  return BigInt(n);
}

function answer(frame: Buffer): Buffer[] | null {
  const r = new Reader(frame);
  const h = readRequestHeader(r);
  const v = h.apiVersion;
  switch (h.apiKey) {
    case ApiKey.ApiVersions:
      return encodeResponse(h.apiKey, v, h.correlationId, (w) =>
        codecFor(ApiKey.ApiVersions)!.encodeResponse(w, v, { errorCode: 0, apiKeys: SUPPORTED, throttleTimeMs: 0 }),
      );
    case ApiKey.Metadata: {
      const req = codecFor(ApiKey.Metadata)!.decodeRequest(r, v) as MetadataRequest;
      const names = (req.topics ?? []).map((t) => t.name ?? '').filter((n) => n !== '');
      return encodeResponse(h.apiKey, v, h.correlationId, (w) =>
        codecFor(ApiKey.Metadata)!.encodeResponse(w, v, {
          brokers: [{ nodeId: 0, host: '127.0.0.1', port, rack: null }],
          clusterId: 'null-broker',
          controllerId: 0,
          topics: names.map((name) => ({
            errorCode: 0,
            name,
            topicId: ZERO_UUID,
            partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 0, leaderEpoch: 0, replicaNodes: [0], isrNodes: [0], offlineReplicas: [] }],
          })),
        }),
      );
    }
    case ApiKey.Produce: {
      const req = codecFor(ApiKey.Produce)!.decodeRequest(r, v) as ProduceRequest;
      const responses = req.topicData.map((t) => ({
        name: t.name,
        partitionResponses: t.partitionData.map((p) => {
          const key = `${t.name}/${p.index}`;
          const base = offsets.get(key) ?? 0n;
          offsets.set(key, base + recordsIn(p.records));
          return { index: p.index, errorCode: 0, baseOffset: base, logAppendTimeMs: -1n, logStartOffset: 0n };
        }),
      }));
      if (req.acks === 0) return null;
      return encodeResponse(h.apiKey, v, h.correlationId, (w) => codecFor(ApiKey.Produce)!.encodeResponse(w, v, { responses, throttleTimeMs: 0 }));
    }
    default:
      throw new Error(`null broker: api key ${h.apiKey} is not served`);
  }
}

const server = createServer({ noDelay: true }, (socket: Socket) => {
  const splitter = new FrameSplitter(1 << 30);
  socket.on('data', (chunk: Buffer) => {
    try {
      for (const frame of splitter.push(chunk)) {
        const out = answer(frame);
        if (out) for (const b of out) socket.write(b);
      }
    } catch (err) {
      process.stderr.write(`${String(err)}\n`);
      socket.destroy();
    }
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
