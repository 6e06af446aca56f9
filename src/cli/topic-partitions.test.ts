import { describe, expect, it } from 'vitest';
import { CliError } from './errors.ts';
import { parseTopicPartitionSpec, parseTopicPartitionSpecs } from './topic-partitions.ts';

describe('parseTopicPartitionSpec', () => {
  const ok: [string, { topic: string; partitions: number[] | null }][] = [
    ['orders', { topic: 'orders', partitions: null }],
    ['orders:0', { topic: 'orders', partitions: [0] }],
    ['orders:2,0,1,2', { topic: 'orders', partitions: [0, 1, 2] }],
    ['my.topic_x-1: 3 , 4', { topic: 'my.topic_x-1', partitions: [3, 4] }],
  ];
  for (const [input, want] of ok) it(input, () => expect(parseTopicPartitionSpec(input)).toEqual(want));

  const bad = ['', ':0', 'orders:', 'orders:a', 'orders:-1', 'orders:1,,2', 'bad topic', 'a/b', '..'];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input)} as a usage error`, () => {
      try {
        parseTopicPartitionSpec(input);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(CliError);
        expect((err as CliError).exitCode).toBe(2);
      }
    });
  }
});

describe('parseTopicPartitionSpecs', () => {
  it('merges repeated topics; a whole topic wins', () => {
    expect(parseTopicPartitionSpecs(['a:1', 'b', 'a:0,1', 'c:2', 'c'])).toEqual([
      { topic: 'a', partitions: [0, 1] },
      { topic: 'b', partitions: null },
      { topic: 'c', partitions: null },
    ]);
  });
});
