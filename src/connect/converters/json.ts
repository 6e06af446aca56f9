/**
 * JsonConverter (`org.apache.kafka.connect.json.JsonConverter`), following Kafka Connect's JSON
 * format:
 *
 * - `schemas.enable=true` (default): every message is the envelope `{"schema": ..., "payload": ...}`
 *   with the schema in Connect's JSON schema format, e.g.
 *   `{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"x"}`;
 *   logical types are named schemas (`org.apache.kafka.connect.data.Decimal` with parameter `scale`, ...).
 * - `schemas.enable=false`: the payload alone, as plain JSON; reading gives schemaless values.
 * - `decimal.format`: BASE64 (default; the unscaled value's two's complement bytes) or NUMERIC.
 * - `replace.null.with.default` (default true): a null value with a schema default is written as the default.
 *
 * A null value without a schema is a null message (a tombstone) either way.
 */
import { LogicalType, Struct, type Converter, type Field, type Schema, type SchemaType } from '../api.ts';
import {
  DataError,
  bigintToBytes,
  bytesToBigint,
  dateToDays,
  daysToDate,
  decimalScale,
  decimalToUnscaled,
  describe,
  isPlainObject,
  parseJson,
  stringifyJson,
  timeToMillis,
  toMillis,
  unscaledToDecimal,
} from '../data.ts';

type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

export const JSON_CONVERTER_CLASS = 'org.apache.kafka.connect.json.JsonConverter';

const SCHEMA_TYPES: ReadonlySet<string> = new Set(['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes', 'array', 'map', 'struct']);

function parseBool(props: Readonly<Record<string, string>>, key: string, dflt: boolean): boolean {
  const raw = props[key];
  if (raw === undefined || raw.trim() === '') return dflt;
  const v = raw.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new DataError(`Invalid value ${raw} for configuration ${key}: Expected value to be either true or false`);
}

export class JsonConverter implements Converter {
  schemasEnable = true;
  decimalFormat: 'BASE64' | 'NUMERIC' = 'BASE64';
  replaceNullWithDefault = true;

  configure(props: Readonly<Record<string, string>>, _isKey: boolean): void {
    this.schemasEnable = parseBool(props, 'schemas.enable', true);
    this.replaceNullWithDefault = parseBool(props, 'replace.null.with.default', true);
    const format = (props['decimal.format'] ?? 'BASE64').trim().toUpperCase();
    if (format !== 'BASE64' && format !== 'NUMERIC') throw new DataError(`Invalid value ${props['decimal.format']} for configuration decimal.format: String must be one of: BASE64, NUMERIC`);
    this.decimalFormat = format;
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (schema === null && value === null) return null;
    const payload = this.toJson(schema, value, '');
    const doc: Json = this.schemasEnable ? { schema: schema === null ? null : this.schemaToJson(schema), payload } : payload;
    try {
      return Buffer.from(stringifyJson(doc), 'utf8');
    } catch (err) {
      throw new DataError(`Converting Kafka Connect data to byte[] failed due to serialization error: ${(err as Error).message}`, { cause: err });
    }
  }

  toConnectData(_topic: string, bytes: Buffer | null): { schema: Schema | null; value: unknown } {
    if (bytes === null) return { schema: null, value: null };
    let doc: unknown;
    try {
      doc = parseJson(bytes.toString('utf8'));
    } catch (err) {
      throw new DataError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`, { cause: err });
    }
    let schemaJson: unknown = null;
    let payload: unknown = doc;
    if (this.schemasEnable) {
      if (!isPlainObject(doc) || Object.keys(doc).length !== 2 || !('schema' in doc) || !('payload' in doc)) {
        throw new DataError(
          'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
        );
      }
      schemaJson = doc.schema;
      payload = doc.payload;
    }
    const schema = schemaJson === null ? null : this.schemaFromJson(schemaJson);
    return { schema, value: this.fromJson(schema, payload, '') };
  }

  // ---- schemas ----------------------------------------------------------------------------------

  /** Connect's JSON form of a schema (key order as Connect writes it). */
  schemaToJson(schema: Schema): Json {
    const out: { [key: string]: Json } = { type: schema.type };
    if (schema.type === 'struct') {
      out.fields = (schema.fields ?? []).map((f) => {
        const fieldJson = this.schemaToJson(f.schema) as { [key: string]: Json };
        fieldJson.field = f.name;
        return fieldJson;
      });
    } else if (schema.type === 'array') {
      if (!schema.valueSchema) throw new DataError('an array schema needs a value schema');
      out.items = this.schemaToJson(schema.valueSchema);
    } else if (schema.type === 'map') {
      if (!schema.keySchema || !schema.valueSchema) throw new DataError('a map schema needs key and value schemas');
      out.keys = this.schemaToJson(schema.keySchema);
      out.values = this.schemaToJson(schema.valueSchema);
    }
    out.optional = schema.optional;
    if (schema.name !== undefined) out.name = schema.name;
    if (schema.version !== undefined) out.version = schema.version;
    if (schema.doc !== undefined) out.doc = schema.doc;
    if (schema.parameters !== undefined) out.parameters = { ...schema.parameters };
    if (schema.defaultValue !== undefined) out.default = this.toJson(schema, schema.defaultValue, '');
    return out;
  }

  schemaFromJson(json: unknown): Schema {
    if (!isPlainObject(json)) throw new DataError(`Schema must be a JSON object, got ${describe(json)}`);
    const type = json.type;
    if (typeof type !== 'string' || !SCHEMA_TYPES.has(type)) throw new DataError(`Unknown schema type: ${String(type)}`);
    const schema: {
      -readonly [K in keyof Schema]: Schema[K];
    } = { type: type as SchemaType, optional: json.optional === true };
    if (type === 'struct') {
      if (!Array.isArray(json.fields)) throw new DataError('Struct schema\'s "fields" argument is not an array.');
      schema.fields = json.fields.map((f, index): Field => {
        if (!isPlainObject(f) || typeof f.field !== 'string') throw new DataError('Struct schema\'s field name not specified properly');
        return { name: f.field, index, schema: this.schemaFromJson(f) };
      });
    } else if (type === 'array') {
      if (json.items === undefined || json.items === null) throw new DataError('Array schema did not specify the element type');
      schema.valueSchema = this.schemaFromJson(json.items);
    } else if (type === 'map') {
      if (json.keys === undefined || json.values === undefined) throw new DataError('Map schema did not specify the key and value types');
      schema.keySchema = this.schemaFromJson(json.keys);
      schema.valueSchema = this.schemaFromJson(json.values);
    }
    if (typeof json.name === 'string') schema.name = json.name;
    if (json.version !== undefined && json.version !== null) {
      if (typeof json.version !== 'number' || !Number.isInteger(json.version)) throw new DataError('Schema version must be an integer');
      schema.version = json.version;
    }
    if (typeof json.doc === 'string') schema.doc = json.doc;
    if (json.parameters !== undefined && json.parameters !== null) {
      if (!isPlainObject(json.parameters)) throw new DataError('Schema parameters must be a JSON object');
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(json.parameters)) {
        if (typeof v !== 'string') throw new DataError('Schema parameters must have string values');
        params[k] = v;
      }
      schema.parameters = params;
    }
    if (json.default !== undefined) schema.defaultValue = this.fromJson({ ...schema, optional: true } as Schema, json.default, '');
    return schema as Schema;
  }

  // ---- values: Connect → JSON ---------------------------------------------------------------------

  toJson(schema: Schema | null, value: unknown, path: string): Json {
    if (value === null || value === undefined) {
      if (schema === null) return null;
      if (schema.defaultValue !== undefined && schema.defaultValue !== null && this.replaceNullWithDefault) return this.toJson(schema, schema.defaultValue, path);
      if (schema.optional) return null;
      throw new DataError(`Conversion error: null value for field that is required and has no default value${at(path)}`);
    }
    if (schema === null) return this.schemalessToJson(value, path);
    switch (schema.name) {
      case LogicalType.Decimal: {
        if (schema.type !== 'bytes') break;
        const unscaled = decimalToUnscaled(value, decimalScale(schema));
        if (this.decimalFormat === 'NUMERIC') return numericJson(unscaledToDecimal(unscaled, decimalScale(schema)));
        return bigintToBytes(unscaled).toString('base64');
      }
      case LogicalType.Date:
        if (schema.type === 'int32') return dateToDays(value);
        break;
      case LogicalType.Time:
        if (schema.type === 'int32') return timeToMillis(value);
        break;
      case LogicalType.Timestamp:
        if (schema.type === 'int64') return toMillis(value);
        break;
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
        return checkInt(value, schema.type, path);
      case 'int64':
        if (typeof value === 'bigint') {
          if (value !== BigInt.asIntN(64, value)) throw new DataError(`Value ${value} does not fit int64${at(path)}`);
          return Number.isSafeInteger(Number(value)) ? Number(value) : value;
        }
        return checkInt(value, 'int64', path);
      case 'float32':
      case 'float64':
        if (typeof value !== 'number') throw invalidType(schema.type, value, path);
        return value;
      case 'boolean':
        if (typeof value !== 'boolean') throw invalidType('boolean', value, path);
        return value;
      case 'string':
        if (typeof value !== 'string') throw invalidType('string', value, path);
        return value;
      case 'bytes':
        if (!(value instanceof Uint8Array)) throw invalidType('bytes', value, path);
        return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
      case 'array': {
        if (!Array.isArray(value)) throw invalidType('array', value, path);
        const items = schema.valueSchema ?? null;
        return value.map((v, i) => this.toJson(items, v, `${path}[${i}]`));
      }
      case 'map': {
        const entries = mapEntries(value, path);
        const keySchema = schema.keySchema ?? null;
        const valueSchema = schema.valueSchema ?? null;
        if (keySchema?.type === 'string') {
          const obj: { [key: string]: Json } = {};
          for (const [k, v] of entries) obj[String(this.toJson(keySchema, k, path))] = this.toJson(valueSchema, v, `${path}.${String(k)}`);
          return obj;
        }
        return entries.map(([k, v]) => [this.toJson(keySchema, k, path), this.toJson(valueSchema, v, `${path}.${String(k)}`)]);
      }
      case 'struct': {
        if (!(value instanceof Struct)) throw invalidType('struct', value, path);
        const obj: { [key: string]: Json } = {};
        for (const f of schema.fields ?? []) obj[f.name] = this.toJson(f.schema, value.get(f.name) ?? null, path ? `${path}.${f.name}` : f.name);
        return obj;
      }
    }
    throw new DataError(`Unknown schema type ${String(schema.type)}${at(path)}`);
  }

  private schemalessToJson(value: unknown, path: string): Json {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean' || typeof value === 'string') return value;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new DataError(`Cannot write ${value} as JSON${at(path)}`);
      return value;
    }
    if (typeof value === 'bigint') return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    if (value instanceof Date) return value.getTime();
    if (value instanceof Struct) return this.toJson(value.schema, value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.schemalessToJson(v, `${path}[${i}]`));
    if (value instanceof Map) {
      const entries = [...value.entries()];
      if (entries.every(([k]) => typeof k === 'string')) {
        const obj: { [key: string]: Json } = {};
        for (const [k, v] of entries) obj[k as string] = this.schemalessToJson(v, `${path}.${String(k)}`);
        return obj;
      }
      return entries.map(([k, v]) => [this.schemalessToJson(k, path), this.schemalessToJson(v, path)]);
    }
    if (typeof value === 'object') {
      const obj: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value)) obj[k] = this.schemalessToJson(v, path ? `${path}.${k}` : k);
      return obj;
    }
    throw new DataError(`Cannot convert ${describe(value)} to JSON${at(path)}`);
  }

  // ---- values: JSON → Connect -------------------------------------------------------------------

  fromJson(schema: Schema | null, json: unknown, path: string): unknown {
    if (schema === null) return schemalessFromJson(json);
    if (json === null || json === undefined) {
      if (schema.defaultValue !== undefined && schema.defaultValue !== null) return schema.defaultValue;
      if (schema.optional) return null;
      throw new DataError(`Invalid null value for required ${schema.type.toUpperCase()} field${at(path)}`);
    }
    switch (schema.name) {
      case LogicalType.Decimal:
        if (schema.type !== 'bytes') break;
        if (typeof json === 'string') {
          // BASE64 (Connect reads NUMERIC and BASE64 either way).
          return unscaledToDecimal(bytesToBigint(Buffer.from(json, 'base64')), decimalScale(schema));
        }
        if (typeof json === 'number' || typeof json === 'bigint') return unscaledToDecimal(decimalToUnscaled(json, decimalScale(schema)), decimalScale(schema));
        throw invalidJson('Decimal', json, path);
      case LogicalType.Date:
        if (schema.type !== 'int32') break;
        return daysToDate(jsonInt(json, 'int32', path) as number);
      case LogicalType.Time:
        if (schema.type !== 'int32') break;
        return new Date(jsonInt(json, 'int32', path) as number);
      case LogicalType.Timestamp:
        if (schema.type !== 'int64') break;
        return new Date(Number(jsonInt(json, 'int64', path)));
    }
    switch (schema.type) {
      case 'int8':
      case 'int16':
      case 'int32':
      case 'int64':
        return jsonInt(json, schema.type, path);
      case 'float32':
      case 'float64':
        if (typeof json === 'bigint') return Number(json);
        if (typeof json !== 'number') throw invalidJson(schema.type, json, path);
        return json;
      case 'boolean':
        if (typeof json !== 'boolean') throw invalidJson('boolean', json, path);
        return json;
      case 'string':
        if (typeof json !== 'string') throw invalidJson('string', json, path);
        return json;
      case 'bytes':
        if (typeof json !== 'string') throw invalidJson('bytes', json, path);
        return Buffer.from(json, 'base64');
      case 'array': {
        if (!Array.isArray(json)) throw invalidJson('array', json, path);
        const items = schema.valueSchema ?? null;
        return json.map((v, i) => this.fromJson(items, v, `${path}[${i}]`));
      }
      case 'map': {
        const keySchema = schema.keySchema ?? null;
        const valueSchema = schema.valueSchema ?? null;
        const out = new Map<unknown, unknown>();
        if (keySchema?.type === 'string' && isPlainObject(json)) {
          for (const [k, v] of Object.entries(json)) out.set(k, this.fromJson(valueSchema, v, `${path}.${k}`));
          return out;
        }
        if (!Array.isArray(json)) throw invalidJson('map', json, path);
        for (const entry of json) {
          if (!Array.isArray(entry) || entry.length !== 2) throw new DataError(`Found invalid map entry instead of array tuple${at(path)}`);
          out.set(this.fromJson(keySchema, entry[0], path), this.fromJson(valueSchema, entry[1], path));
        }
        return out;
      }
      case 'struct': {
        if (!isPlainObject(json)) throw invalidJson('struct', json, path);
        const struct = new Struct(schema);
        for (const f of schema.fields ?? []) struct.values.set(f.name, this.fromJson(f.schema, json[f.name] ?? null, path ? `${path}.${f.name}` : f.name));
        return struct;
      }
    }
    throw new DataError(`Unknown schema type ${String(schema.type)}${at(path)}`);
  }
}

function schemalessFromJson(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(schemalessFromJson);
  if (isPlainObject(json)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json)) out[k] = schemalessFromJson(v);
    return out;
  }
  return json ?? null;
}

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

function checkInt(value: unknown, type: string, path: string): number | bigint {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(type, value, path);
  const range = INT_RANGES[type];
  if (range && (value < range[0] || value > range[1])) throw new DataError(`Value ${value} out of range for ${type}${at(path)}`);
  return value;
}

function jsonInt(json: unknown, type: string, path: string): number | bigint {
  if (typeof json === 'bigint') {
    if (type !== 'int64' || json !== BigInt.asIntN(64, json)) throw new DataError(`Value ${json} out of range for ${type}${at(path)}`);
    return json;
  }
  if (typeof json !== 'number' || !Number.isInteger(json)) throw invalidJson(type, json, path);
  return checkInt(json, type, path);
}

function mapEntries(value: unknown, path: string): [unknown, unknown][] {
  if (value instanceof Map) return [...value.entries()];
  if (isPlainObject(value)) return Object.entries(value);
  throw invalidType('map', value, path);
}

function numericJson(decimal: string): number | bigint {
  if (/^-?\d+$/.test(decimal)) {
    const n = Number(decimal);
    return Number.isSafeInteger(n) ? n : BigInt(decimal);
  }
  return Number(decimal);
}

function at(path: string): string {
  return path ? ` (at ${path})` : '';
}

function invalidType(type: string, value: unknown, path: string): DataError {
  return new DataError(`Invalid value for schema type ${type.toUpperCase()}: ${describe(value)}${at(path)}`);
}

function invalidJson(type: string, json: unknown, path: string): DataError {
  return new DataError(`Invalid JSON for ${type} field: ${describe(json)}${at(path)}`);
}
