/**
 * Reads connector properties (all strings, as Connect passes them) against a ConfigDef: defaults,
 * types and the keys' own validators, the way Kafka Connect's AbstractConfig does.
 */
import type { ConfigDef, ConfigKey } from '../../api.ts';

export type ConfigValue = string | number | boolean | readonly string[] | null;

export class ConfigError extends Error {
  readonly errors: Record<string, string[]>;
  constructor(errors: Record<string, string[]>) {
    super(
      'invalid configuration: ' +
        Object.entries(errors)
          .map(([k, v]) => `${k}: ${v.join('; ')}`)
          .join(', '),
    );
    this.name = 'ConfigError';
    this.errors = errors;
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseOne(key: ConfigKey, raw: string): { value?: ConfigValue; error?: string } {
  const text = raw.trim();
  switch (key.type) {
    case 'int':
    case 'long': {
      if (!/^[-+]?\d+$/.test(text)) return { error: `must be an integer, got ${JSON.stringify(raw)}` };
      const n = Number(text);
      if (!Number.isSafeInteger(n)) return { error: 'out of range' };
      if (key.type === 'int' && (n < -2147483648 || n > 2147483647)) return { error: 'out of range for an int' };
      return { value: n };
    }
    case 'double': {
      const n = Number(text);
      if (text === '' || Number.isNaN(n)) return { error: `must be a number, got ${JSON.stringify(raw)}` };
      return { value: n };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true') return { value: true };
      if (lower === 'false') return { value: false };
      return { error: `must be true or false, got ${JSON.stringify(raw)}` };
    }
    case 'list':
      return { value: splitList(raw) };
    default:
      return { value: raw };
  }
}

function defaultOf(key: ConfigKey): ConfigValue | undefined {
  const d = key.defaultValue;
  if (d === undefined) return undefined;
  if (d === null) return null;
  if (key.type === 'list' && typeof d === 'string') return splitList(d);
  return d;
}

/** Validates props against the definition; returns error messages by key (empty when valid). */
export function validateConfig(def: ConfigDef, props: Readonly<Record<string, string>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const add = (name: string, message: string): void => {
    (errors[name] ??= []).push(message);
  };
  for (const key of def) {
    const raw = props[key.name];
    if (raw === undefined) {
      if (key.defaultValue === undefined) add(key.name, 'Missing required configuration "' + key.name + '" which has no default value.');
      continue;
    }
    const parsed = parseOne(key, raw);
    if (parsed.error) {
      add(key.name, parsed.error);
      continue;
    }
    const message = key.validate?.(parsed.value, props);
    if (message) add(key.name, message);
  }
  return errors;
}

/** Parsed values by key (defaults filled in). Throws ConfigError when invalid. */
export class ConfigValues {
  private readonly values = new Map<string, ConfigValue>();
  readonly props: Readonly<Record<string, string>>;

  constructor(def: ConfigDef, props: Readonly<Record<string, string>>) {
    const errors = validateConfig(def, props);
    if (Object.keys(errors).length > 0) throw new ConfigError(errors);
    this.props = props;
    for (const key of def) {
      const raw = props[key.name];
      const value = raw === undefined ? defaultOf(key) : parseOne(key, raw).value;
      this.values.set(key.name, value ?? null);
    }
  }

  has(name: string): boolean {
    return this.props[name] !== undefined;
  }

  string(name: string): string {
    const v = this.values.get(name);
    return v === null || v === undefined ? '' : String(v);
  }

  optionalString(name: string): string | null {
    const v = this.values.get(name);
    return v === null || v === undefined || v === '' ? null : String(v);
  }

  int(name: string): number {
    const v = this.values.get(name);
    if (typeof v !== 'number') throw new Error(`config ${name} is not a number`);
    return v;
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  list(name: string): string[] {
    const v = this.values.get(name);
    if (Array.isArray(v)) return [...(v as readonly string[])];
    if (typeof v === 'string') return splitList(v);
    return [];
  }

  /** The first of several synonymous keys that is set (e.g. table.include.list, table.whitelist). */
  firstList(...names: string[]): string[] {
    for (const name of names) if (this.has(name)) return this.list(name);
    return this.list(names[0]);
  }
}

/** Validators accept the raw string (as the runtime's config validation passes it) or the parsed value. */
export const validators = {
  oneOf(values: readonly string[]) {
    return (value: unknown): string | undefined => {
      const v = typeof value === 'string' ? value.trim() : value;
      return typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`;
    };
  },
  atLeast(min: number) {
    return (value: unknown): string | undefined => {
      const n = typeof value === 'string' ? Number(value.trim()) : value;
      return typeof n === 'number' && Number.isFinite(n) && n >= min ? undefined : `must be at least ${min}`;
    };
  },
};
