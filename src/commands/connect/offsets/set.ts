import { Args, Flags } from '@oclif/core';
import { CliError } from '../../../cli/errors.ts';
import { ExitCode } from '../../../cli/exit-codes.ts';
import { ConnectCommand, readInput } from '../../../admin/connect-client.ts';
import type { ConnectorOffsets } from '../../../connect/herder.ts';

/** `kstream connect offsets set NAME --file F --json`: `{ "connector", "message" }` with the worker's message. */
export interface ConnectOffsetsSetResult {
  connector: string;
  message: string;
}

function usage(message: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'expected {"offsets": [{"partition": {...}, "offset": {...}}]}, as kstream connect offsets get NAME --json prints' });
}

/** Reads an offsets document: `{"offsets": [...]}` or the bare list. */
export function parseOffsetsFile(text: string, source: string): ConnectorOffsets {
  let doc: unknown;
  try {
    doc = JSON.parse(text) as unknown;
  } catch (err) {
    throw usage(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  const list = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? (doc as { offsets?: unknown }).offsets : undefined;
  if (!Array.isArray(list)) throw usage(`${source} has no "offsets" list`);
  if (list.length === 0) throw usage(`${source} lists no offsets`);
  const offsets: ConnectorOffsets['offsets'] = list.map((entry: unknown, i) => {
    const e = entry as { partition?: unknown; offset?: unknown } | null;
    if (typeof e !== 'object' || e === null || typeof e.partition !== 'object' || e.partition === null || Array.isArray(e.partition)) throw usage(`${source}: offsets[${i}] needs a "partition" object`);
    if (e.offset !== null && (typeof e.offset !== 'object' || Array.isArray(e.offset))) throw usage(`${source}: offsets[${i}].offset must be an object or null`);
    return { partition: e.partition as Record<string, unknown>, offset: e.offset as Record<string, unknown> | null };
  });
  return { offsets };
}

export default class ConnectOffsetsSet extends ConnectCommand<typeof ConnectOffsetsSet> {
  static override summary = 'change a stopped connector\'s offsets';
  static override description = [
    'PATCH /connectors/NAME/offsets with the offsets in FILE: {"offsets": [{"partition": {...}, "offset": {...}}]}; an offset of null removes that partition\'s offset. The connector must be STOPPED (kstream connect stop NAME).',
    'For a sink the partition is {"kafka_topic": T, "kafka_partition": P} and the offset {"kafka_offset": N}.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> connect offsets set file-source --file offsets.json',
    'echo \'{"offsets":[{"partition":{"kafka_topic":"orders","kafka_partition":0},"offset":{"kafka_offset":100}}]}\' | <%= config.bin %> connect offsets set file-sink --file -',
  ];
  static override args = {
    name: Args.string({ description: 'Connector name', required: true }),
  };
  static override flags = {
    file: Flags.string({ char: 'f', description: 'JSON offsets file, - for stdin', required: true, helpValue: '<file>' }),
  };

  async run(): Promise<ConnectOffsetsSetResult> {
    const source = this.flags.file === '-' ? 'stdin' : this.flags.file;
    const offsets = parseOffsetsFile(readInput(this.flags.file), source);
    const { message } = await this.client.alterOffsets(this.args.name, offsets);
    const result = { connector: this.args.name, message };
    this.out.message(message);
    if (this.outputFormat !== 'table') await this.printResult(result, () => {});
    return result;
  }
}
