/**
 * RegexRouter (`org.apache.kafka.connect.transforms.RegexRouter`): when the whole topic name
 * matches `regex` (Java syntax), the topic becomes `replacement`, in which `$1` / `${name}`
 * refer to the regex's groups (Java's Matcher.replaceFirst). Other records pass unchanged.
 */
import type { ConfigDef, ConnectRecord, Transformation, TransformationPlugin } from '../api.ts';
import { ConfigError, DataError, TRANSFORMS_VERSION, expandJavaReplacement, javaRegex, newRecord, parseConfig, validators } from './support.ts';

const CONFIG: ConfigDef = [
  { name: 'regex', type: 'string', importance: 'high', documentation: 'Regular expression to use for matching.', validate: validators.regex },
  { name: 'replacement', type: 'string', importance: 'high', documentation: 'Replacement string.' },
];

export class RegexRouter implements Transformation {
  #regex: RegExp = /$^/;
  #replacement = '';

  config(): ConfigDef {
    return CONFIG;
  }

  configure(props: Readonly<Record<string, string>>): void {
    const c = parseConfig(CONFIG, props);
    this.#regex = javaRegex(c.string('regex') ?? '');
    this.#replacement = c.string('replacement') ?? '';
    // Check the group references now rather than on the first matching record.
    const groups = new RegExp(`${this.#regex.source}|`).exec('');
    if (groups) {
      try {
        expandJavaReplacement(this.#replacement, groups);
      } catch (err) {
        throw new ConfigError(`Invalid value ${this.#replacement} for configuration replacement: ${(err as Error).message}`, 'replacement');
      }
    }
  }

  apply<R extends ConnectRecord>(record: R): R | null {
    const match = this.#regex.exec(record.topic);
    if (!match) return record;
    let topic: string;
    try {
      topic = expandJavaReplacement(this.#replacement, match);
    } catch (err) {
      throw new DataError(`RegexRouter: ${(err as Error).message}`);
    }
    return newRecord(record, { topic });
  }
}

export const regexRouterPlugins: TransformationPlugin[] = [
  { className: 'org.apache.kafka.connect.transforms.RegexRouter', aliases: ['RegexRouter'], version: TRANSFORMS_VERSION, create: () => new RegexRouter() },
];
