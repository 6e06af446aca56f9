/**
 * The built-in single message transforms (`transforms.<alias>.type`), with Kafka Connect's
 * class names (key and value variants as separate plugins, `...InsertField$Value`) and short
 * aliases (`InsertField$Value`).
 *
 * InsertField, ReplaceField, MaskField, ValueToKey, ExtractField, HoistField, Cast,
 * TimestampConverter, RegexRouter, Filter; also Flatten, SetSchemaMetadata, TimestampRouter,
 * InsertHeader and DropHeaders.
 */
import type { TransformationPlugin } from '../api.ts';
import { castPlugins } from './cast.ts';
import { extractFieldPlugins } from './extract-field.ts';
import { filterPlugins } from './filter.ts';
import { flattenPlugins } from './flatten.ts';
import { headerPlugins } from './headers.ts';
import { hoistFieldPlugins } from './hoist-field.ts';
import { insertFieldPlugins } from './insert-field.ts';
import { maskFieldPlugins } from './mask-field.ts';
import { regexRouterPlugins } from './regex-router.ts';
import { replaceFieldPlugins } from './replace-field.ts';
import { setSchemaMetadataPlugins } from './set-schema-metadata.ts';
import { timestampConverterPlugins } from './timestamp-converter.ts';
import { timestampRouterPlugins } from './timestamp-router.ts';
import { valueToKeyPlugins } from './value-to-key.ts';

export { Cast } from './cast.ts';
export { ExtractField } from './extract-field.ts';
export { Filter } from './filter.ts';
export { Flatten } from './flatten.ts';
export { DropHeaders, InsertHeader } from './headers.ts';
export { HoistField } from './hoist-field.ts';
export { InsertField } from './insert-field.ts';
export { MaskField } from './mask-field.ts';
export { RegexRouter } from './regex-router.ts';
export { ReplaceField } from './replace-field.ts';
export { SetSchemaMetadata } from './set-schema-metadata.ts';
export { TimestampConverter } from './timestamp-converter.ts';
export { TimestampRouter } from './timestamp-router.ts';
export { ValueToKey } from './value-to-key.ts';
export { ConfigError } from './support.ts';

export const builtinTransformations: TransformationPlugin[] = [
  ...insertFieldPlugins,
  ...replaceFieldPlugins,
  ...maskFieldPlugins,
  ...valueToKeyPlugins,
  ...extractFieldPlugins,
  ...hoistFieldPlugins,
  ...castPlugins,
  ...timestampConverterPlugins,
  ...regexRouterPlugins,
  ...filterPlugins,
  ...flattenPlugins,
  ...setSchemaMetadataPlugins,
  ...timestampRouterPlugins,
  ...headerPlugins,
];
