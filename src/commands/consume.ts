import { Args, Flags } from '@oclif/core';
import { ClusterCommand } from '../cli/cluster-command.ts';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { writeAndFlush } from '../cli/output.ts';
import { PipeClosedError, StreamWriter, formatSeconds, interruptSignal, plural } from '../cli/streaming.ts';
import { OutputClosedError, runConsumer } from '../client/consumer-runner.ts';
import { FormatError, unescapeText } from '../client/format-syntax.ts';
import { OffsetSpecError, parseOffsetSpec, parseTime, type OffsetSpec } from '../client/offset-spec.ts';
import { compileOutputFormat, type OutputFormat } from '../client/output-format.ts';
import { recordToJsonLine } from '../client/record-json.ts';
import type { ConsumedRecord } from '../client/records.ts';

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', ...(hint ? { hint } : {}) });
}

/** Escapes a delimiter so it can be embedded in a format string. */
function formatLiteral(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x25) out += '%%';
    else if (b === 0x5c) out += '\\\\';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export default class Consume extends ClusterCommand<typeof Consume> {
  static override summary = 'Print records of one or more topics.';

  static override strict = false;

  static override description = `Reads TOPIC (and more topics) and prints each record on stdout: its value and a newline by default, a format of your own with -f, or JSON envelopes with --json. Without -g the partitions are read directly (no group); with -g the records come through a consumer group.

START (-o, repeatable)
  beginning    the first record still in the log (the default)
  end          only records written from now on
  N            offset N
  -N           N records before the end
  +N           N records after the beginning
  @TIME        the first record at or after TIME
  @TIME1:TIME2 records from TIME1 up to (not including) TIME2
  stored       the group's committed offset (with -g)
  P:SPEC       SPEC for partition P only: -o 0:100 -o 1:beginning
  Without -p, P:SPEC forms alone read just those partitions; a plain SPEC
  next to them covers the others. TIME is epoch milliseconds, ISO-8601
  (2024-05-01T12:00:00Z; UTC without a zone), now, or a duration ago (-15m,
  -1h, -2d). Offsets outside the log are clamped to it.

  STOP
  -c N stops after N records; -e stops each partition at the end offset it had when reading started and exits when all are done (kcat's -e); --until TIME stops each partition at its first record at or after TIME, and once the clock passes TIME, at the end of that moment. Otherwise consume waits for new records until interrupted.

GROUPS (-g)
  Joins the consumer group and reads the partitions it assigns, starting at the committed offsets (a partition without one starts at -o, default beginning). Offsets are committed for what has been printed (written to stdout): every second, on rebalances and at exit, so a later run continues after the last printed record. With -e the member exits when its assigned partitions reach the end offsets taken at assignment, commits and leaves the group. --regex treats each TOPIC as a regular expression (the whole name must match) and picks up matching topics created later (checked every 5 s); without -g, --regex reads the topics that match when it starts.

OUTPUT FORMAT (-f)
  %t topic        %p partition      %o offset
  %k key          %v value (or %s)  %T timestamp (ms since the epoch)
  %K key length (-1: null)          %S value length (-1: null)
  %R value length as a 4-byte big-endian binary integer (kcat)
  %h headers as k=v,k=v
  %h{TEMPLATE} TEMPLATE per header (%k, %v inside); the text after its last
  directive separates headers (not printed after the last): %h{%k: %v\\n}
  %H number of headers
  %% a percent sign; escapes: \\n \\r \\t \\0 \\\\ \\xHH
  Modifiers: %k{hex} %v{hex} hexadecimal; %k{base64} %v{base64} base64;
  %k{4} %v{4} a 4-byte big-endian length (-1: null) and the raw bytes ({1}
  {2} {8} too); %T{iso} ISO-8601 UTC. Null keys and values print nothing.
  The default is '%v\\n'; -K DELIM makes it '%k<DELIM>%v\\n', -D changes
  the '\\n'. 'kstream produce -f' reads back the same format.

JSON (--json, --output json or ndjson)
  One object per line, the envelope 'kstream produce --input json' reads
  (shown here on several lines):
  {"topic":"t","partition":0,"offset":7,"timestamp":1714564800000,
  "timestampType":"CreateTime","key":"k","value":"aGk=",
  "headers":[{"key":"h","value":"v"}],"keyEncoding":"utf8",
  "valueEncoding":"base64"}
  key and value are text when the bytes are valid UTF-8 ("utf8"), else
  base64 ("base64"); null, with a null encoding, for a null key or a
  tombstone. A header has "keyEncoding"/"valueEncoding": "base64" only when
  its bytes are not UTF-8; a header without a value has "value": null.

  MESSAGES AND EXIT CODES
  stdout carries records only. 'consumed N records in Xs' goes to stderr when stderr is a terminal (never with --quiet), so redirected stderr stays clean. Exit 0 when a stop condition is met or stdout is closed (e.g. | head); 2 bad flags or format; 3 a Kafka error (unknown topic or partition, ...); 4 the cluster is unreachable within --timeout; 130 interrupted by Ctrl+C (after committing what was printed and leaving the group).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %> events -e',
    '<%= config.bin %> <%= command.id %> events -o -10 -e -f \'%p/%o %k=%v\\n\'',
    '<%= config.bin %> <%= command.id %> events -o @2024-05-01T00:00:00Z:2024-05-02T00:00:00Z --json',
    '<%= config.bin %> <%= command.id %> events -o 0:100 -o 1:beginning -c 50',
    '<%= config.bin %> <%= command.id %> events -g audit -e   # what is new since the last run',
    "<%= config.bin %> <%= command.id %> 'logs-.*' --regex -g collector",
    '<%= config.bin %> <%= command.id %> blobs -e -f \'%k{hex} %v{base64}\\n\'',
  ];

  static override args = {
    topic: Args.string({ description: 'Topic(s) to read (regular expressions with --regex)', required: true, ignoreStdin: true }),
  };

  static override flags = {
    group: Flags.string({ char: 'g', description: 'Consume as a member of this consumer group', helpValue: '<group>' }),
    regex: Flags.boolean({ description: 'TOPIC arguments are regular expressions (subscribes to matching topics)' }),
    offset: Flags.string({ char: 'o', description: 'Where to start (see START); P:SPEC for one partition (repeatable)', helpValue: '<spec>', multiple: true, multipleNonGreedy: true }),
    partition: Flags.string({ char: 'p', description: 'Read only this partition (repeatable, or 0,1,2)', helpValue: '<n>', multiple: true, multipleNonGreedy: true }),
    count: Flags.integer({ char: 'c', description: 'Stop after this many records', min: 1, helpValue: '<n>' }),
    exit: Flags.boolean({ char: 'e', description: 'Stop at the end offsets taken when reading starts' }),
    until: Flags.string({ description: 'Stop at records at or after this time (see START for TIME)', helpValue: '<time>' }),
    format: Flags.string({ char: 'f', description: 'Output format (see OUTPUT FORMAT)', helpValue: '<format>' }),
    'key-delimiter': Flags.string({ char: 'K', description: "Print the key, DELIM and the value ('%k<DELIM>%v\\n')", helpValue: '<delim>' }),
    delimiter: Flags.string({ char: 'D', description: "Record delimiter of the default format (escapes allowed)", default: '\\n', helpValue: '<delim>' }),
    isolation: Flags.option({ options: ['read_uncommitted', 'read_committed'] as const, description: 'Show records of aborted transactions (read_uncommitted) or not', default: 'read_uncommitted' as const })(),
    quiet: Flags.boolean({ char: 'q', description: 'No summary on stderr' }),
    output: Flags.option({ options: ['text', 'json', 'ndjson'] as const, description: 'text: the format; json/ndjson: one JSON envelope per line (same as --json)', default: 'text' as const, helpGroup: 'GLOBAL' })(),
  };

  async run(): Promise<void> {
    const f = this.flags;
    const { argv } = await this.parse(Consume);
    const topics = [...new Set(argv.map(String))];
    if (topics.some((t) => t === '')) throw usage('a topic name is empty');
    const json = this.jsonEnabled() || f.output === 'json' || f.output === 'ndjson';

    // ---- flags ---------------------------------------------------------------------------
    let format: OutputFormat | null = null;
    if (json) {
      if (f.format !== undefined || f['key-delimiter'] !== undefined) throw usage('--format and --key-delimiter cannot be used with --json');
    } else {
      try {
        let text = f.format;
        if (text === undefined) {
          const delimiter = formatLiteral(unescapeText(f.delimiter));
          text = f['key-delimiter'] === undefined ? `%v${delimiter}` : `%k${formatLiteral(unescapeText(f['key-delimiter']))}%v${delimiter}`;
        } else if (f['key-delimiter'] !== undefined) {
          throw usage('--key-delimiter cannot be used with --format');
        }
        format = compileOutputFormat(text);
      } catch (err) {
        if (err instanceof FormatError) throw usage(`invalid format: ${err.message}`, "see 'kstream consume --help'");
        throw err;
      }
    }
    let offsets: OffsetSpec[];
    let until: number | undefined;
    const partitions: number[] = [];
    try {
      offsets = (f.offset ?? []).map((o) => parseOffsetSpec(o));
      if (f.until !== undefined) until = parseTime(f.until.startsWith('@') ? f.until.slice(1) : f.until, '--until time');
    } catch (err) {
      if (err instanceof OffsetSpecError) throw usage(err.message, "see 'kstream consume --help'");
      throw err;
    }
    for (const p of f.partition ?? []) {
      for (const part of p.split(',')) {
        if (!/^\d+$/.test(part.trim())) throw usage(`invalid --partition ${JSON.stringify(p)}: expected a partition number`);
        partitions.push(Number(part.trim()));
      }
    }
    if (f.group !== undefined) {
      if (f.group === '') throw usage('the group name is empty');
      if (partitions.length > 0 || offsets.some((o) => o.partition !== undefined)) {
        throw usage('-p and PARTITION:OFFSET cannot be used with -g: the group assigns the partitions');
      }
    } else if (offsets.some((o) => o.position.kind === 'stored')) {
      throw usage('-o stored needs a group (-g)');
    }
    if (f.regex && f.group === undefined && (partitions.length > 0 || offsets.some((o) => o.partition !== undefined))) {
      throw usage('-p and PARTITION:OFFSET cannot be used with --regex');
    }

    // ---- run -----------------------------------------------------------------------------
    const interrupt = interruptSignal();
    const stdout = new StreamWriter(process.stdout);
    const render = (records: ConsumedRecord[]): Buffer | string => {
      if (json) {
        let text = '';
        for (const r of records) text += recordToJsonLine(r) + '\n';
        return text;
      }
      const parts: Buffer[] = [];
      for (const r of records) format!.render(r, parts);
      return Buffer.concat(parts);
    };
    const logger = this.createLogger();
    let result;
    try {
      result = await runConsumer({
        servers: this.connection.servers,
        clientOptions: this.connection.clientOptions,
        timeoutMs: this.timeoutMs,
        topics,
        pattern: f.regex,
        ...(f.group === undefined ? {} : { group: f.group }),
        ...(partitions.length > 0 ? { partitions } : {}),
        offsets,
        ...(f.count === undefined ? {} : { count: f.count }),
        exitAtEnd: f.exit,
        ...(until === undefined ? {} : { until }),
        isolationLevel: f.isolation === 'read_committed' ? 1 : 0,
        output: async (records) => {
          try {
            await stdout.write(render(records));
          } catch (err) {
            if (err instanceof PipeClosedError) throw new OutputClosedError('output closed');
            throw err;
          }
        },
        signal: interrupt.signal,
        warn: (m) => logger.warn(m),
        debug: (m) => logger.debug(m),
      });
    } finally {
      interrupt.dispose();
      stdout.dispose();
    }
    if (!f.quiet && process.stderr.isTTY && result.reason !== 'output-closed') {
      await writeAndFlush(process.stderr, `consumed ${plural(result.records, 'record')} in ${formatSeconds(result.elapsedMs)}${result.reason === 'interrupted' ? ' (interrupted)' : ''}\n`);
    }
    if (result.reason === 'interrupted') this.exit(ExitCode.INTERRUPTED);
    // Exit now: a closed stdout cannot be flushed, and nothing else is left to do.
    this.exit(ExitCode.OK);
  }
}
