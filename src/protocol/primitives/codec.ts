/**
 * Helpers shared by the generated codecs: arrays, tagged-field sections, and the `Init`
 * type that lets callers leave out fields whose defaults are fine.
 */
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

/** A value to encode: every field optional (absent fields take their defaults), recursively. */
export type Init<T> = T extends Buffer
  ? T
  : T extends string | number | bigint | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? readonly Init<U>[]
      : { [K in keyof T]?: Init<T[K]> };

export function readNullableArray<T>(r: Reader, flexible: boolean, item: (r: Reader) => T): T[] | null {
  const n = flexible ? r.compactArrayLength() : r.arrayLength();
  if (n < 0) return null;
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) out[i] = item(r);
  return out;
}

export function readArray<T>(r: Reader, flexible: boolean, item: (r: Reader) => T): T[] {
  const out = readNullableArray(r, flexible, item);
  if (out === null) r.fail('null where an array is required');
  return out;
}

export function writeNullableArray<T>(w: Writer, flexible: boolean, items: readonly T[] | null, item: (w: Writer, v: T) => void): void {
  if (items === null) {
    if (flexible) w.uvarint(0);
    else w.int32(-1);
    return;
  }
  if (flexible) w.compactArrayLength(items.length);
  else w.arrayLength(items.length);
  for (let i = 0; i < items.length; i++) item(w, items[i]);
}

/** Reads a tagged-field section, handing known tags to `field` (which returns false for unknown ones). */
export function readTaggedFields(r: Reader, field: (tag: number, r: Reader) => boolean): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const end = r.pos + size;
    if (end > r.end) r.fail(`tagged field ${tag} of ${size} bytes runs past the end`);
    if (!field(tag, r)) r.pos = end;
    else if (r.pos !== end) r.fail(`tagged field ${tag} declared ${size} bytes but used ${r.pos - (end - size)}`);
  }
}

/** Writes a tagged-field section; each entry encodes its own payload. Tags must be ascending. */
export function writeTaggedFields(w: Writer, fields: ReadonlyArray<readonly [number, (w: Writer) => void]>, makeWriter: () => Writer): void {
  w.uvarint(fields.length);
  for (const [tag, encode] of fields) {
    const sub = makeWriter();
    encode(sub);
    const payload = sub.toBuffer();
    w.uvarint(tag);
    w.uvarint(payload.length);
    w.raw(payload);
  }
}
