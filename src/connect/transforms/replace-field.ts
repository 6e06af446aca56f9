/**
 * ReplaceField (`org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`): keeps only
 * `include`d fields (all when empty), drops `exclude`d ones, and renames with `renames`
 * (`old:new,...`). The pre-2.7 names `whitelist`/`blacklist` are read as include/exclude.
 * Fields named in the settings but absent from a record are ignored, as in Connect.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { structSchema } from '../data.ts';
import {
  ConfigError,
  REPLACE_NULL_WITH_DEFAULT,
  SchemaCache,
  TRANSFORMS_VERSION,
  emptyLike,
  keyValuePlugins,
  mapEntries,
  mapSet,
  operatingSchema,
  operatingValue,
  parseConfig,
  requireMap,
  requireStruct,
  schemaBasics,
  structGet,
  withSide,
  type Side,
} from './support.ts';

const PURPOSE = 'field replacement';

const CONFIG: ConfigDef = [
  { name: 'exclude', type: 'list', defaultValue: [], importance: 'medium', documentation: 'Fields to exclude. This takes precedence over the fields to include.' },
  { name: 'include', type: 'list', defaultValue: [], importance: 'medium', documentation: 'Fields to include. If specified, only these fields will be used.' },
  {
    name: 'renames',
    type: 'list',
    defaultValue: [],
    importance: 'medium',
    documentation: 'Field rename mappings, as a comma-separated list of old:new pairs.',
    validate: (value) => {
      for (const entry of Array.isArray(value) ? (value as string[]) : []) {
        if (!/^[^:]+:[^:]+$/.test(entry)) return `Invalid rename mapping: ${entry} (expected old:new)`;
      }
      return undefined;
    },
  },
  { name: 'blacklist', type: 'list', defaultValue: null, importance: 'low', documentation: 'Deprecated. Use exclude instead.' },
  { name: 'whitelist', type: 'list', defaultValue: null, importance: 'low', documentation: 'Deprecated. Use include instead.' },
  REPLACE_NULL_WITH_DEFAULT,
];

export class ReplaceField implements Transformation {
  readonly #side: Side;
  #exclude = new Set<string>();
  #include = new Set<string>();
  #renames = new Map<string, string>();
  #replaceNullWithDefault = true;
  readonly #schemas = new SchemaCache();

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    const pick = (current: string, deprecated: string): string[] => {
      if (props[current] !== undefined && props[deprecated] !== undefined) {
        throw new ConfigError(`ReplaceField: set ${current} or its deprecated name ${deprecated}, not both`, current);
      }
      return props[deprecated] !== undefined ? c.list(deprecated) : c.list(current);
    };
    this.#exclude = new Set(pick('exclude', 'blacklist'));
    this.#include = new Set(pick('include', 'whitelist'));
    this.#renames = new Map(c.list('renames').map((entry) => entry.split(':') as [string, string]));
    this.#replaceNullWithDefault = c.boolean('replace.null.with.default');
  }

  #keep(name: string): boolean {
    return !this.#exclude.has(name) && (this.#include.size === 0 || this.#include.has(name));
  }

  #renamed(name: string): string {
    return this.#renames.get(name) ?? name;
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side);
    const schema = operatingSchema(record, this.#side);
    if (schema === null) {
      if (value === null || value === undefined) return record;
      const map = requireMap(value, PURPOSE);
      const updated = emptyLike(map);
      for (const [k, v] of mapEntries(map)) {
        const name = String(k);
        if (this.#keep(name)) mapSet(updated, this.#renamed(name), v);
      }
      return withSide(record, this.#side, null, updated);
    }
    if (value === null || value === undefined) {
      return schema.type === 'struct' ? withSide(record, this.#side, this.#schemas.get(schema, (s) => this.#updatedSchema(s)), null) : record;
    }
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#schemas.get(struct.schema, (s) => this.#updatedSchema(s));
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields ?? []) {
      if (this.#keep(field.name)) updated.values.set(this.#renamed(field.name), structGet(struct, field, this.#replaceNullWithDefault));
    }
    return withSide(record, this.#side, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    const fields: [string, Schema][] = [];
    for (const field of schema.fields ?? []) if (this.#keep(field.name)) fields.push([this.#renamed(field.name), field.schema]);
    return structSchema(fields, schemaBasics(schema));
  }
}

export const replaceFieldPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.ReplaceField', TRANSFORMS_VERSION, (side) => new ReplaceField(side));
