/** Building Connect schemas (Kafka Connect's SchemaBuilder, as plain objects). */
import { LogicalType, type Field, type Schema, type SchemaType } from '../../api.ts';

export function primitive(type: SchemaType, optional: boolean, extra: Partial<Schema> = {}): Schema {
  return { type, optional, ...extra };
}

export function decimalSchema(scale: number, precision: number | null, optional: boolean): Schema {
  const parameters: Record<string, string> = { scale: String(scale) };
  if (precision !== null) parameters['connect.decimal.precision'] = String(precision);
  return { type: 'bytes', optional, name: LogicalType.Decimal, version: 1, parameters };
}

export function timestampSchema(optional: boolean): Schema {
  return { type: 'int64', optional, name: LogicalType.Timestamp, version: 1 };
}

export function dateSchema(optional: boolean): Schema {
  return { type: 'int32', optional, name: LogicalType.Date, version: 1 };
}

export function timeSchema(optional: boolean): Schema {
  return { type: 'int32', optional, name: LogicalType.Time, version: 1 };
}

export function arraySchema(valueSchema: Schema, optional: boolean): Schema {
  return { type: 'array', optional, valueSchema };
}

export function structSchema(name: string | undefined, fields: readonly { name: string; schema: Schema }[], optional = false, extra: Partial<Schema> = {}): Schema {
  const built: Field[] = fields.map((f, index) => ({ name: f.name, index, schema: f.schema }));
  return { type: 'struct', optional, ...(name !== undefined ? { name } : {}), ...extra, fields: built };
}

export function withOptional(schema: Schema, optional: boolean): Schema {
  return schema.optional === optional ? schema : { ...schema, optional };
}

export function isLogical(schema: Schema | null | undefined, name: string): boolean {
  return schema?.name === name;
}

/** A stable text form of a schema (for caches keyed by structure rather than identity). */
export function schemaFingerprint(schema: Schema | null): string {
  if (!schema) return 'null';
  const parts: string[] = [schema.type, schema.optional ? '?' : '', schema.name ?? ''];
  if (schema.parameters) parts.push(JSON.stringify(schema.parameters));
  if (schema.fields) parts.push('{' + schema.fields.map((f) => `${JSON.stringify(f.name)}:${schemaFingerprint(f.schema)}`).join(',') + '}');
  if (schema.valueSchema) parts.push('[' + schemaFingerprint(schema.valueSchema) + ']');
  if (schema.keySchema) parts.push('<' + schemaFingerprint(schema.keySchema) + '>');
  return parts.join('|');
}
