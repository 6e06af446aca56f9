/**
 * TimestampRouter (`org.apache.kafka.connect.transforms.TimestampRouter`): routes a record to
 * `topic.format` (default `${topic}-${timestamp}`), where `${topic}` is its topic and
 * `${timestamp}` its timestamp formatted with `timestamp.format` (a SimpleDateFormat pattern,
 * UTC; default `yyyyMMdd`). Typically used by sinks writing time-partitioned indexes or tables.
 */
import type { ConfigDef, ConnectRecord, Transformation, TransformationPlugin } from '../api.ts';
import { DateFormat } from './date-format.ts';
import { ConfigError, DataError, TRANSFORMS_VERSION, newRecord, parseConfig, validators } from './support.ts';

const CONFIG: ConfigDef = [
  { name: 'topic.format', type: 'string', defaultValue: '${topic}-${timestamp}', importance: 'high', documentation: 'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.', validate: validators.nonEmptyString },
  { name: 'timestamp.format', type: 'string', defaultValue: 'yyyyMMdd', importance: 'high', documentation: 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat.', validate: validators.nonEmptyString },
];

export class TimestampRouter implements Transformation {
  #topicFormat = '${topic}-${timestamp}';
  #format = new DateFormat('yyyyMMdd');

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    this.#topicFormat = c.string('topic.format') ?? this.#topicFormat;
    const pattern = c.string('timestamp.format') ?? 'yyyyMMdd';
    try {
      this.#format = new DateFormat(pattern);
    } catch (err) {
      throw new ConfigError(`Invalid value ${pattern} for configuration timestamp.format: ${(err as Error).message}`, 'timestamp.format');
    }
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    if (record.timestamp === null || record.timestamp === undefined) {
      throw new DataError(`Timestamp missing on record: topic ${record.topic}, partition ${String(record.kafkaPartition)} (TimestampRouter needs record timestamps)`);
    }
    const timestamp = this.#format.format(record.timestamp);
    const topic = this.#topicFormat.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', timestamp);
    return newRecord(record, { topic });
  }
}

export const timestampRouterPlugins: TransformationPlugin[] = [
  { className: 'org.apache.kafka.connect.transforms.TimestampRouter', aliases: ['TimestampRouter'], version: TRANSFORMS_VERSION, create: () => new TimestampRouter() },
];
