import { Args, Flags } from '@oclif/core';
import { AdminCommand } from '../../cli/admin-command.ts';
import { kafkaHints } from '../../cli/kafka-hints.ts';
import { parseOffset, parseTimeSpec, trimTopic, type TrimBoundary, type TrimResult } from '../../admin/topics.ts';

/**
 * `kstream topics trim --json`: `{ "topic", "dryRun", "before": { "offset", "time" },
 * "partitions": [{ "partition", "previousLogStartOffset", "logStartOffset", "highWatermark",
 * "deleted" }] }`. `before` holds the offset or the time (ISO 8601, UTC) asked for, the other
 * one null. Offsets are JSON numbers. `--output ndjson` prints one partition per line.
 */
export type TopicsTrimResult = TrimResult;

export default class TopicsTrim extends AdminCommand<typeof TopicsTrim> {
  static override summary = 'delete the records before an offset or a time';
  static override description = [
    'Moves the log start offset of partitions forward (DeleteRecords): consumers can no longer read the records before it.',
    '--before-offset N deletes the records with offsets below N (N past the end deletes everything). --before-time T deletes the records before the first one whose timestamp is at or after T, found with ListOffsets; T is an ISO 8601 time (2024-05-01T12:00:00Z), epoch milliseconds, or a duration ago (-1h, -30m, -2d).',
    'Without --partition every partition is trimmed. --dry-run shows what would be deleted.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> topics trim orders --before-offset 1000 --partition 0',
    '<%= config.bin %> topics trim orders --before-time -24h',
    '<%= config.bin %> topics trim orders --before-time 2024-05-01T00:00:00Z --dry-run',
  ];
  static override args = {
    name: Args.string({ description: 'Topic name', required: true }),
  };
  static override flags = {
    partition: Flags.integer({ char: 'p', description: 'Partition to trim (repeatable) [default: all]', multiple: true, multipleNonGreedy: true, min: 0 }),
    'before-offset': Flags.string({ description: 'Delete the records with offsets below this one', helpValue: '<offset>', exactlyOne: ['before-offset', 'before-time'] }),
    'before-time': Flags.string({ description: 'Delete the records older than this time: ISO 8601, epoch ms, or -1h/-30m/-2d ago', helpValue: '<time>', exactlyOne: ['before-offset', 'before-time'] }),
    'dry-run': Flags.boolean({ description: 'Show what would be deleted without deleting' }),
  };

  async run(): Promise<TopicsTrimResult> {
    const { flags } = this;
    const boundary: TrimBoundary = flags['before-offset'] !== undefined ? { offset: parseOffset(flags['before-offset']) } : { timestamp: parseTimeSpec(flags['before-time']!) };
    const result = await kafkaHints(trimTopic(this.target, { topic: this.args.name, partitions: flags.partition, boundary, dryRun: flags['dry-run'] }));
    await this.printResult(result, () => {
      this.out.table(
        ['partition', 'old-log-start', 'new-log-start', 'high-watermark', 'deleted'],
        result.partitions.map((p) => [String(p.partition), String(p.previousLogStartOffset), String(p.logStartOffset), String(p.highWatermark), String(p.deleted)]),
      );
    }, 'partitions');
    if (result.dryRun) this.out.message('dry run: nothing was deleted');
    return result;
  }
}
