// An example kstream Connect plugin module, in plain JavaScript (no build step, no dependencies).
//
// A plugin module exports lists of plugins: `connectors` (or a default export that is the list of
// connectors), `converters`, `transformations` and `predicates`. Each plugin is an object with
// `className` (what users put in connector.class / transforms.<alias>.type), optional `aliases`,
// `version` and `create()`; connectors also say `type: 'source' | 'sink'`. The objects that
// create() returns follow kstream's connector API (src/connect/api.ts), which mirrors Kafka
// Connect's Java API.

const VERSION = '1.0.0';

// ---- CounterSourceConnector: counts up, one record per interval ---------------------------------

const INT64 = { type: 'int64', optional: false };
const STRING = { type: 'string', optional: false };

class CounterSourceConnector {
  kind = 'source';
  #props = {};

  version() {
    return VERSION;
  }

  config() {
    return [
      { name: 'topic', type: 'string', importance: 'high', documentation: 'Topic to write the counter to' },
      { name: 'interval.ms', type: 'long', defaultValue: 1000, importance: 'medium', documentation: 'Time between two records' },
      { name: 'max.count', type: 'long', defaultValue: -1, importance: 'low', documentation: 'Stop counting after this value (-1: never)' },
    ];
  }

  start(props) {
    this.#props = { ...props };
  }

  taskConfigs() {
    // One counter: one task.
    return [{ ...this.#props }];
  }

  stop() {}

  createTask() {
    return new CounterSourceTask();
  }
}

class CounterSourceTask {
  #name = '';
  #topic = '';
  #intervalMs = 1000;
  #maxCount = -1;
  #next = 0;
  #lastSent = 0;

  version() {
    return VERSION;
  }

  // Resumes after the last committed value: source partition {counter}, offset {value}.
  async start(props, context) {
    this.#name = props.name ?? 'counter';
    this.#topic = props.topic;
    this.#intervalMs = Number(props['interval.ms'] ?? 1000);
    this.#maxCount = Number(props['max.count'] ?? -1);
    const offset = await context.offsetStorageReader.offset({ counter: this.#name });
    this.#next = offset && typeof offset.value === 'number' ? offset.value + 1 : 0;
  }

  async poll() {
    if (this.#maxCount >= 0 && this.#next > this.#maxCount) return null;
    const now = Date.now();
    if (now - this.#lastSent < this.#intervalMs) return null;
    this.#lastSent = now;
    const value = this.#next++;
    return [
      {
        topic: this.#topic,
        kafkaPartition: null,
        keySchema: STRING,
        key: this.#name,
        valueSchema: INT64,
        value,
        timestamp: now,
        headers: [],
        sourcePartition: { counter: this.#name },
        sourceOffset: { value },
      },
    ];
  }

  stop() {}
}

// ---- UppercaseValue: upper-cases string values ------------------------------------------------------

class UppercaseValue {
  configure() {}

  apply(record) {
    if (typeof record.value !== 'string') return record;
    return { ...record, value: record.value.toUpperCase() };
  }

  config() {
    return [];
  }
}

export const connectors = [
  {
    className: 'com.example.connect.CounterSourceConnector',
    aliases: ['CounterSource'],
    type: 'source',
    version: VERSION,
    create: () => new CounterSourceConnector(),
  },
];

export const transformations = [
  {
    className: 'com.example.connect.UppercaseValue',
    aliases: ['UppercaseValue'],
    version: VERSION,
    create: () => new UppercaseValue(),
  },
];
