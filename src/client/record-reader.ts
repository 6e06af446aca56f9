/**
 * Turns `produce` input (stdin or files) into records, as a stream: input is read chunk by
 * chunk and records are handed out in small arrays, so memory stays bounded whatever the input
 * size. Three parsers: lines (the default, with an optional key delimiter), JSON envelopes
 * (`--input json`) and input formats (`--format`, see input-format.ts).
 */
import { InputParseError, type RecordParser } from './input-format.ts';
import { parseRecordJson, RecordJsonError } from './record-json.ts';
import type { RecordHeader, RecordToProduce } from './records.ts';

/** A bad record in the input, with where it is; the CLI reports it as a usage error (exit 2). */
export class BadInputError extends Error {
  readonly code = 'BAD_INPUT';
  readonly exitCode = 2;
}

/**
 * Records separated by `delimiter`. With `keyDelimiter`, the text before its first occurrence is
 * the key and the rest the value; a record without it has a null key.
 */
export function lineParser(delimiter: Buffer, keyDelimiter?: Buffer): RecordParser {
  if (delimiter.length === 0) throw new RangeError('empty delimiter');
  return {
    next(buf, pos, eof) {
      let end = buf.indexOf(delimiter, pos);
      let next: number;
      if (end < 0) {
        if (!eof) return null;
        end = buf.length;
        next = end;
      } else {
        next = end + delimiter.length;
      }
      // A view, not a copy: records keep their input chunk alive only until they are sent.
      const line = buf.subarray(pos, end);
      if (keyDelimiter && keyDelimiter.length > 0) {
        const k = line.indexOf(keyDelimiter);
        if (k >= 0) return { record: { key: line.subarray(0, k), value: line.subarray(k + keyDelimiter.length), headers: [] }, end: next };
      }
      return { record: { key: null, value: line, headers: [] }, end: next };
    },
  };
}

/** One JSON envelope (record-json.ts) per line; blank lines are skipped. */
export function jsonParser(delimiter: Buffer = Buffer.from('\n')): RecordParser {
  const lines = lineParser(delimiter);
  return {
    next(buf, pos, eof) {
      let p = pos;
      for (;;) {
        const r = lines.next(buf, p, eof);
        if (!r) return null;
        const text = r.record.value!.toString('utf8');
        if (text.trim() === '') {
          // Blank lines are skipped; at the end of the buffer, wait for more (or stop at the end).
          if (r.end >= buf.length) return null;
          p = r.end;
          continue;
        }
        try {
          return { record: parseRecordJson(text), end: r.end };
        } catch (err) {
          if (err instanceof RecordJsonError) throw new InputParseError(err.message);
          throw err;
        }
      }
    },
  };
}

/** What is added to every record after parsing (flags of `produce`). */
export interface RecordDefaults {
  /** `-k`: the key of records that have none. */
  key?: Buffer;
  /** `-H`: headers added to every record. */
  headers?: RecordHeader[];
  /** `-Z`: an empty value becomes null (a tombstone). */
  tombstone?: boolean;
}

function applyDefaults(r: RecordToProduce, d: RecordDefaults): RecordToProduce {
  if (d.key && r.key === null) r.key = d.key;
  if (d.tombstone && r.value !== null && r.value.length === 0) r.value = null;
  if (d.headers && d.headers.length > 0) r.headers = [...r.headers, ...d.headers];
  return r;
}

export interface InputSource {
  /** For error messages: `stdin` or the file name. */
  name: string;
  chunks: AsyncIterable<Buffer | string>;
}

export interface ReadOptions {
  /** Hand out records in arrays of at most this many (default 1000). */
  maxBatch?: number;
  defaults?: RecordDefaults;
  /** Called with the number of input bytes read so far. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

/** Below this size a partial record is parsed again on every chunk; above, when the buffer doubled. */
const RETRY_ALWAYS_BELOW = 64 * 1024;

/**
 * Reads records from `sources` one after the other (a record cannot span two sources). Yields
 * arrays of records as soon as a chunk has been parsed; reading pauses while the consumer of the
 * generator is busy (back-pressure).
 */
export async function* readRecords(sources: readonly InputSource[], parser: RecordParser, options: ReadOptions = {}): AsyncGenerator<RecordToProduce[]> {
  const maxBatch = options.maxBatch ?? 1000;
  const defaults = options.defaults ?? {};
  let bytes = 0;
  for (const source of sources) {
    let buf: Buffer = Buffer.alloc(0);
    let pos = 0;
    let recordNo = 0;
    let retryAt = 0;
    let batch: RecordToProduce[] = [];
    const parseSome = function* (eof: boolean): Generator<RecordToProduce[]> {
      while (pos < buf.length) {
        let r: ReturnType<RecordParser['next']>;
        try {
          r = parser.next(buf, pos, eof);
        } catch (err) {
          if (err instanceof InputParseError) throw new BadInputError(`${source.name}: record ${recordNo + 1}: ${err.message}`);
          throw err;
        }
        if (!r) {
          const remaining = buf.length - pos;
          retryAt = remaining < RETRY_ALWAYS_BELOW ? 0 : remaining * 2;
          break;
        }
        recordNo++;
        pos = r.end;
        batch.push(applyDefaults(r.record, defaults));
        if (batch.length >= maxBatch) {
          yield batch;
          batch = [];
        }
      }
    };
    for await (const raw of source.chunks) {
      if (options.signal?.aborted) return;
      const chunk = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
      bytes += chunk.length;
      options.onBytes?.(bytes);
      buf = pos < buf.length ? Buffer.concat([buf.subarray(pos), chunk]) : chunk;
      pos = 0;
      if (buf.length < retryAt) continue;
      retryAt = 0;
      yield* parseSome(false);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    if (options.signal?.aborted) return;
    yield* parseSome(true);
    if (batch.length > 0) yield batch;
  }
}
