/**
 * The syntax shared by `produce --format` (input formats) and `consume --format` (output
 * formats). A format is literal text with directives:
 *
 * - `%x` a directive (one letter), optionally followed by `{modifier}`: `%k{hex}`, `%v{4}`,
 *   `%T{iso}`. `%h{...}` holds a nested template (`%h{%k=%v,}`), so its braces may nest.
 * - `%%` a literal percent sign.
 * - escapes in literal text: `\n` `\r` `\t` `\0` `\\` `\xHH` (one byte).
 *
 * Which directives and modifiers exist is up to the input or output compiler; this module only
 * splits the text into tokens and reports syntax errors with their position.
 */
import { KstreamError } from '../util/errors.ts';

export type FormatToken =
  | { kind: 'literal'; bytes: Buffer }
  | { kind: 'directive'; name: string; modifier: string | undefined; pos: number };

/** A format string that cannot be used; the CLI reports it as a usage error (exit 2). */
export class FormatError extends KstreamError {
  declare readonly position?: number;
  constructor(message: string, position?: number) {
    super('BAD_FORMAT', position === undefined ? message : `${message} (at character ${position + 1})`, { context: position === undefined ? {} : { position } });
  }
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '0': 0x00, '\\': 0x5c };

/** Decodes the escapes of a plain string (a delimiter flag such as `-D '\0'`). */
export function unescapeText(text: string): Buffer {
  const tokens = tokenize(text, { directives: false });
  return Buffer.concat(tokens.map((t) => (t.kind === 'literal' ? t.bytes : Buffer.alloc(0))));
}

/** Splits a format into literal and directive tokens; adjacent literals are merged. */
export function tokenize(format: string, options: { directives?: boolean; offset?: number } = {}): FormatToken[] {
  const directives = options.directives ?? true;
  const base = options.offset ?? 0;
  const tokens: FormatToken[] = [];
  let text: number[] = [];
  const flush = (): void => {
    if (text.length === 0) return;
    const bytes = Buffer.from(text);
    const last = tokens[tokens.length - 1];
    if (last && last.kind === 'literal') last.bytes = Buffer.concat([last.bytes, bytes]);
    else tokens.push({ kind: 'literal', bytes });
    text = [];
  };
  const pushChar = (ch: string): void => {
    for (const b of Buffer.from(ch, 'utf8')) text.push(b);
  };
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch === '\\') {
      const next = format[i + 1];
      if (next === undefined) throw new FormatError('the format ends with a lone backslash', base + i);
      if (next in SIMPLE_ESCAPES) {
        text.push(SIMPLE_ESCAPES[next]);
        i += 2;
        continue;
      }
      if (next === 'x') {
        const hex = format.slice(i + 2, i + 4);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new FormatError('\\x needs two hex digits', base + i);
        text.push(parseInt(hex, 16));
        i += 4;
        continue;
      }
      throw new FormatError(`unknown escape \\${next} (use \\n \\r \\t \\0 \\\\ or \\xHH)`, base + i);
    }
    if (ch === '%' && directives) {
      const name = format[i + 1];
      if (name === undefined) throw new FormatError('the format ends with a lone %', base + i);
      if (name === '%') {
        text.push(0x25);
        i += 2;
        continue;
      }
      if (!/^[A-Za-z]$/.test(name)) throw new FormatError(`%${name} is not a directive (write %% for a percent sign)`, base + i);
      let modifier: string | undefined;
      let end = i + 2;
      if (format[end] === '{') {
        let depth = 1;
        let j = end + 1;
        for (; j < format.length && depth > 0; j++) {
          if (format[j] === '\\') {
            j++;
            continue;
          }
          if (format[j] === '%' && format[j + 1] === '%') {
            j++;
            continue;
          }
          if (format[j] === '{') depth++;
          else if (format[j] === '}') depth--;
        }
        if (depth !== 0) throw new FormatError(`unclosed { after %${name}`, base + end);
        modifier = format.slice(end + 1, j - 1);
        end = j;
      }
      flush();
      tokens.push({ kind: 'directive', name, modifier, pos: base + i });
      i = end;
      continue;
    }
    const cp = format.codePointAt(i)!;
    const s = String.fromCodePoint(cp);
    pushChar(s);
    i += s.length;
  }
  flush();
  return tokens;
}

/** Field encodings selected by a modifier: `%k{hex}`, `%v{base64}`; `text` is the default. */
export type FieldEncoding = 'text' | 'hex' | 'base64';

/** A size prefix selected by a modifier: `%k{4}` is a 4-byte big-endian signed length, -1 for null. */
export type SizePrefix = 1 | 2 | 4 | 8;

export interface FieldModifier {
  encoding: FieldEncoding;
  sizePrefix?: SizePrefix;
}

/** Parses the modifier of a key/value field: `hex`, `base64`, `text`, `1`, `2`, `4` or `8`. */
export function parseFieldModifier(token: { name: string; modifier: string | undefined; pos: number }): FieldModifier {
  const m = token.modifier;
  if (m === undefined || m === '' || m === 'text') return { encoding: 'text' };
  if (m === 'hex' || m === 'base64') return { encoding: m };
  if (m === '1' || m === '2' || m === '4' || m === '8') return { encoding: 'text', sizePrefix: Number(m) as SizePrefix };
  throw new FormatError(`unknown modifier %${token.name}{${m}} (use hex, base64, or a size prefix 1, 2, 4 or 8)`, token.pos);
}

/** Writes a signed big-endian integer of `size` bytes. */
export function writeSizePrefix(size: SizePrefix, n: number): Buffer {
  const b = Buffer.alloc(size);
  if (size === 1) b.writeInt8(n);
  else if (size === 2) b.writeInt16BE(n);
  else if (size === 4) b.writeInt32BE(n);
  else b.writeBigInt64BE(BigInt(n));
  return b;
}

/** Reads a signed big-endian integer of `size` bytes at `pos`. */
export function readSizePrefix(size: SizePrefix, buf: Buffer, pos: number): number {
  if (size === 1) return buf.readInt8(pos);
  if (size === 2) return buf.readInt16BE(pos);
  if (size === 4) return buf.readInt32BE(pos);
  const n = buf.readBigInt64BE(pos);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -1n) throw new RangeError(`size ${n} is out of range`);
  return Number(n);
}
