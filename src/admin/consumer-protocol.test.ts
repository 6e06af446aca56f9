import { describe, expect, it } from 'vitest';
import { encodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.ts';
import { Writer } from '../protocol/primitives/writer.ts';
import { decodeAssignment } from './consumer-protocol.ts';

function encoded(version: number, assignedPartitions: { topic: string; partitions: number[] }[], trailer?: Buffer): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolAssignment(w, Math.min(version, 3), { assignedPartitions, userData: null });
  const body = w.toBuffer();
  return trailer ? Buffer.concat([body, trailer]) : body;
}

describe('decodeAssignment', () => {
  const cases: { name: string; bytes: Buffer; want: { topic: string; partitions: number[] }[] | null }[] = [
    { name: 'empty bytes: no assignment yet', bytes: Buffer.alloc(0), want: [] },
    { name: 'v0 with two topics, sorted', bytes: encoded(0, [{ topic: 'b', partitions: [2, 0] }, { topic: 'a', partitions: [1] }]), want: [{ topic: 'a', partitions: [1] }, { topic: 'b', partitions: [0, 2] }] },
    { name: 'v3', bytes: encoded(3, [{ topic: 't', partitions: [0, 1, 2] }]), want: [{ topic: 't', partitions: [0, 1, 2] }] },
    { name: 'an empty assignment', bytes: encoded(1, []), want: [] },
    { name: 'a topic listed twice is merged', bytes: encoded(0, [{ topic: 't', partitions: [3] }, { topic: 't', partitions: [1, 3] }]), want: [{ topic: 't', partitions: [1, 3] }] },
    { name: 'a newer version with appended fields', bytes: encoded(4, [{ topic: 't', partitions: [5] }], Buffer.from([0, 0, 0, 7])), want: [{ topic: 't', partitions: [5] }] },
    { name: 'JSON of another protocol (Connect)', bytes: Buffer.from('{"leader":"w1","tasks":["a-0"]}'), want: null },
    { name: 'truncated bytes', bytes: encoded(0, [{ topic: 'topic', partitions: [1, 2] }]).subarray(0, 9), want: null },
    { name: 'a negative version', bytes: Buffer.from([0xff, 0xff, 0, 0, 0, 0]), want: null },
  ];
  for (const c of cases) it(c.name, () => expect(decodeAssignment(c.bytes)).toEqual(c.want));
});
