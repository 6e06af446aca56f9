import { accessSync, constants, createReadStream, statSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { ClusterCommand } from '../cli/cluster-command.ts';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { writeAndFlush } from '../cli/output.ts';
import { ProgressLine, StreamWriter, PipeClosedError, formatBytes, formatSeconds, interruptSignal, plural } from '../cli/streaming.ts';
import { FormatError, tokenize, unescapeText } from '../client/format-syntax.ts';
import { compileInputFormat, type RecordParser } from '../client/input-format.ts';
import { COMPRESSIONS, runProducer, type DeliveryReport, type ProduceStats } from '../client/producer-runner.ts';
import { jsonParser, lineParser, readRecords, type InputSource } from '../client/record-reader.ts';
import type { RecordHeader } from '../client/records.ts';

export interface ProduceSummary {
  topics: string[];
  records: number;
  bytes: number;
  elapsedMs: number;
}

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', ...(hint ? { hint } : {}) });
}

export default class Produce extends ClusterCommand<typeof Produce> {
  static override summary = 'Write records read from stdin (or files) to a topic.';

  static override description = `Reads records from stdin, one per line by default, and writes them to TOPIC. Reading is streamed with back-pressure: any input size works in bounded memory.

INPUT
  By default each line is a record value. -K splits each line into key and value at the first DELIM (a line without it has a null key). -D changes the record delimiter (e.g. -D '\\0'). -Z turns empty values into null (tombstones). -k sets the key of records that have none, -H adds headers to every record.

  --input json reads one JSON object per line, exactly what 'kstream consume --json' prints (see 'kstream consume --help'), so 'kstream consume A -e --json | kstream produce --input json B' copies records losslessly: keys, values (binary ones as base64), null keys and tombstones, headers and timestamps; partitions too with --keep-partition. Without TOPIC, each record goes to its "topic". Only "value" is required; "keyEncoding"/"valueEncoding" default to utf8 (base64 and hex also work); a non-string value is written as its JSON text; "headers" may be an object {"name":"value"}.

INPUT FORMAT (-f)
  A format describes one record, its end included; it reads back what
  'kstream consume -f' prints with the same format.
  %v value (also %s)
  %k key
  %t topic (used when there is no TOPIC argument)
  %p partition
  %o offset (read and ignored)
  %T timestamp: milliseconds since the epoch, or ISO-8601
  %K key length (-1: null); the %k after it reads that many bytes
  %S value length (-1: null); the %v after it reads that many bytes
  %R value length as a 4-byte big-endian integer (kcat's %R), for %v
  %H number of headers; the %h after it reads that many
  %h{TEMPLATE} headers, each read with TEMPLATE (%k, %v inside); the text
  after its last directive separates headers: %h{%k=%v,} (= plain %h)
  %% a percent sign; escapes: \\n \\r \\t \\0 \\\\ \\xHH
  Modifiers on %k and %v: {hex} and {base64} decode the text; {1} {2} {4}
  {8} read a big-endian length prefix of that many bytes (-1: null), then
  the raw bytes: -f '%k{4}%v{4}' reads binary records.
  A text field ends at the literal that follows it and cannot contain the
  record delimiter (the literal the format ends with). A format ending with
  a text field gets the -D delimiter (newline) appended: -f '%k\\t%v' reads
  'key<TAB>value' lines. The last record may lack its delimiter.

PARTITIONS
  -p sends every record to one partition; else a partition from the input (%p, or the JSON "partition" with --keep-partition); else keyed records go where the Java client would put them (murmur2 of the key) and unkeyed records are spread per request (sticky). A partition the topic does not have fails with UNKNOWN_TOPIC_OR_PARTITION (exit 3).

TOPICS
  A topic that does not exist is created if the cluster creates topics automatically (auto.create.topics.enable: on by default in Kafka and in kstream's broker); otherwise producing fails with UNKNOWN_TOPIC_OR_PARTITION (exit 3).

OUTPUT
  stdout stays empty unless --print-offsets: one 'partition/offset' line per record (JSON objects with --json). A summary 'produced N records to TOPIC in Xs' goes to stderr unless --quiet; with --json (and no --print-offsets) the summary is printed as JSON on stdout instead. A rate line is shown on stderr for long runs when stderr is a terminal, or always with --progress.

EXIT CODES
  0 all records acknowledged; 2 bad flags, format or input record; 3 the cluster rejected a record (the Kafka error is named, e.g. MESSAGE_TOO_LARGE); 4 the cluster cannot be reached or does not answer within --timeout; 130 interrupted (records read so far are still sent).`;

  static override examples = [
    'seq 1 100 | <%= config.bin %> <%= command.id %> numbers',
    "echo 'user-1:{\"name\":\"Ann\"}' | <%= config.bin %> <%= command.id %> users -K: -H source=cli",
    "printf 'k1\\tv1\\nk2\\tv2\\n' | <%= config.bin %> <%= command.id %> t -f '%k\\t%v'",
    '<%= config.bin %> consume src -e --json | <%= config.bin %> <%= command.id %> --input json dst --keep-partition',
    'echo k | <%= config.bin %> <%= command.id %> compacted -k user-1 -Z   # tombstone for key user-1',
    '<%= config.bin %> <%= command.id %> logs --file app.log --compression zstd --print-offsets',
  ];

  static override args = {
    topic: Args.string({ description: 'Topic to write to; without it each record names its topic (%t, or "topic" in JSON input)', required: false, ignoreStdin: true }),
  };

  static override flags = {
    format: Flags.string({ char: 'f', description: 'Input format (see INPUT FORMAT)', helpValue: '<format>', exclusive: ['key-delimiter'] }),
    input: Flags.option({ options: ['text', 'json'] as const, description: 'text: lines (or --format); json: JSON envelopes, one per line', default: 'text' as const })(),
    'key-delimiter': Flags.string({ char: 'K', description: 'Split each line into key and value at the first DELIM', helpValue: '<delim>' }),
    delimiter: Flags.string({ char: 'D', description: 'Record delimiter (escapes allowed: \\n, \\0, \\t, \\xHH)', default: '\\n', helpValue: '<delim>' }),
    key: Flags.string({ char: 'k', description: 'Key of records that have none', helpValue: '<key>' }),
    header: Flags.string({ char: 'H', description: 'Header added to every record (repeatable)', helpValue: '<key=value>', multiple: true, multipleNonGreedy: true }),
    tombstone: Flags.boolean({ char: 'Z', description: 'Send empty values as null (tombstones)' }),
    partition: Flags.integer({ char: 'p', description: 'Write every record to this partition', min: 0, helpValue: '<n>' }),
    'keep-partition': Flags.boolean({ description: 'With --input json: write each record to the partition it names' }),
    acks: Flags.option({ options: ['0', '1', 'all', '-1'] as const, description: 'Acknowledgements to wait for', default: 'all' as const })(),
    compression: Flags.option({ options: COMPRESSIONS, description: 'Compression of record batches', default: 'none' as const })(),
    idempotent: Flags.boolean({ description: 'Idempotent producer: no duplicates on retries [default: on with --acks all]', allowNo: true }),
    file: Flags.string({ description: 'Read this file instead of stdin (repeatable; - is stdin); a record cannot span files', helpValue: '<path>', multiple: true, multipleNonGreedy: true }),
    'print-offsets': Flags.boolean({ description: "Print each record's partition/offset on stdout once acknowledged" }),
    progress: Flags.boolean({ description: 'Show the rate line on stderr even when it is not a terminal' }),
    quiet: Flags.boolean({ char: 'q', description: 'No summary or progress on stderr' }),
    output: Flags.option({ options: ['text', 'json'] as const, description: 'Output format (json: same as --json)', default: 'text' as const, helpGroup: 'GLOBAL' })(),
  };

  async run(): Promise<ProduceSummary | undefined> {
    const f = this.flags;
    const json = this.jsonEnabled() || f.output === 'json';

    // ---- flags ---------------------------------------------------------------------------
    let delimiter: Buffer;
    let parser: RecordParser;
    try {
      delimiter = unescapeText(f.delimiter);
      if (delimiter.length === 0) throw usage('--delimiter cannot be empty');
      if (f.input === 'json') {
        if (f.format !== undefined) throw usage('--format cannot be used with --input json');
        if (f['key-delimiter'] !== undefined) throw usage('--key-delimiter cannot be used with --input json');
        parser = jsonParser(delimiter);
      } else if (f.format !== undefined) {
        parser = compileInputFormat(f.format, { delimiter });
      } else {
        const keyDelimiter = f['key-delimiter'] === undefined ? undefined : unescapeText(f['key-delimiter']);
        if (keyDelimiter !== undefined && keyDelimiter.length === 0) throw usage('--key-delimiter cannot be empty');
        parser = lineParser(delimiter, keyDelimiter);
      }
    } catch (err) {
      if (err instanceof FormatError) throw usage(`invalid format: ${err.message}`, "see 'kstream produce --help'");
      throw err;
    }
    const acks = f.acks === 'all' || f.acks === '-1' ? -1 : f.acks === '1' ? 1 : 0;
    if (f.idempotent === true && acks !== -1) throw usage('--idempotent needs --acks all');
    const idempotent = f.idempotent ?? acks === -1;
    if (f['keep-partition'] && f.input !== 'json') throw usage('--keep-partition applies to --input json');
    const headers: RecordHeader[] = (f.header ?? []).map((h) => {
      const eq = h.indexOf('=');
      if (eq <= 0) throw usage(`invalid --header ${JSON.stringify(h)}: expected key=value`);
      return { key: Buffer.from(h.slice(0, eq), 'utf8'), value: Buffer.from(h.slice(eq + 1), 'utf8') };
    });
    const topic = this.args.topic;
    if (topic === '') throw usage('the topic name is empty');
    const inputNamesTopics = f.input === 'json' || (f.format !== undefined && tokenize(f.format).some((t) => t.kind === 'directive' && t.name === 't'));
    if (topic === undefined && !inputNamesTopics) throw usage('missing TOPIC', 'give the topic to write to, or use --input json or a --format with %t');
    for (const file of f.file ?? []) {
      if (file === '-') continue;
      try {
        accessSync(file, constants.R_OK);
        if (statSync(file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      } catch (err) {
        throw usage(`cannot read --file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }

    const sources: InputSource[] = (f.file && f.file.length > 0 ? f.file : ['-']).map((file) =>
      file === '-' ? { name: 'stdin', chunks: process.stdin } : { name: file, chunks: createReadStream(file) },
    );
    const stderrTty = process.stderr.isTTY === true;
    if (!f.quiet && stderrTty && process.stdin.isTTY && sources.some((s) => s.chunks === process.stdin)) {
      await writeAndFlush(process.stderr, `reading records from the terminal${topic ? ` for ${topic}` : ''}; end with Ctrl+D\n`);
    }

    // ---- run -----------------------------------------------------------------------------
    const interrupt = interruptSignal();
    const stdout = new StreamWriter(process.stdout);
    const progressOn = !f.quiet && (f.progress || stderrTty);
    const progress = new ProgressLine(process.stderr);
    let latest: ProduceStats | null = null;
    let inputBytes = 0;
    const started = performance.now();
    const ticker = progressOn
      ? setInterval(() => {
          const elapsed = performance.now() - started;
          if (elapsed < 1000 || latest === null) return;
          const secs = elapsed / 1000;
          progress.update(`${latest.records} records, ${Math.round(latest.records / secs)} records/s, ${formatBytes(Math.round(latest.bytes / secs))}/s, ${formatBytes(inputBytes)} read`);
        }, 1000)
      : undefined;
    const printOffsets = f['print-offsets']
      ? async (reports: DeliveryReport[]): Promise<void> => {
          const text = reports
            .map((r) => (json ? JSON.stringify({ topic: r.topic, partition: r.partition, offset: Number(r.offset) }) : `${r.partition}/${r.offset}`))
            .join('\n') + '\n';
          try {
            await stdout.write(text);
          } catch (err) {
            if (err instanceof PipeClosedError) return;
            throw err;
          }
        }
      : undefined;

    let stats: ProduceStats;
    try {
      stats = await runProducer({
        servers: this.connection.servers,
        clientOptions: this.connection.clientOptions,
        timeoutMs: this.timeoutMs,
        ...(topic === undefined ? {} : { topic }),
        ...(f.partition === undefined ? {} : { partition: f.partition }),
        recordPartitions: f.input !== 'json' || f['keep-partition'],
        acks,
        idempotent,
        compression: f.compression,
        batches: readRecords(sources, parser, {
          defaults: { ...(f.key === undefined ? {} : { key: Buffer.from(f.key, 'utf8') }), headers, tombstone: f.tombstone },
          onBytes: (n) => {
            inputBytes = n;
          },
          signal: interrupt.signal,
        }),
        ...(printOffsets ? { onDelivered: printOffsets } : {}),
        onProgress: (s) => {
          latest = s;
        },
        signal: interrupt.signal,
      });
    } finally {
      clearInterval(ticker);
      progress.clear();
      interrupt.dispose();
      stdout.dispose();
    }

    const summary: ProduceSummary = { topics: stats.topics, records: stats.records, bytes: stats.bytes, elapsedMs: Math.round(stats.elapsedMs) };
    if (!f.quiet && !(json && !f['print-offsets'])) {
      const where = stats.topics.length === 1 ? stats.topics[0] : stats.topics.length === 0 ? (topic ?? 'no topic') : `${stats.topics.length} topics`;
      const rate = stats.elapsedMs >= 1000 ? `, ${Math.round((stats.records * 1000) / stats.elapsedMs)} records/s, ${formatBytes(Math.round((stats.bytes * 1000) / stats.elapsedMs))}/s` : '';
      await writeAndFlush(process.stderr, `produced ${plural(stats.records, 'record')} to ${where} in ${formatSeconds(stats.elapsedMs)} (${formatBytes(stats.bytes)}${rate})${interrupt.received ? ' (interrupted)' : ''}\n`);
    }
    if (interrupt.received) {
      process.stdin.destroy();
      this.exit(ExitCode.INTERRUPTED);
    }
    if (json && !f['print-offsets']) {
      if (!this.jsonEnabled()) await writeAndFlush(process.stdout, JSON.stringify(summary) + '\n');
      return this.jsonEnabled() ? summary : undefined;
    }
    return undefined;
  }
}
