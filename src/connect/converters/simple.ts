/**
 * The simple converters of Kafka Connect:
 * - StringConverter (`org.apache.kafka.connect.storage.StringConverter`): values as text in
 *   `converter.encoding` (default UTF-8); reads give an optional string schema.
 * - ByteArrayConverter (`org.apache.kafka.connect.converters.ByteArrayConverter`): bytes as they are.
 * - Short/Integer/Long/Float/DoubleConverter (`org.apache.kafka.connect.converters.*`): big-endian
 *   numbers, as Kafka's serializers write them.
 */
import type { Converter, Schema } from '../api.ts';
import { DataError, Schemas, describe } from '../data.ts';
import { JsonConverter } from './json.ts';

export const STRING_CONVERTER_CLASS = 'org.apache.kafka.connect.storage.StringConverter';
export const BYTE_ARRAY_CONVERTER_CLASS = 'org.apache.kafka.connect.converters.ByteArrayConverter';

const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-16le': 'utf16le',
};

export class StringConverter implements Converter {
  encoding: BufferEncoding = 'utf8';
  private readonly json = new JsonConverter();

  configure(props: Readonly<Record<string, string>>, isKey: boolean): void {
    const name = props['converter.encoding'] ?? 'UTF-8';
    const enc = ENCODINGS[name.trim().toLowerCase()];
    if (!enc) throw new DataError(`unsupported converter.encoding ${JSON.stringify(name)} (UTF-8, US-ASCII, ISO-8859-1, UTF-16LE)`);
    this.encoding = enc;
    this.json.configure({ 'schemas.enable': 'false' }, isKey);
  }

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    return Buffer.from(stringOf(value, this.json), this.encoding);
  }

  toConnectData(_topic: string, bytes: Buffer | null): { schema: Schema | null; value: unknown } {
    return { schema: Schemas.OPTIONAL_STRING, value: bytes === null ? null : bytes.toString(this.encoding) };
  }
}

/** Text of a value: strings as they are, bytes decoded, other values as JSON. */
function stringOf(value: unknown, json: JsonConverter): string {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  const bytes = json.fromConnectData('', null, value);
  return bytes === null ? 'null' : bytes.toString('utf8');
}

export class ByteArrayConverter implements Converter {
  configure(): void {}

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema !== null && schema.type !== 'bytes') throw new DataError(`Invalid schema type for ByteArrayConverter: ${schema.type}`);
    if (value === null || value === undefined) return null;
    if (!(value instanceof Uint8Array)) throw new DataError(`ByteArrayConverter is not compatible with objects of type ${describe(value)}`);
    return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }

  toConnectData(_topic: string, bytes: Buffer | null): { schema: Schema | null; value: unknown } {
    return { schema: Schemas.OPTIONAL_BYTES, value: bytes };
  }
}

type NumberKind = 'int16' | 'int32' | 'int64' | 'float32' | 'float64';
const NUMBER_SIZES: Record<NumberKind, number> = { int16: 2, int32: 4, int64: 8, float32: 4, float64: 8 };

/** A big-endian number converter (Connect's ShortConverter, IntegerConverter, ...). */
export class NumberConverter implements Converter {
  readonly kind: NumberKind;
  constructor(kind: NumberKind) {
    this.kind = kind;
  }

  configure(): void {}

  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    const buf = Buffer.alloc(NUMBER_SIZES[this.kind]);
    if (this.kind === 'int64') {
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value))) throw new DataError(`expected an int64, got ${describe(value)}`);
      buf.writeBigInt64BE(BigInt(value));
      return buf;
    }
    if (typeof value !== 'number') throw new DataError(`expected a number, got ${describe(value)}`);
    if (this.kind === 'int16') buf.writeInt16BE(value);
    else if (this.kind === 'int32') buf.writeInt32BE(value);
    else if (this.kind === 'float32') buf.writeFloatBE(value);
    else buf.writeDoubleBE(value);
    return buf;
  }

  toConnectData(_topic: string, bytes: Buffer | null): { schema: Schema | null; value: unknown } {
    const schema = { type: this.kind, optional: true } as const;
    if (bytes === null) return { schema, value: null };
    if (bytes.length !== NUMBER_SIZES[this.kind]) throw new DataError(`Size of data received by ${this.kind} converter is not ${NUMBER_SIZES[this.kind]}`);
    switch (this.kind) {
      case 'int16':
        return { schema, value: bytes.readInt16BE() };
      case 'int32':
        return { schema, value: bytes.readInt32BE() };
      case 'int64': {
        const v = bytes.readBigInt64BE();
        return { schema, value: Number.isSafeInteger(Number(v)) ? Number(v) : v };
      }
      case 'float32':
        return { schema, value: bytes.readFloatBE() };
      case 'float64':
        return { schema, value: bytes.readDoubleBE() };
    }
  }
}
