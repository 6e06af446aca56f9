/**
 * HoistField (`org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`): wraps the
 * key/value in a struct (with a schema) or a map (schemaless) with the single field `field`.
 */
import { Struct, type ConfigDef, type ConnectRecord, type Schema, type Transformation, type TransformationPlugin } from '../api.ts';
import { structSchema } from '../data.ts';
import { SchemaCache, TRANSFORMS_VERSION, keyValuePlugins, operatingSchema, operatingValue, parseConfig, validators, withSide, type Side } from './support.ts';

const CONFIG: ConfigDef = [
  { name: 'field', type: 'string', importance: 'medium', documentation: 'Field name for the single field that will be created in the resulting Struct or Map.', validate: validators.nonEmptyString },
];

export class HoistField implements Transformation {
  readonly #side: Side;
  #field = '';
  readonly #schemas = new SchemaCache();

  constructor(side: Side) {
    this.#side = side;
  }

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    this.#field = parseConfig(CONFIG, props).string('field') ?? '';
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const value = operatingValue(record, this.#side) ?? null;
    const schema = operatingSchema(record, this.#side);
    if (schema === null) return withSide(record, this.#side, null, { [this.#field]: value });
    const updatedSchema = this.#schemas.get(schema, (s): Schema => structSchema([[this.#field, s]]));
    return withSide(record, this.#side, updatedSchema, new Struct(updatedSchema, [[this.#field, value]]));
  }
}

export const hoistFieldPlugins: TransformationPlugin[] = keyValuePlugins('org.apache.kafka.connect.transforms.HoistField', TRANSFORMS_VERSION, (side) => new HoistField(side));
