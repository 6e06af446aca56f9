/**
 * `produce --format`: how records are read from the input. The format describes one record,
 * including its end; records follow each other in the input. It reads back what the same
 * `consume --format` prints, as long as every field can be told apart.
 *
 *   %v  value (also %s)       %k  key                  %t  topic
 *   %p  partition             %o  offset (read and ignored)
 *   %T  timestamp: milliseconds since the epoch, or ISO-8601 when followed by literal text
 *   %K  key length in bytes (-1: null key): the %k after it reads exactly that many bytes
 *   %S  value length in bytes (-1: null value): the %v after it reads exactly that many bytes
 *   %R  value length as a 4-byte big-endian binary integer (-1: null): likewise for %v
 *   %H  number of headers: the %h after it reads exactly that many
 *   %h{TEMPLATE}  headers, each read with TEMPLATE (its %k and %v are the header's key and
 *       value); the text after TEMPLATE's last directive separates headers (optional after the last):
 *       `%k %h{%k=%v,} %v\n` reads `key a=1,b=2 value`. `%h` alone means `%h{%k=%v,}`.
 *   %%  a percent sign; escapes \n \r \t \0 \\ \xHH
 *
 * A text field (%k %v %t %T with no length) ends at the literal text that follows it in the
 * format and cannot contain the record delimiter (the literal the format ends with). When the
 * format ends with a text field, the delimiter (`-D`, default newline) is appended, so
 * `-f '%k\t%v'` is `%k\t%v\n`; a format that ends with a sized field has no delimiter. The
 * last record may omit its delimiter at the end of the input.
 *
 * Modifiers on %k and %v: {hex} and {base64} decode a text field; {1} {2} {4} {8} read a
 * big-endian signed length prefix of that many bytes (-1: null) and then the raw bytes, so
 * `-f '%k{4}%v{4}'` reads binary records framed by `consume -f '%k{4}%v{4}'`.
 */
import { FormatError, parseFieldModifier, readSizePrefix, tokenize, type FieldEncoding, type FormatToken, type SizePrefix } from './format-syntax.ts';
import type { RecordHeader, RecordToProduce } from './records.ts';

/** A record in the input that does not match the format; reported as a usage error. */
export class InputParseError extends Error {
  readonly code = 'BAD_INPUT';
}

/** Thrown inside the parser when the buffer ends before the record does (and more may come). */
const NEED_MORE = Symbol('need more input');

interface Cursor {
  buf: Buffer;
  pos: number;
  eof: boolean;
  /** The record delimiter (the format's final literal), or null. */
  recordEnd: Buffer | null;
}

interface RecordState {
  topic?: string;
  partition?: number;
  timestamp?: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  keyLen?: number;
  valueLen?: number;
  headerCount?: number;
  header?: { key: Buffer; value: Buffer | null; keyLen?: number; valueLen?: number };
}

type Step = (c: Cursor, s: RecordState) => void;

function describe(bytes: Buffer): string {
  return JSON.stringify(bytes.toString('latin1'));
}

/**
 * Finds where a text field ends: at `term`, or at `alt` when that comes first. The field may not
 * contain the record delimiter (unless it is what ends the field). At the end of the input a
 * missing record delimiter is accepted.
 */
function findTerminator(c: Cursor, term: Buffer, alt: Buffer | null, termIsRecordEnd: boolean): { at: number; which: 'term' | 'alt' } {
  const termAt = c.buf.indexOf(term, c.pos);
  const altAt = alt ? c.buf.indexOf(alt, c.pos) : -1;
  let best: { at: number; which: 'term' | 'alt' } | null = termAt >= 0 ? { at: termAt, which: 'term' } : null;
  if (altAt >= 0 && (best === null || altAt < best.at)) best = { at: altAt, which: 'alt' };
  const altIsRecordEnd = alt !== null && c.recordEnd !== null && alt.equals(c.recordEnd);
  if (c.recordEnd && !termIsRecordEnd && !altIsRecordEnd && !term.equals(c.recordEnd)) {
    const endAt = c.buf.indexOf(c.recordEnd, c.pos);
    if (endAt >= 0 && (best === null || endAt < best.at)) throw new InputParseError(`expected ${describe(term)} before the end of the record`);
  }
  if (best) return best;
  if (!c.eof) throw NEED_MORE;
  if (termIsRecordEnd) return { at: c.buf.length, which: 'term' };
  if (altIsRecordEnd) return { at: c.buf.length, which: 'alt' };
  throw new InputParseError(`expected ${describe(term)} but the input ended`);
}

function need(c: Cursor, n: number): void {
  if (c.buf.length - c.pos >= n) return;
  if (!c.eof) throw NEED_MORE;
  throw new InputParseError(`the input ended inside a record (${n} more bytes expected)`);
}

function decode(text: Buffer, encoding: FieldEncoding, what: string): Buffer {
  if (encoding === 'text') return text;
  const s = text.toString('latin1');
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(s)) throw new InputParseError(`${what} is not hex: ${JSON.stringify(s.slice(0, 40))}`);
    return Buffer.from(s, 'hex');
  }
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) throw new InputParseError(`${what} is not base64: ${JSON.stringify(s.slice(0, 40))}`);
  return Buffer.from(s, 'base64');
}

function parseInteger(text: string, what: string): number {
  if (!/^-?\d+$/.test(text)) throw new InputParseError(`${what} is not a number: ${JSON.stringify(text.slice(0, 40))}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new InputParseError(`${what} is out of range: ${text}`);
  return n;
}

function parseTimestampText(text: string): bigint {
  if (/^-?\d+$/.test(text)) return BigInt(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InputParseError(`timestamp is neither milliseconds nor an ISO-8601 time: ${JSON.stringify(text.slice(0, 40))}`);
  return BigInt(ms);
}

/** Reads digits greedily: `-?[0-9]+`. */
function readDigits(c: Cursor, what: string): string {
  let i = c.pos;
  if (c.buf[i] === 0x2d) i++;
  while (i < c.buf.length && c.buf[i] >= 0x30 && c.buf[i] <= 0x39) i++;
  if (i === c.buf.length && !c.eof) throw NEED_MORE;
  const text = c.buf.toString('latin1', c.pos, i);
  if (!/^-?\d+$/.test(text)) throw new InputParseError(`expected the ${what} (a number) at ${JSON.stringify(c.buf.toString('latin1', c.pos, c.pos + 20))}`);
  c.pos = i;
  return text;
}

type Target = 'key' | 'value';
type Dir = Extract<FormatToken, { kind: 'directive' }>;

interface CompileContext {
  /** Lengths announced earlier in the (sub)format: %K, %S, %R. */
  keyLenSeen: boolean;
  valueLenSeen: boolean;
  headerCountSeen: boolean;
  inHeader: boolean;
}

function setField(s: RecordState, inHeader: boolean, target: Target, b: Buffer | null): void {
  if (inHeader) {
    if (target === 'key') s.header!.key = b ?? Buffer.alloc(0);
    else s.header!.value = b;
  } else if (target === 'key') s.key = b;
  else s.value = b;
}

function announcedLength(s: RecordState, inHeader: boolean, target: Target): number | undefined {
  if (inHeader) return target === 'key' ? s.header!.keyLen : s.header!.valueLen;
  return target === 'key' ? s.keyLen : s.valueLen;
}

/**
 * Compiles tokens into steps. `next` is the literal that follows each token (its terminator);
 * `cont` is the literal after the enclosing header section (for the last field of a header
 * template), `recordEndIndex` the index of the record's final literal in the top-level tokens.
 */
function compileTokens(tokens: FormatToken[], ctx: CompileContext, outerCont: Buffer | null, separator: Buffer | null, finalIsRecordEnd: boolean): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const following = tokens[i + 1];
    const isLast = i === tokens.length - 1;
    if (t.kind === 'literal') {
      const bytes = t.bytes;
      const isRecordEnd = finalIsRecordEnd && isLast;
      steps.push((c) => {
        if (c.buf.length - c.pos < bytes.length) {
          if (!c.eof) {
            // Not enough bytes to compare: unless what is there already differs, wait.
            if (c.buf.subarray(c.pos).equals(bytes.subarray(0, c.buf.length - c.pos))) throw NEED_MORE;
          } else if (isRecordEnd && c.pos === c.buf.length) {
            return;
          }
          throw new InputParseError(`expected ${describe(bytes)} at ${describe(c.buf.subarray(c.pos, c.pos + 20))}`);
        }
        if (c.buf.compare(bytes, 0, bytes.length, c.pos, c.pos + bytes.length) !== 0) {
          throw new InputParseError(`expected ${describe(bytes)} at ${describe(c.buf.subarray(c.pos, c.pos + 20))}`);
        }
        c.pos += bytes.length;
      });
      continue;
    }
    const term = following && following.kind === 'literal' ? following.bytes : null;
    const termIsRecordEnd = finalIsRecordEnd && i + 1 === tokens.length - 1;
    // The last text field of a header template ends at the separator or after the header section.
    const lastOfTemplate = ctx.inHeader && isLast;
    const textStep = (what: string, onText: (text: Buffer, s: RecordState) => void): Step => {
      if (ctx.inHeader && lastOfTemplate) {
        const stop = separator ?? outerCont;
        const alt = separator ? outerCont : null;
        if (!stop) throw new FormatError(`the header template needs a separator at its end, e.g. %h{%k=%v,}`, t.pos);
        return (c, s) => {
          const found = findTerminator(c, stop, alt, false);
          onText(c.buf.subarray(c.pos, found.at), s);
          c.pos = found.at;
        };
      }
      if (!term) throw new FormatError(`${what} must be followed by literal text that ends it (or read it by length: %k{4}, %K…%k, %S…%v, %R%v)`, t.pos);
      return (c, s) => {
        const found = findTerminator(c, term, null, termIsRecordEnd);
        onText(c.buf.subarray(c.pos, found.at), s);
        c.pos = found.at;
      };
    };
    switch (t.name) {
      case 'k':
      case 'v':
      case 's': {
        const target: Target = t.name === 'k' ? 'key' : 'value';
        const mod = parseFieldModifier(t);
        const inHeader = ctx.inHeader;
        const lengthKnown = target === 'key' ? ctx.keyLenSeen : ctx.valueLenSeen;
        if (mod.sizePrefix !== undefined) {
          const size: SizePrefix = mod.sizePrefix;
          steps.push((c, s) => {
            need(c, size);
            let len: number;
            try {
              len = readSizePrefix(size, c.buf, c.pos);
            } catch {
              throw new InputParseError(`bad ${target} length prefix`);
            }
            if (len < -1) throw new InputParseError(`bad ${target} length ${len}`);
            need(c, size + Math.max(len, 0));
            c.pos += size;
            setField(s, inHeader, target, len < 0 ? null : c.buf.subarray(c.pos, c.pos + len));
            c.pos += Math.max(len, 0);
          });
        } else if (lengthKnown) {
          if (mod.encoding !== 'text') throw new FormatError(`%${t.name}{${t.modifier}} cannot be read by a length (%K/%S/%R)`, t.pos);
          steps.push((c, s) => {
            const len = announcedLength(s, inHeader, target);
            if (len === undefined) throw new InputParseError(`no ${target} length was read`);
            need(c, Math.max(len, 0));
            setField(s, inHeader, target, len < 0 ? null : c.buf.subarray(c.pos, c.pos + len));
            c.pos += Math.max(len, 0);
          });
        } else {
          const what = `%${t.name}`;
          steps.push(textStep(what, (text, s) => setField(s, inHeader, target, decode(text, mod.encoding, inHeader ? `header ${target}` : target))));
        }
        break;
      }
      case 'K':
      case 'S': {
        if (t.modifier !== undefined) throw new FormatError(`%${t.name} takes no modifier`, t.pos);
        const target: Target = t.name === 'K' ? 'key' : 'value';
        if (target === 'key') ctx.keyLenSeen = true;
        else ctx.valueLenSeen = true;
        const inHeader = ctx.inHeader;
        steps.push((c, s) => {
          const n = parseInteger(readDigits(c, `${target} length`), `${target} length`);
          if (n < -1) throw new InputParseError(`bad ${target} length ${n}`);
          if (inHeader) {
            if (target === 'key') s.header!.keyLen = n;
            else s.header!.valueLen = n;
          } else if (target === 'key') s.keyLen = n;
          else s.valueLen = n;
        });
        break;
      }
      case 'R': {
        if (ctx.inHeader) throw new FormatError('%R cannot be used in a header template', t.pos);
        if (t.modifier !== undefined) throw new FormatError('%R takes no modifier', t.pos);
        ctx.valueLenSeen = true;
        steps.push((c, s) => {
          need(c, 4);
          s.valueLen = c.buf.readInt32BE(c.pos);
          if (s.valueLen < -1) throw new InputParseError(`bad value length ${s.valueLen}`);
          c.pos += 4;
        });
        break;
      }
      case 't':
        if (ctx.inHeader) throw new FormatError('%t cannot be used in a header template', t.pos);
        if (t.modifier !== undefined) throw new FormatError('%t takes no modifier', t.pos);
        steps.push(textStep('%t', (text, s) => {
          if (text.length === 0) return;
          s.topic = text.toString('utf8');
        }));
        break;
      case 'p':
      case 'o':
      case 'H': {
        if (ctx.inHeader) throw new FormatError(`%${t.name} cannot be used in a header template`, t.pos);
        if (t.modifier !== undefined) throw new FormatError(`%${t.name} takes no modifier`, t.pos);
        const name = t.name;
        if (name === 'H') ctx.headerCountSeen = true;
        steps.push((c, s) => {
          const what = name === 'p' ? 'partition' : name === 'o' ? 'offset' : 'header count';
          const n = parseInteger(readDigits(c, what), what);
          if (name === 'p') {
            if (n < -1) throw new InputParseError(`bad partition ${n}`);
            if (n >= 0) s.partition = n;
          } else if (name === 'H') {
            if (n < 0) throw new InputParseError(`bad header count ${n}`);
            s.headerCount = n;
          }
        });
        break;
      }
      case 'T': {
        if (ctx.inHeader) throw new FormatError('%T cannot be used in a header template', t.pos);
        if (t.modifier !== undefined && t.modifier !== 'iso' && t.modifier !== 'ms') throw new FormatError(`unknown modifier %T{${t.modifier}} (use iso or ms)`, t.pos);
        if (term) {
          steps.push(textStep('%T', (text, s) => {
            const str = text.toString('latin1');
            if (str === '' || str === '-1') return;
            s.timestamp = parseTimestampText(str);
          }));
        } else {
          steps.push((c, s) => {
            const text = readDigits(c, 'timestamp');
            if (text !== '-1') s.timestamp = BigInt(text);
          });
        }
        break;
      }
      case 'h': {
        if (ctx.inHeader) throw new FormatError('%h cannot be nested', t.pos);
        steps.push(compileHeaders(t, term, ctx.headerCountSeen));
        break;
      }
      default:
        throw new FormatError(`unknown directive %${t.name} (see kstream produce --help)`, t.pos);
    }
  }
  return steps;
}

function compileHeaders(t: Dir, cont: Buffer | null, counted: boolean): Step {
  const template = t.modifier ?? '%k=%v,';
  const tokens = tokenize(template, { offset: t.pos + 3 });
  if (tokens.length === 0) throw new FormatError('the header template is empty', t.pos);
  let separator: Buffer | null = null;
  const last = tokens[tokens.length - 1];
  if (last.kind === 'literal' && tokens.length > 1) {
    separator = last.bytes;
    tokens.pop();
  }
  if (!cont && !counted) throw new FormatError('%h must be followed by literal text that ends the headers, or preceded by %H (the header count)', t.pos);
  const ctx: CompileContext = { keyLenSeen: false, valueLenSeen: false, headerCountSeen: false, inHeader: true };
  const steps = compileTokens(tokens, ctx, cont, separator, false);
  const startsWith = (c: Cursor, bytes: Buffer): boolean => {
    const avail = c.buf.length - c.pos;
    if (avail < bytes.length) {
      if (!c.eof && c.buf.subarray(c.pos).equals(bytes.subarray(0, avail))) throw NEED_MORE;
      return false;
    }
    return c.buf.compare(bytes, 0, bytes.length, c.pos, c.pos + bytes.length) === 0;
  };
  return (c, s) => {
    const count = counted ? s.headerCount ?? 0 : Infinity;
    for (let n = 0; n < count; n++) {
      if (!counted) {
        if (cont && startsWith(c, cont)) return;
        if (c.pos >= c.buf.length) {
          if (!c.eof) throw NEED_MORE;
          return;
        }
      }
      s.header = { key: Buffer.alloc(0), value: null };
      for (const step of steps) step(c, s);
      s.headers.push({ key: s.header.key, value: s.header.value });
      s.header = undefined;
      if (separator && startsWith(c, separator)) c.pos += separator.length;
    }
  };
}

/** Parses records out of a byte stream. */
export interface RecordParser {
  /**
   * Parses the record that starts at `pos`. Returns null when the buffer ends before the record
   * does and `eof` is false. Throws InputParseError when the input does not match.
   */
  next(buf: Buffer, pos: number, eof: boolean): { record: RecordToProduce; end: number } | null;
}

export interface InputFormatOptions {
  /** Appended when the format ends with a text field (default newline). */
  delimiter?: Buffer;
}

/** Whether the directive at `index` is a text field that needs a terminator (no size, no announced length). */
function isDelimitedField(tokens: FormatToken[], index: number): boolean {
  const t = tokens[index];
  if (t.kind !== 'directive') return false;
  if (t.name === 'h') return true;
  if (t.name === 't' || t.name === 'T') return true;
  if (t.name !== 'k' && t.name !== 'v' && t.name !== 's') return false;
  if (t.modifier !== undefined && /^[1248]$/.test(t.modifier)) return false;
  const announcers = t.name === 'k' ? ['K'] : ['S', 'R'];
  return !tokens.slice(0, index).some((p) => p.kind === 'directive' && announcers.includes(p.name));
}

/** Compiles an input format; throws FormatError when it is not valid. */
export function compileInputFormat(format: string, options: InputFormatOptions = {}): RecordParser {
  const tokens = tokenize(format);
  if (tokens.length === 0) throw new FormatError('the format is empty');
  const delimiter = options.delimiter ?? Buffer.from('\n');
  const last = tokens[tokens.length - 1];
  const endsWithTextField = last.kind === 'directive' && isDelimitedField(tokens, tokens.length - 1);
  if (endsWithTextField && delimiter.length > 0) tokens.push({ kind: 'literal', bytes: delimiter });
  const finalLiteral = tokens[tokens.length - 1].kind === 'literal' ? (tokens[tokens.length - 1] as { bytes: Buffer }).bytes : null;
  if (!tokens.some((t) => t.kind === 'directive')) throw new FormatError('the format has no directives (%v, %k, ...)');
  const ctx: CompileContext = { keyLenSeen: false, valueLenSeen: false, headerCountSeen: false, inHeader: false };
  const steps = compileTokens(tokens, ctx, null, null, finalLiteral !== null);
  // A format whose only content is fixed text and sized fields could match nothing and loop.
  return {
    next(buf, pos, eof) {
      const c: Cursor = { buf, pos, eof, recordEnd: finalLiteral };
      const s: RecordState = { key: null, value: null, headers: [] };
      try {
        for (const step of steps) step(c, s);
      } catch (err) {
        if (err === NEED_MORE) return null;
        throw err;
      }
      if (c.pos === pos) throw new InputParseError('the format matched no input');
      const record: RecordToProduce = { key: s.key, value: s.value, headers: s.headers };
      if (s.topic !== undefined) record.topic = s.topic;
      if (s.partition !== undefined) record.partition = s.partition;
      if (s.timestamp !== undefined) record.timestamp = s.timestamp;
      return { record, end: c.pos };
    },
  };
}
