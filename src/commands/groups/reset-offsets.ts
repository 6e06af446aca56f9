import { readFileSync, writeFileSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { resetGroupOffsets, type ResetOffsetsResult } from '../../admin/groups.ts';
import { formatOffsetsCsv, parseDateTime, parseIsoDuration, parseOffsetsCsv, ResetPlanError, type OffsetCsvRow, type ResetStrategy, type ResetStrategyKind } from '../../admin/reset-offsets.ts';
import { ClusterCommand } from '../../cli/cluster-command.ts';
import { cell, clusterTarget, jsonNumber } from '../../cli/cluster-target.ts';
import { CliError } from '../../cli/errors.ts';
import { ExitCode } from '../../cli/exit-codes.ts';
import { withClusterErrors } from '../../cli/kafka-errors.ts';
import { writeAndFlush } from '../../cli/output.ts';
import { parseTopicPartitionSpecs } from '../../cli/topic-partitions.ts';

export interface GroupsResetOffsetsResult {
  group: string;
  state: string;
  strategy: ResetStrategyKind;
  /** True with --execute: the new offsets were committed. */
  executed: boolean;
  partitions: {
    topic: string;
    partition: number;
    currentOffset: number | null;
    /** null: this partition is left as it is (see note). */
    newOffset: number | null;
    /** The offset asked for when it lay outside the log and was clamped. */
    requestedOffset: number | null;
    clamped: 'log-start' | 'log-end' | null;
    note: string | null;
  }[];
}

const STRATEGY_FLAGS = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', 'from-file', 'to-group'];

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', ...(hint === undefined ? {} : { hint }) });
}

export default class GroupsResetOffsets extends ClusterCommand<typeof GroupsResetOffsets> {
  static override summary = "Reset a consumer group's committed offsets (dry run unless --execute).";
  static override description = `Computes new committed offsets for the chosen partitions with one strategy, prints the current and new offset of each, and commits them only with --execute (a simple, generation -1 commit, as kafka-consumer-groups does). The group must be inactive (state Empty or Dead): stop its consumers first, or the command exits with code 3.

Partitions: --topic TOPIC (every partition) or --topic TOPIC:0,1 (repeatable), or --all-topics (every partition the group has committed offsets for). --from-file takes its partitions from the file when neither is given.

New offsets are clamped to the log: below the log start they become the log start, above the log end the log end (a warning says so), except with --to-current.`;
  static override examples = [
    '<%= config.bin %> groups reset-offsets my-group --topic orders --to-earliest',
    '<%= config.bin %> groups reset-offsets my-group --topic orders:0,1 --shift-by=-100 --execute',
    '<%= config.bin %> groups reset-offsets my-group --all-topics --to-datetime 2024-05-01T00:00:00Z --execute',
    '<%= config.bin %> groups reset-offsets my-group --all-topics --by-duration PT1H --export offsets.csv',
    '<%= config.bin %> groups reset-offsets my-group --from-file offsets.csv --execute',
    '<%= config.bin %> groups reset-offsets my-group --all-topics --to-group other-group --execute',
  ];
  static override args = {
    group: Args.string({ description: 'Group id', required: true }),
  };
  static override flags = {
    topic: Flags.string({ description: 'Topic to reset, with optional partitions: TOPIC or TOPIC:P,P (repeatable)', helpValue: '<topic[:p,...]>', multiple: true, multipleNonGreedy: true, helpGroup: 'PARTITIONS', exclusive: ['all-topics'] }),
    'all-topics': Flags.boolean({ description: 'Every partition the group has committed offsets for', helpGroup: 'PARTITIONS', exclusive: ['topic'] }),
    'to-earliest': Flags.boolean({ description: 'To the log start offset', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'to-latest': Flags.boolean({ description: 'To the log end offset', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'to-current': Flags.boolean({ description: 'To the current committed offset (the log end where there is none)', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'to-offset': Flags.string({ description: 'To this offset', helpValue: '<offset>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'shift-by': Flags.string({ description: 'Move the committed offset by N (negative: back), e.g. --shift-by=-10', helpValue: '<±n>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'to-datetime': Flags.string({ description: 'To the first offset at or after a time: ISO-8601 YYYY-MM-DDTHH:mm:SS[.sss][Z|±hh:mm] (local time without a zone)', helpValue: '<datetime>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'by-duration': Flags.string({ description: 'To the first offset at or after now minus an ISO-8601 duration PnDTnHnMnS, e.g. PT1H30M', helpValue: '<duration>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'from-file': Flags.string({ description: 'To the offsets of a CSV file of topic,partition,offset lines (what --export writes)', helpValue: '<file.csv>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    'to-group': Flags.string({ description: "To another group's committed offsets", helpValue: '<group>', helpGroup: 'STRATEGY', exactlyOne: STRATEGY_FLAGS }),
    execute: Flags.boolean({ description: 'Commit the new offsets (without it nothing changes)', exclusive: ['dry-run'] }),
    'dry-run': Flags.boolean({ description: 'Only show the new offsets (the default)', exclusive: ['execute'] }),
    export: Flags.string({ description: 'Write the new offsets as CSV (topic,partition,offset) to a file; - prints the CSV instead of the table', helpValue: '<file.csv>' }),
  };

  async run(): Promise<GroupsResetOffsetsResult> {
    const f = this.flags;
    const strategy = this.strategy();
    let fileRows: OffsetCsvRow[] | undefined;
    if (strategy.kind === 'from-file') fileRows = this.readCsv(strategy.path);
    const scope = f['all-topics'] ? ('all' as const) : f.topic && f.topic.length > 0 ? parseTopicPartitionSpecs(f.topic) : null;
    if (scope === null && strategy.kind !== 'from-file') throw usage('name the partitions to reset', 'use --topic TOPIC[:PARTITION,...] or --all-topics');

    const outcome = await withClusterErrors(() =>
      resetGroupOffsets(clusterTarget(this.connection, this.timeoutMs), { group: this.args.group, scope, strategy, fileRows, execute: f.execute === true }),
    );
    const result = this.toJsonShape(outcome, strategy.kind);

    if (f.export !== undefined && f.export !== '-') this.writeCsv(f.export, outcome);
    if (f.export === '-') {
      if (!this.jsonEnabled()) await writeAndFlush(process.stdout, this.csvOf(outcome));
    } else {
      await this.printResult(result, () => {
        this.out.table(['topic', 'partition', 'current-offset', 'new-offset'], outcome.rows.map((r) => [r.topic, String(r.partition), cell(r.current), cell(r.target)]));
      }, 'partitions');
    }
    if (!this.jsonEnabled()) {
      for (const r of outcome.rows) {
        if (r.clamped === 'log-end') this.out.warning(`new offset ${r.requested} of ${r.topic}:${r.partition} is above the log end offset; using ${r.target}`);
        if (r.clamped === 'log-start') this.out.warning(`new offset ${r.requested} of ${r.topic}:${r.partition} is below the log start offset; using ${r.target}`);
        if (r.note) this.out.warning(`${r.topic}:${r.partition} is left unchanged: ${r.note}`);
      }
      const changed = outcome.rows.filter((r) => r.target !== null).length;
      if (outcome.executed) this.out.message(`committed new offsets of ${changed} partition${changed === 1 ? '' : 's'} for group ${outcome.group}`);
      else this.out.message('dry run: nothing was committed; add --execute to commit these offsets');
    }
    return result;
  }

  private strategy(): ResetStrategy {
    const f = this.flags;
    if (f['to-earliest']) return { kind: 'to-earliest' };
    if (f['to-latest']) return { kind: 'to-latest' };
    if (f['to-current']) return { kind: 'to-current' };
    if (f['to-offset'] !== undefined) {
      if (!/^\d{1,19}$/.test(f['to-offset'].trim())) throw usage(`--to-offset expects an offset (a whole number ≥ 0), got ${JSON.stringify(f['to-offset'])}`);
      return { kind: 'to-offset', offset: BigInt(f['to-offset'].trim()) };
    }
    if (f['shift-by'] !== undefined) {
      if (!/^[+-]?\d{1,19}$/.test(f['shift-by'].trim())) throw usage(`--shift-by expects a whole number such as 10 or -10, got ${JSON.stringify(f['shift-by'])}`, 'give a negative shift as --shift-by=-10');
      return { kind: 'shift-by', shift: BigInt(f['shift-by'].trim()) };
    }
    try {
      if (f['to-datetime'] !== undefined) return { kind: 'to-datetime', timestamp: parseDateTime(f['to-datetime']) };
      if (f['by-duration'] !== undefined) return { kind: 'by-duration', durationMs: parseIsoDuration(f['by-duration']) };
    } catch (err) {
      if (err instanceof ResetPlanError) throw usage(err.message);
      throw err;
    }
    if (f['from-file'] !== undefined) return { kind: 'from-file', path: f['from-file'] };
    if (f['to-group'] !== undefined) {
      if (f['to-group'] === this.args.group) throw usage('--to-group names the group being reset');
      return { kind: 'to-group', group: f['to-group'] };
    }
    throw usage('choose a reset strategy', `one of ${STRATEGY_FLAGS.map((s) => `--${s}`).join(', ')}`);
  }

  private readCsv(path: string): OffsetCsvRow[] {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new CliError(`cannot read ${path}`, { exitCode: ExitCode.USAGE, code: 'USAGE', cause: err });
    }
    try {
      const rows = parseOffsetsCsv(text);
      if (rows.length === 0) throw usage(`${path} has no offsets`, 'expected lines of topic,partition,offset');
      return rows;
    } catch (err) {
      if (err instanceof ResetPlanError) throw usage(`${path}: ${err.message}`, 'expected lines of topic,partition,offset');
      throw err;
    }
  }

  private csvOf(outcome: ResetOffsetsResult): string {
    return formatOffsetsCsv(outcome.rows.filter((r) => r.target !== null).map((r) => ({ topic: r.topic, partition: r.partition, offset: r.target! })));
  }

  private writeCsv(path: string, outcome: ResetOffsetsResult): void {
    try {
      writeFileSync(path, this.csvOf(outcome));
    } catch (err) {
      throw new CliError(`cannot write ${path}`, { exitCode: ExitCode.UNEXPECTED, cause: err });
    }
  }

  private toJsonShape(outcome: ResetOffsetsResult, strategy: ResetStrategyKind): GroupsResetOffsetsResult {
    return {
      group: outcome.group,
      state: outcome.state,
      strategy,
      executed: outcome.executed,
      partitions: outcome.rows.map((r) => ({
        topic: r.topic,
        partition: r.partition,
        currentOffset: jsonNumber(r.current),
        newOffset: jsonNumber(r.target),
        requestedOffset: jsonNumber(r.requested),
        clamped: r.clamped,
        note: r.note,
      })),
    };
  }
}
