/** The built-in converter plugins (Kafka Connect's class names; short aliases as Connect accepts them). */
import type { ConverterPlugin } from '../api.ts';
import { JSON_CONVERTER_CLASS, JsonConverter } from './json.ts';
import { BYTE_ARRAY_CONVERTER_CLASS, ByteArrayConverter, NumberConverter, STRING_CONVERTER_CLASS, StringConverter } from './simple.ts';

export { JsonConverter, JSON_CONVERTER_CLASS } from './json.ts';
export { ByteArrayConverter, NumberConverter, StringConverter, BYTE_ARRAY_CONVERTER_CLASS, STRING_CONVERTER_CLASS } from './simple.ts';

const VERSION = '1.0.0';

export const builtinConverters: readonly ConverterPlugin[] = [
  { className: JSON_CONVERTER_CLASS, aliases: ['JsonConverter', 'Json'], version: VERSION, create: () => new JsonConverter() },
  { className: STRING_CONVERTER_CLASS, aliases: ['StringConverter', 'String'], version: VERSION, create: () => new StringConverter() },
  { className: BYTE_ARRAY_CONVERTER_CLASS, aliases: ['ByteArrayConverter', 'ByteArray'], version: VERSION, create: () => new ByteArrayConverter() },
  { className: 'org.apache.kafka.connect.converters.ShortConverter', aliases: ['ShortConverter'], version: VERSION, create: () => new NumberConverter('int16') },
  { className: 'org.apache.kafka.connect.converters.IntegerConverter', aliases: ['IntegerConverter'], version: VERSION, create: () => new NumberConverter('int32') },
  { className: 'org.apache.kafka.connect.converters.LongConverter', aliases: ['LongConverter'], version: VERSION, create: () => new NumberConverter('int64') },
  { className: 'org.apache.kafka.connect.converters.FloatConverter', aliases: ['FloatConverter'], version: VERSION, create: () => new NumberConverter('float32') },
  { className: 'org.apache.kafka.connect.converters.DoubleConverter', aliases: ['DoubleConverter'], version: VERSION, create: () => new NumberConverter('float64') },
];
