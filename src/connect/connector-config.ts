/**
 * The connector configuration vocabulary (Kafka Connect's names), shared by every connector:
 *
 *   name, connector.class (full class name or alias), tasks.max,
 *   topics / topics.regex (sinks), key.converter / value.converter (+ their prefixed settings),
 *   transforms (+ transforms.<alias>.type / .predicate / .negate / settings),
 *   predicates (+ predicates.<alias>.type / settings),
 *   errors.tolerance none|all, errors.retry.timeout, errors.retry.delay.max.ms,
 *   errors.log.enable, errors.log.include.messages,
 *   errors.deadletterqueue.topic.name, errors.deadletterqueue.topic.replication.factor,
 *   errors.deadletterqueue.context.headers.enable (sinks).
 *
 * The definitions below are ConfigDefs, so config/validate reports these settings as Connect does
 * (groups Common, Transforms, Predicates, Error Handling).
 */
import type { ConfigDef, ConfigKey } from './api.ts';
import { ConnectConfigError, splitList, type ConverterConfig } from './worker-config.ts';

export type ConnectorKind = 'source' | 'sink';

export interface TransformSpec {
  alias: string;
  type: string;
  /** Every `transforms.<alias>.` setting, prefix removed (type included, as Connect passes them). */
  props: Record<string, string>;
  predicate: string | null;
  negate: boolean;
}

export interface PredicateSpec {
  alias: string;
  type: string;
  props: Record<string, string>;
}

export interface ErrorHandlingConfig {
  tolerance: 'none' | 'all';
  /** ms; 0: no retries; -1: retry forever. */
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  dlqTopic: string | null;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

export interface ConnectorConfig {
  name: string;
  connectorClass: string;
  tasksMax: number;
  topics: string[];
  topicsRegex: RegExp | null;
  keyConverter: ConverterConfig | null;
  valueConverter: ConverterConfig | null;
  transforms: TransformSpec[];
  predicates: PredicateSpec[];
  errors: ErrorHandlingConfig;
  raw: Record<string, string>;
}

const COMMON = 'Common';
const TRANSFORMS = 'Transforms';
const PREDICATES = 'Predicates';
const ERRORS = 'Error Handling';

export const COMMON_CONFIG_DEF: ConfigDef = [
  { name: 'name', type: 'string', importance: 'high', documentation: 'Globally unique name to use for this connector.', group: COMMON, orderInGroup: 1, width: 'medium', displayName: 'Connector name' },
  { name: 'connector.class', type: 'string', importance: 'high', documentation: 'Name or alias of the class for this connector.', group: COMMON, orderInGroup: 2, width: 'long', displayName: 'Connector class' },
  { name: 'tasks.max', type: 'int', defaultValue: 1, importance: 'high', documentation: 'Maximum number of tasks to use for this connector.', group: COMMON, orderInGroup: 3, width: 'short', displayName: 'Tasks max', validate: (v) => (Number.isInteger(Number(v)) && Number(v) >= 1 ? undefined : 'Value must be at least 1') },
  { name: 'key.converter', type: 'class', defaultValue: null, importance: 'low', documentation: 'Converter class for keys; overrides the worker\'s key.converter.', group: COMMON, orderInGroup: 4, width: 'short', displayName: 'Key converter class' },
  { name: 'value.converter', type: 'class', defaultValue: null, importance: 'low', documentation: 'Converter class for values; overrides the worker\'s value.converter.', group: COMMON, orderInGroup: 5, width: 'short', displayName: 'Value converter class' },
  { name: 'header.converter', type: 'class', defaultValue: null, importance: 'low', documentation: 'Accepted for compatibility; headers are written as text.', group: COMMON, orderInGroup: 6, width: 'short', displayName: 'Header converter class' },
  { name: 'config.action.reload', type: 'string', defaultValue: 'restart', importance: 'low', documentation: 'Accepted for compatibility.', group: COMMON, orderInGroup: 7, width: 'medium', displayName: 'Reload Action', recommendedValues: ['none', 'restart'] },
  { name: 'transforms', type: 'list', defaultValue: [], importance: 'low', documentation: 'Aliases for the transformations to be applied to records.', group: TRANSFORMS, orderInGroup: 1, width: 'long', displayName: 'Transforms' },
  { name: 'predicates', type: 'list', defaultValue: [], importance: 'low', documentation: 'Aliases for the predicates used by transformations.', group: PREDICATES, orderInGroup: 1, width: 'long', displayName: 'Predicates' },
  { name: 'errors.retry.timeout', type: 'long', defaultValue: 0, importance: 'medium', documentation: 'The maximum duration in milliseconds that a failed operation will be reattempted. The default is 0, which means no retries will be attempted. Use -1 for infinite retries.', group: ERRORS, orderInGroup: 1, width: 'medium', displayName: 'Retry Timeout for Errors' },
  { name: 'errors.retry.delay.max.ms', type: 'long', defaultValue: 60000, importance: 'medium', documentation: 'The maximum duration in milliseconds between consecutive retry attempts.', group: ERRORS, orderInGroup: 2, width: 'medium', displayName: 'Maximum Delay Between Retries for Errors' },
  { name: 'errors.tolerance', type: 'string', defaultValue: 'none', importance: 'medium', documentation: 'Behavior for tolerating errors during connector operation. \'none\' is the default value and signals that any error will result in an immediate connector task failure; \'all\' changes the behavior to skip over problematic records.', group: ERRORS, orderInGroup: 3, width: 'short', displayName: 'Error Tolerance', recommendedValues: ['none', 'all'], validate: (v) => (v === 'none' || v === 'all' ? undefined : 'String must be one of: none, all') },
  { name: 'errors.log.enable', type: 'boolean', defaultValue: false, importance: 'medium', documentation: 'If true, write each error and the details of the failed operation and problematic record to the Connect application log.', group: ERRORS, orderInGroup: 4, width: 'short', displayName: 'Log Errors' },
  { name: 'errors.log.include.messages', type: 'boolean', defaultValue: false, importance: 'medium', documentation: 'Whether to include in the log the Connect record that resulted in a failure.', group: ERRORS, orderInGroup: 5, width: 'short', displayName: 'Log Error Details' },
];

export const SINK_CONFIG_DEF: ConfigDef = [
  { name: 'topics', type: 'list', defaultValue: '', importance: 'high', documentation: 'List of topics to consume, separated by commas', group: COMMON, orderInGroup: 4, width: 'long', displayName: 'Topics' },
  { name: 'topics.regex', type: 'string', defaultValue: '', importance: 'high', documentation: 'Regular expression giving topics to consume. Only one of topics or topics.regex should be specified.', group: COMMON, orderInGroup: 4, width: 'long', displayName: 'Topics regex' },
  { name: 'errors.deadletterqueue.topic.name', type: 'string', defaultValue: '', importance: 'medium', documentation: 'The name of the topic to be used as the dead letter queue (DLQ) for messages that result in an error when processed by this sink connector, or its transformations or converters. The topic name is blank by default, which means that no messages are to be recorded in the DLQ.', group: ERRORS, orderInGroup: 6, width: 'medium', displayName: 'Dead Letter Queue Topic Name' },
  { name: 'errors.deadletterqueue.topic.replication.factor', type: 'int', defaultValue: 3, importance: 'medium', documentation: 'Replication factor used to create the dead letter queue topic when it doesn\'t already exist (falls back to the broker default when the cluster has fewer brokers).', group: ERRORS, orderInGroup: 7, width: 'medium', displayName: 'Dead Letter Queue Topic Replication Factor' },
  { name: 'errors.deadletterqueue.context.headers.enable', type: 'boolean', defaultValue: false, importance: 'medium', documentation: 'If true, add headers containing error context to the messages written to the dead letter queue.', group: ERRORS, orderInGroup: 8, width: 'medium', displayName: 'Enable Error Context Headers' },
];

export const SOURCE_CONFIG_DEF: ConfigDef = [];

export function frameworkConfigDef(kind: ConnectorKind): ConfigDef {
  return [...COMMON_CONFIG_DEF, ...(kind === 'sink' ? SINK_CONFIG_DEF : SOURCE_CONFIG_DEF)];
}

/** Settings of transforms/predicates entries themselves (beyond their plugin's ConfigDef). */
export function transformEntryDef(alias: string, index: number): ConfigKey[] {
  const group = `Transforms: ${alias}`;
  return [
    { name: `transforms.${alias}.type`, type: 'class', importance: 'high', documentation: 'Class for the \'' + alias + '\' transformation.', group, orderInGroup: index * 100, width: 'long', displayName: 'Transformation type for ' + alias },
    { name: `transforms.${alias}.negate`, type: 'boolean', defaultValue: false, importance: 'medium', documentation: 'Whether the configured predicate should be negated.', group, orderInGroup: index * 100 + 1, width: 'short', displayName: 'Negate' },
    { name: `transforms.${alias}.predicate`, type: 'string', defaultValue: null, importance: 'medium', documentation: 'The alias of a predicate used to determine whether to apply this transformation.', group, orderInGroup: index * 100 + 2, width: 'medium', displayName: 'Predicate' },
  ];
}

export function predicateEntryDef(alias: string, index: number): ConfigKey[] {
  const group = `Predicates: ${alias}`;
  return [{ name: `predicates.${alias}.type`, type: 'class', importance: 'high', documentation: 'Class for the \'' + alias + '\' predicate.', group, orderInGroup: index * 100, width: 'long', displayName: 'Predicate type for ' + alias }];
}

function parseBoolean(raw: Record<string, string>, key: string, dflt: boolean, errors: Map<string, string[]>): boolean {
  const v = raw[key];
  if (v === undefined || v.trim() === '') return dflt;
  const t = v.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  addError(errors, key, `Invalid value ${v} for configuration ${key}: Expected value to be either true or false`);
  return dflt;
}

function parseInt(raw: Record<string, string>, key: string, dflt: number, min: number, errors: Map<string, string[]>): number {
  const v = raw[key];
  if (v === undefined || v.trim() === '') return dflt;
  const n = Number(v.trim());
  if (!Number.isInteger(n)) {
    addError(errors, key, `Invalid value ${v} for configuration ${key}: Not a number of type ${Math.abs(n) > 2 ** 31 ? 'LONG' : 'INT'}`);
    return dflt;
  }
  if (n < min) {
    addError(errors, key, `Invalid value ${v} for configuration ${key}: Value must be at least ${min}`);
    return dflt;
  }
  return n;
}

function addError(errors: Map<string, string[]>, key: string, message: string): void {
  errors.set(key, [...(errors.get(key) ?? []), message]);
}

function prefixed(raw: Record<string, string>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * Parses the framework part of a connector config. Returns the config and the errors by key (the
 * connector's own settings are validated against its ConfigDef elsewhere).
 */
export function parseConnectorConfig(raw: Record<string, string>, kind: ConnectorKind): { config: ConnectorConfig; errors: Map<string, string[]> } {
  const errors = new Map<string, string[]>();
  const name = (raw.name ?? '').trim();
  if (name === '') addError(errors, 'name', 'Missing required configuration "name" which has no default value.');
  else if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) addError(errors, 'name', 'Invalid value for configuration name: Connector name cannot contain ISO control characters');
  const connectorClass = (raw['connector.class'] ?? '').trim();
  if (connectorClass === '') addError(errors, 'connector.class', 'Missing required configuration "connector.class" which has no default value.');
  const tasksMax = parseInt(raw, 'tasks.max', 1, 1, errors);

  let topics: string[] = [];
  let topicsRegex: RegExp | null = null;
  if (kind === 'sink') {
    topics = splitList(raw.topics);
    const regex = (raw['topics.regex'] ?? '').trim();
    if (topics.length > 0 && regex !== '') addError(errors, 'topics', 'topics and topics.regex are mutually exclusive options, but both are set.');
    else if (topics.length === 0 && regex === '') addError(errors, 'topics', 'Must configure one of topics or topics.regex');
    if (regex !== '') {
      try {
        topicsRegex = new RegExp(`^(?:${regex})$`);
      } catch (err) {
        addError(errors, 'topics.regex', `Invalid value ${regex} for configuration topics.regex: ${(err as Error).message}`);
      }
    }
  }

  const converter = (which: 'key' | 'value'): ConverterConfig | null => {
    const cls = raw[`${which}.converter`]?.trim();
    return cls ? { className: cls, props: prefixed(raw, `${which}.converter.`) } : null;
  };

  // transforms and predicates
  const predicateAliases = splitList(raw.predicates);
  const predicates: PredicateSpec[] = [];
  for (const alias of new Set(predicateAliases)) {
    const type = raw[`predicates.${alias}.type`]?.trim();
    if (!type) addError(errors, `predicates.${alias}.type`, `Missing required configuration "predicates.${alias}.type" which has no default value.`);
    predicates.push({ alias, type: type ?? '', props: prefixed(raw, `predicates.${alias}.`) });
  }
  if (predicateAliases.length !== new Set(predicateAliases).size) addError(errors, 'predicates', 'Duplicate alias provided.');
  const transformAliases = splitList(raw.transforms);
  if (transformAliases.length !== new Set(transformAliases).size) addError(errors, 'transforms', 'Duplicate alias provided.');
  const transforms: TransformSpec[] = [];
  for (const alias of new Set(transformAliases)) {
    const type = raw[`transforms.${alias}.type`]?.trim();
    if (!type) addError(errors, `transforms.${alias}.type`, `Missing required configuration "transforms.${alias}.type" which has no default value.`);
    const predicate = raw[`transforms.${alias}.predicate`]?.trim() || null;
    if (predicate !== null && !predicateAliases.includes(predicate)) {
      addError(errors, `transforms.${alias}.predicate`, `Invalid value ${predicate} for configuration transforms.${alias}.predicate: The predicate ${predicate} is not defined in predicates.`);
    }
    const negate = parseBoolean(raw, `transforms.${alias}.negate`, false, errors);
    transforms.push({ alias, type: type ?? '', props: prefixed(raw, `transforms.${alias}.`), predicate, negate });
  }

  // error handling
  const toleranceRaw = (raw['errors.tolerance'] ?? 'none').trim().toLowerCase();
  if (toleranceRaw !== 'none' && toleranceRaw !== 'all') addError(errors, 'errors.tolerance', `Invalid value ${raw['errors.tolerance']} for configuration errors.tolerance: String must be one of: none, all`);
  const dlqTopic = kind === 'sink' ? (raw['errors.deadletterqueue.topic.name'] ?? '').trim() || null : null;
  if (dlqTopic !== null && (topics.includes(dlqTopic) || topicsRegex?.test(dlqTopic))) {
    addError(
      errors,
      'errors.deadletterqueue.topic.name',
      `The DLQ topic '${dlqTopic}' may not be included in the list of topics ('${topics.length > 0 ? 'topics' : 'topics.regex'}=${topics.length > 0 ? topics.join(',') : raw['topics.regex']}') to be consumed.`,
    );
  }
  const errorsConfig: ErrorHandlingConfig = {
    tolerance: toleranceRaw === 'all' ? 'all' : 'none',
    retryTimeoutMs: parseInt(raw, 'errors.retry.timeout', 0, -1, errors),
    retryDelayMaxMs: parseInt(raw, 'errors.retry.delay.max.ms', 60_000, 1, errors),
    logEnable: parseBoolean(raw, 'errors.log.enable', false, errors),
    logIncludeMessages: parseBoolean(raw, 'errors.log.include.messages', false, errors),
    dlqTopic,
    dlqReplicationFactor: parseInt(raw, 'errors.deadletterqueue.topic.replication.factor', 3, -1, errors),
    dlqContextHeaders: parseBoolean(raw, 'errors.deadletterqueue.context.headers.enable', false, errors),
  };

  return {
    config: {
      name,
      connectorClass,
      tasksMax,
      topics,
      topicsRegex,
      keyConverter: converter('key'),
      valueConverter: converter('value'),
      transforms,
      predicates,
      errors: errorsConfig,
      raw: { ...raw },
    },
    errors,
  };
}

/** Connect's message for an invalid configuration (400 on the REST API). */
export function invalidConfigMessage(errors: ReadonlyMap<string, readonly string[]>): string {
  const lines = [...errors.values()].flat();
  return `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``;
}

/** Parses or throws ConnectConfigError with Connect's message. */
export function requireConnectorConfig(raw: Record<string, string>, kind: ConnectorKind): ConnectorConfig {
  const { config, errors } = parseConnectorConfig(raw, kind);
  if (errors.size > 0) throw new ConnectConfigError(invalidConfigMessage(errors));
  return config;
}

/** The class name Connect puts in task configs (`task.class`): FooConnector → FooTask. */
export function taskClassName(connectorClass: string): string {
  return connectorClass.endsWith('Connector') ? `${connectorClass.slice(0, -'Connector'.length)}Task` : `${connectorClass}Task`;
}
