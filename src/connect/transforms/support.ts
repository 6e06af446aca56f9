/**
 * Shared pieces of the built-in transformations and predicates: reading a ConfigDef from string
 * props (Connect's ConfigDef parsing rules), key/value sides, copying records, and working on
 * schemaless maps (a Map or a plain object) and structs.
 */
import { Struct, type ConfigDef, type ConfigKey, type ConnectRecord, type Field, type Schema } from '../api.ts';
import { DataError, describe, isPlainObject } from '../data.ts';

export { DataError } from '../data.ts';

/** A bad transformation/predicate setting (Connect's ConfigException). */
export class ConfigError extends Error {
  readonly setting: string | undefined;
  constructor(message: string, setting?: string) {
    super(message);
    this.name = 'ConfigException';
    this.setting = setting;
  }
}

// ---- configuration ------------------------------------------------------------------------------

type ParsedValue = string | number | boolean | string[] | null;

/** Settings read from props by a ConfigDef: typed getters; `configure` throws ConfigError on bad or missing values. */
export class ParsedConfig {
  readonly #values: Map<string, ParsedValue>;
  constructor(values: Map<string, ParsedValue>) {
    this.#values = values;
  }
  string(name: string): string | null {
    const v = this.#values.get(name);
    return typeof v === 'string' ? v : null;
  }
  list(name: string): string[] {
    const v = this.#values.get(name);
    return Array.isArray(v) ? v : [];
  }
  boolean(name: string): boolean {
    return this.#values.get(name) === true;
  }
  number(name: string): number | null {
    const v = this.#values.get(name);
    return typeof v === 'number' ? v : null;
  }
}

function invalid(key: ConfigKey, raw: unknown, reason: string): ConfigError {
  return new ConfigError(`Invalid value ${String(raw)} for configuration ${key.name}: ${reason}`, key.name);
}

function parseValue(key: ConfigKey, raw: string): ParsedValue {
  const trimmed = raw.trim();
  switch (key.type) {
    case 'string':
    case 'class':
      return trimmed;
    case 'password':
      return raw;
    case 'list':
      return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw invalid(key, raw, 'Expected value to be either true or false');
    }
    case 'int':
    case 'long': {
      if (!/^[+-]?\d+$/.test(trimmed)) throw invalid(key, raw, `Not a number of type ${key.type.toUpperCase()}`);
      return Number(trimmed);
    }
    case 'double': {
      const n = Number(trimmed);
      if (trimmed === '' || Number.isNaN(n)) throw invalid(key, raw, 'Not a number of type DOUBLE');
      return n;
    }
  }
}

function defaultOf(key: ConfigKey): ParsedValue {
  const d = key.defaultValue;
  if (d === undefined || d === null) return null;
  if (Array.isArray(d)) return [...(d as readonly string[])];
  return d as string | number | boolean;
}

/**
 * Reads `props` by `def` as Connect does: values are trimmed (lists split at commas), a key
 * without a default must be given, `validate` and `recommendedValues` are checked.
 */
export function parseConfig(def: ConfigDef, props: Readonly<Record<string, string>>): ParsedConfig {
  const values = new Map<string, ParsedValue>();
  for (const key of def) {
    const raw = props[key.name];
    if (raw === undefined) {
      if (key.defaultValue === undefined) throw new ConfigError(`Missing required configuration "${key.name}" which has no default value.`, key.name);
      values.set(key.name, defaultOf(key));
      continue;
    }
    const value = parseValue(key, raw);
    if (key.recommendedValues && typeof value === 'string' && !key.recommendedValues.includes(value)) {
      throw invalid(key, raw, `String must be one of: ${key.recommendedValues.join(', ')}`);
    }
    const error = key.validate?.(value, props);
    if (error !== undefined) throw invalid(key, raw, error);
    values.set(key.name, value);
  }
  return new ParsedConfig(values);
}

/** ConfigKey.validate helpers. */
export const validators = {
  nonEmptyString: (value: unknown): string | undefined => (typeof value === 'string' && value === '' ? 'String may not be empty' : undefined),
  nonEmptyList: (value: unknown): string | undefined => (Array.isArray(value) && value.length === 0 ? 'Empty list' : undefined),
  regex: (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    try {
      javaRegex(value);
      return undefined;
    } catch (err) {
      return `Invalid regex: ${(err as Error).message}`;
    }
  },
};

export const REPLACE_NULL_WITH_DEFAULT: ConfigKey = {
  name: 'replace.null.with.default',
  type: 'boolean',
  defaultValue: true,
  importance: 'medium',
  documentation: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
};

// ---- regular expressions ------------------------------------------------------------------------

/**
 * A Java regular expression as a JavaScript RegExp matching the whole input (Java's
 * `Matcher.matches()`). The common syntax is the same; `\A`, `\Z` and `\z` are mapped to anchors.
 */
export function javaRegex(pattern: string): RegExp {
  const translated = pattern.replace(/\\([\\AZz])/g, (m: string, c: string) => (c === 'A' ? '^' : c === 'Z' || c === 'z' ? '$' : m));
  return new RegExp(`^(?:${translated})$`);
}

/**
 * Expands a Java replacement string (`Matcher.replaceFirst`): `$n` is group n (more digits
 * are taken while they name an existing group), `${name}` a named group, `\x` a literal x.
 */
export function expandJavaReplacement(replacement: string, match: RegExpExecArray): string {
  let out = '';
  const groupCount = match.length - 1;
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) throw new DataError('character to be escaped is missing');
      out += replacement[i];
    } else if (c === '$') {
      i++;
      if (i >= replacement.length) throw new DataError('Illegal group reference: group index is missing');
      if (replacement[i] === '{') {
        const end = replacement.indexOf('}', i);
        if (end < 0) throw new DataError("named capturing group is missing trailing '}'");
        const name = replacement.slice(i + 1, end);
        if (!match.groups || !(name in match.groups)) throw new DataError(`No group with name {${name}}`);
        out += match.groups[name] ?? '';
        i = end;
      } else {
        if (!/\d/.test(replacement[i])) throw new DataError('Illegal group reference');
        let group = Number(replacement[i]);
        if (group > groupCount) throw new DataError(`No group ${group}`);
        while (i + 1 < replacement.length && /\d/.test(replacement[i + 1])) {
          const next = group * 10 + Number(replacement[i + 1]);
          if (next > groupCount) break;
          group = next;
          i++;
        }
        out += match[group] ?? '';
      }
    } else {
      out += c;
    }
  }
  return out;
}

// ---- records ----------------------------------------------------------------------------------------

export type Side = 'key' | 'value';

export function operatingSchema(record: ConnectRecord, side: Side): Schema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function operatingValue(record: ConnectRecord, side: Side): unknown {
  return side === 'key' ? record.key : record.value;
}

/** A copy of `record` (same prototype and every own field) with `changes`. */
export function newRecord<R extends ConnectRecord>(record: R, changes: Partial<ConnectRecord>): R {
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as R, record, changes);
}

/** A copy of `record` with the key or value side replaced. */
export function withSide<R extends ConnectRecord>(record: R, side: Side, schema: Schema | null, value: unknown): R {
  return newRecord(record, side === 'key' ? { keySchema: schema, key: value } : { valueSchema: schema, value });
}

export function isSinkRecord(record: ConnectRecord): record is ConnectRecord & { kafkaOffset: number } {
  return typeof (record as { kafkaOffset?: unknown }).kafkaOffset === 'number';
}

// ---- schemaless maps and structs ------------------------------------------------------------------

/** A schemaless map value: a Map or a plain object (JSON data). */
export type SchemalessMap = Map<unknown, unknown> | Record<string, unknown>;

export function isSchemalessMap(value: unknown): value is SchemalessMap {
  return value instanceof Map || isPlainObject(value);
}

export function requireMap(value: unknown, purpose: string): SchemalessMap {
  if (!isSchemalessMap(value)) throw new DataError(`Only Map objects supported in absence of schema for [${purpose}], found: ${describe(value)}`);
  return value;
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct)) throw new DataError(`Only Struct objects supported for [${purpose}], found: ${describe(value)}`);
  return value;
}

export function mapGet(map: SchemalessMap, key: string): unknown {
  return map instanceof Map ? map.get(key) : Object.hasOwn(map, key) ? map[key] : undefined;
}

export function mapHas(map: SchemalessMap, key: string): boolean {
  return map instanceof Map ? map.has(key) : Object.hasOwn(map, key);
}

export function mapEntries(map: SchemalessMap): [unknown, unknown][] {
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}

/** A new empty map of the same kind (Map or plain object). */
export function emptyLike(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map() : {};
}

export function mapSet(map: SchemalessMap, key: unknown, value: unknown): void {
  if (map instanceof Map) map.set(key, value);
  else map[String(key)] = value;
}

export function copyMap(map: SchemalessMap): SchemalessMap {
  return map instanceof Map ? new Map(map) : { ...map };
}

export function fieldOf(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/** A field's value; with `replaceNullWithDefault`, a null value reads as the field's default (Connect's Struct.get). */
export function structGet(struct: Struct, field: Field, replaceNullWithDefault: boolean): unknown {
  const value = struct.get(field.name);
  if ((value === null || value === undefined) && replaceNullWithDefault && field.schema.defaultValue !== undefined) return field.schema.defaultValue;
  return value ?? null;
}

/** The parts of a schema besides type and children, to rebuild it with changed fields. */
export function schemaBasics(schema: Schema): Partial<Omit<Schema, 'type' | 'fields'>> {
  const out: { -readonly [K in keyof Schema]?: Schema[K] } = { optional: schema.optional };
  if (schema.name !== undefined) out.name = schema.name;
  if (schema.version !== undefined) out.version = schema.version;
  if (schema.doc !== undefined) out.doc = schema.doc;
  if (schema.parameters !== undefined) out.parameters = schema.parameters;
  return out;
}

/** Checks that required fields have values (Connect's Struct.validate), naming the field. */
export function requireFieldValues(struct: Struct, purpose: string): Struct {
  for (const field of struct.schema.fields ?? []) {
    const v = struct.get(field.name);
    if ((v === null || v === undefined) && !field.schema.optional && field.schema.defaultValue === undefined) {
      throw new DataError(`Invalid value: null used for required field: "${field.name}", schema type: ${field.schema.type} [${purpose}]`);
    }
  }
  return struct;
}

/** Caches a derived schema per input schema (Connect's schemaUpdateCache). */
export class SchemaCache {
  #cache = new WeakMap<Schema, Schema>();
  get(schema: Schema, build: (schema: Schema) => Schema): Schema {
    let out = this.#cache.get(schema);
    if (!out) {
      out = build(schema);
      this.#cache.set(schema, out);
    }
    return out;
  }
}

/** The key and value plugins of a transformation (`Name$Key`, `Name$Value`), with short aliases. */
export function keyValuePlugins<T>(className: string, version: string, create: (side: Side) => T): { className: string; aliases: string[]; version: string; create: () => T }[] {
  const simple = className.slice(className.lastIndexOf('.') + 1);
  return (['Key', 'Value'] as const).map((suffix) => ({
    className: `${className}$${suffix}`,
    aliases: [`${simple}$${suffix}`],
    version,
    create: () => create(suffix === 'Key' ? 'key' : 'value'),
  }));
}

export const TRANSFORMS_VERSION = '1.0.0';
