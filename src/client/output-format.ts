/**
 * `consume --format`: how each record is printed (kcat's -f, with modifiers).
 *
 *   %t  topic                 %p  partition             %o  offset
 *   %k  key                   %v  value (also %s)       %T  timestamp (ms since the epoch)
 *   %K  key length in bytes, -1 for a null key         %S  value length, -1 for null
 *   %R  value length as a 4-byte big-endian binary integer (-1 for null), as kcat prints it
 *   %h  headers as k=v pairs separated by commas; %h{TEMPLATE} prints TEMPLATE per header, where
 *       %k and %v are the header's key and value; the text after TEMPLATE's last directive separates
 *       headers (it is not printed after the last one): %h{%k: %v\n} or %h{%k=%v;}
 *   %H  number of headers     %%  a percent sign
 *
 * Modifiers on %k and %v (also inside %h{...}): {hex} and {base64} print the bytes encoded,
 * {1} {2} {4} {8} print a big-endian signed length prefix of that many bytes (-1 for null)
 * followed by the raw bytes — binary-safe framing that `produce --format` reads back. %T{iso}
 * prints an ISO-8601 UTC time. Escapes: \n \r \t \0 \\ \xHH. A null key or value prints as
 * nothing (tell null from empty with %K / %S or a size prefix). Bytes are printed as they are
 * (no character set conversion).
 */
import { FormatError, parseFieldModifier, tokenize, writeSizePrefix, type FieldModifier, type FormatToken } from './format-syntax.ts';
import type { ConsumedRecord, RecordHeader } from './records.ts';

export const DEFAULT_OUTPUT_FORMAT = '%v\\n';

type Piece<T> = (r: T, out: Buffer[]) => void;

function encodeField(b: Buffer | null, mod: FieldModifier, out: Buffer[]): void {
  if (mod.sizePrefix !== undefined) {
    out.push(writeSizePrefix(mod.sizePrefix, b === null ? -1 : b.length));
    if (b !== null && b.length > 0) out.push(b);
    return;
  }
  if (b === null || b.length === 0) return;
  if (mod.encoding === 'hex') out.push(Buffer.from(b.toString('hex'), 'latin1'));
  else if (mod.encoding === 'base64') out.push(Buffer.from(b.toString('base64'), 'latin1'));
  else out.push(b);
}

function ascii(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function noModifier(t: Extract<FormatToken, { kind: 'directive' }>): void {
  if (t.modifier !== undefined) throw new FormatError(`%${t.name} takes no modifier`, t.pos);
}

function compileHeaderTemplate(template: string, offset: number): { item: Piece<RecordHeader>; separator: Buffer | null } {
  const tokens = tokenize(template, { offset });
  let separator: Buffer | null = null;
  const last = tokens[tokens.length - 1];
  if (last && last.kind === 'literal' && tokens.length > 1) {
    separator = last.bytes;
    tokens.pop();
  }
  const pieces: Piece<RecordHeader>[] = tokens.map((t) => {
    if (t.kind === 'literal') {
      const bytes = t.bytes;
      return (_h, out) => { out.push(bytes); };
    }
    switch (t.name) {
      case 'k': {
        const mod = parseFieldModifier(t);
        return (h, out) => encodeField(h.key, mod, out);
      }
      case 'v':
      case 's': {
        const mod = parseFieldModifier(t);
        return (h, out) => encodeField(h.value, mod, out);
      }
      case 'K':
        noModifier(t);
        return (h, out) => { out.push(ascii(String(h.key.length))); };
      case 'S':
        noModifier(t);
        return (h, out) => { out.push(ascii(String(h.value === null ? -1 : h.value.length))); };
      default:
        throw new FormatError(`%${t.name} cannot be used in a header template (use %k, %v, %K, %S)`, t.pos);
    }
  });
  return { item: (h, out) => { for (const p of pieces) p(h, out); }, separator };
}

function compileDirective(t: Extract<FormatToken, { kind: 'directive' }>): Piece<ConsumedRecord> {
  switch (t.name) {
    case 't':
      noModifier(t);
      return (r, out) => { out.push(Buffer.from(r.topic, 'utf8')); };
    case 'p':
      noModifier(t);
      return (r, out) => { out.push(ascii(String(r.partition))); };
    case 'o':
      noModifier(t);
      return (r, out) => { out.push(ascii(r.offset.toString())); };
    case 'k': {
      const mod = parseFieldModifier(t);
      return (r, out) => encodeField(r.key, mod, out);
    }
    case 'v':
    case 's': {
      const mod = parseFieldModifier(t);
      return (r, out) => encodeField(r.value, mod, out);
    }
    case 'K':
      noModifier(t);
      return (r, out) => { out.push(ascii(String(r.key === null ? -1 : r.key.length))); };
    case 'S':
      noModifier(t);
      return (r, out) => { out.push(ascii(String(r.value === null ? -1 : r.value.length))); };
    case 'R':
      noModifier(t);
      return (r, out) => { out.push(writeSizePrefix(4, r.value === null ? -1 : r.value.length)); };
    case 'T': {
      const m = t.modifier;
      if (m === undefined || m === '' || m === 'ms') return (r, out) => { out.push(ascii(r.timestamp.toString())); };
      if (m === 'iso') return (r, out) => { out.push(ascii(r.timestamp < 0n ? '' : new Date(Number(r.timestamp)).toISOString())); };
      throw new FormatError(`unknown modifier %T{${m}} (use iso or ms)`, t.pos);
    }
    case 'H':
      noModifier(t);
      return (r, out) => { out.push(ascii(String(r.headers.length))); };
    case 'h': {
      const { item, separator } = compileHeaderTemplate(t.modifier ?? '%k=%v,', t.pos + 3);
      return (r, out) => {
        const hs = r.headers;
        for (let i = 0; i < hs.length; i++) {
          if (i > 0 && separator) out.push(separator);
          item(hs[i], out);
        }
      };
    }
    default:
      throw new FormatError(`unknown directive %${t.name} (see kstream consume --help)`, t.pos);
  }
}

/** A compiled output format: renders records to bytes. */
export interface OutputFormat {
  /** Appends the bytes of `record` to `out`. */
  render(record: ConsumedRecord, out: Buffer[]): void;
}

/** Compiles a format string; throws FormatError when it is not valid. */
export function compileOutputFormat(format: string): OutputFormat {
  const tokens = tokenize(format);
  if (tokens.length === 0) throw new FormatError('the format is empty');
  const pieces: Piece<ConsumedRecord>[] = tokens.map((t) => {
    if (t.kind === 'literal') {
      const bytes = t.bytes;
      return (_r, out) => { out.push(bytes); };
    }
    return compileDirective(t);
  });
  if (pieces.length === 1) return { render: pieces[0] };
  return {
    render(record, out) {
      for (const p of pieces) p(record, out);
    },
  };
}

/** Renders one record to a Buffer (convenience for tests and small outputs). */
export function renderRecord(format: OutputFormat, record: ConsumedRecord): Buffer {
  const out: Buffer[] = [];
  format.render(record, out);
  return Buffer.concat(out);
}
