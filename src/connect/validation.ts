/**
 * Connector config validation as Kafka Connect reports it (PUT /connector-plugins/{plugin}/config/validate,
 * and the 400 on create/update): the framework settings (connector-config.ts), the connector's
 * ConfigDef and `validate()`, and each transformation's and predicate's ConfigDef under its prefix.
 */
import type { ConfigDef, ConfigKey, ConnectorPlugin } from './api.ts';
import type { ConfigInfos } from './herder.ts';
import { frameworkConfigDef, parseConnectorConfig, predicateEntryDef, transformEntryDef } from './connector-config.ts';
import type { PluginRegistry } from './plugins.ts';

type ConfigInfo = ConfigInfos['configs'][number];

function defaultText(value: ConfigKey['defaultValue']): string | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Type checks of ConfigDef values, with Connect's messages. */
export function checkConfigValue(key: ConfigKey, raw: string): string | undefined {
  const v = raw.trim();
  const invalid = (why: string) => `Invalid value ${raw} for configuration ${key.name}: ${why}`;
  switch (key.type) {
    case 'int': {
      const n = Number(v);
      if (v === '' || !Number.isInteger(n) || n < -2147483648 || n > 2147483647) return invalid('Not a number of type INT');
      return undefined;
    }
    case 'long': {
      if (!/^[+-]?\d+$/.test(v)) return invalid('Not a number of type LONG');
      const n = BigInt(v);
      if (n < -(2n ** 63n) || n >= 2n ** 63n) return invalid('Not a number of type LONG');
      return undefined;
    }
    case 'double':
      if (v === '' || !Number.isFinite(Number(v))) return invalid('Not a number of type DOUBLE');
      return undefined;
    case 'boolean':
      if (v.toLowerCase() !== 'true' && v.toLowerCase() !== 'false') return invalid('Expected value to be either true or false');
      return undefined;
    default:
      return undefined;
  }
}

function info(key: ConfigKey, props: Record<string, string>, extraErrors: readonly string[] = []): ConfigInfo {
  const raw = props[key.name];
  const errors: string[] = [];
  if (raw === undefined) {
    if (key.defaultValue === undefined) errors.push(`Missing required configuration "${key.name}" which has no default value.`);
  } else {
    const typeError = checkConfigValue(key, raw);
    if (typeError) errors.push(typeError);
    else if (key.validate) {
      const message = key.validate(raw, props);
      if (message) errors.push(message.startsWith('Invalid value') || message.startsWith('Missing') ? message : `Invalid value ${raw} for configuration ${key.name}: ${message}`);
    }
  }
  for (const e of extraErrors) if (!errors.includes(e)) errors.push(e);
  const shown = raw ?? defaultText(key.defaultValue);
  return {
    definition: {
      name: key.name,
      type: key.type.toUpperCase(),
      required: key.defaultValue === undefined,
      default_value: defaultText(key.defaultValue),
      importance: key.importance.toUpperCase(),
      documentation: key.documentation,
      group: key.group ?? null,
      order_in_group: key.orderInGroup ?? -1,
      width: (key.width ?? 'none').toUpperCase(),
      display_name: key.displayName ?? key.name,
      dependents: [...(key.dependents ?? [])],
    },
    value: {
      name: key.name,
      value: key.type === 'password' && shown !== null ? '[hidden]' : shown,
      recommended_values: [...(key.recommendedValues ?? [])],
      errors,
      visible: true,
    },
  };
}

function prefixedDef(prefix: string, def: ConfigDef, group: string): ConfigKey[] {
  return def.map((k) => ({ ...k, name: `${prefix}${k.name}`, group: k.group ?? group }));
}

/**
 * Validates a config for a connector plugin. Framework parse errors, the connector's own checks,
 * and the transformations' and predicates' settings are all reported by key.
 */
export function validateConnectorConfig(plugin: ConnectorPlugin, props: Record<string, string>, plugins: PluginRegistry): ConfigInfos {
  const kind = plugin.type;
  const { errors: frameworkErrors } = parseConnectorConfig(props, kind);
  const connector = plugin.create();
  const extra = new Map<string, string[]>();
  for (const [k, list] of frameworkErrors) extra.set(k, [...list]);

  const defs: ConfigKey[] = [...frameworkConfigDef(kind)];
  const known = new Set(defs.map((d) => d.name));

  // Transformations and predicates: their entries and their own settings.
  const aliases = (raw: string | undefined) => (raw ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  aliases(props.transforms).forEach((alias, i) => {
    defs.push(...transformEntryDef(alias, i));
    const type = props[`transforms.${alias}.type`]?.trim();
    const t = type ? plugins.transformation(type) : undefined;
    if (type && !t) extra.set(`transforms.${alias}.type`, [...(extra.get(`transforms.${alias}.type`) ?? []), `Invalid value ${type} for configuration transforms.${alias}.type: Class ${type} could not be found.`]);
    if (t) {
      const instance = t.create();
      defs.push(...prefixedDef(`transforms.${alias}.`, instance.config(), `Transforms: ${alias}`));
      const { predicate: _p, negate: _n, ...own } = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith(`transforms.${alias}.`)).map(([k, v]) => [k.slice(`transforms.${alias}.`.length), v]));
      try {
        instance.configure(own);
      } catch (err) {
        const setting = (err as { setting?: unknown }).setting;
        const key = typeof setting === 'string' ? `transforms.${alias}.${setting}` : `transforms.${alias}.type`;
        extra.set(key, [...(extra.get(key) ?? []), (err as Error).message]);
      } finally {
        instance.close?.();
      }
    }
  });
  aliases(props.predicates).forEach((alias, i) => {
    defs.push(...predicateEntryDef(alias, i));
    const type = props[`predicates.${alias}.type`]?.trim();
    const p = type ? plugins.predicate(type) : undefined;
    if (type && !p) extra.set(`predicates.${alias}.type`, [...(extra.get(`predicates.${alias}.type`) ?? []), `Invalid value ${type} for configuration predicates.${alias}.type: Class ${type} could not be found.`]);
    if (p) {
      const instance = p.create();
      defs.push(...prefixedDef(`predicates.${alias}.`, instance.config(), `Predicates: ${alias}`));
      const own = Object.fromEntries(Object.entries(props).filter(([k]) => k.startsWith(`predicates.${alias}.`)).map(([k, v]) => [k.slice(`predicates.${alias}.`.length), v]));
      try {
        instance.configure(own);
      } catch (err) {
        const setting = (err as { setting?: unknown }).setting;
        const key = typeof setting === 'string' ? `predicates.${alias}.${setting}` : `predicates.${alias}.type`;
        extra.set(key, [...(extra.get(key) ?? []), (err as Error).message]);
      } finally {
        instance.close?.();
      }
    }
  });
  for (const which of ['key', 'value'] as const) {
    const cls = props[`${which}.converter`]?.trim();
    if (cls && !plugins.converter(cls)) extra.set(`${which}.converter`, [`Invalid value ${cls} for configuration ${which}.converter: Class ${cls} could not be found.`]);
  }

  // The connector's own settings (those the framework does not define).
  for (const key of connector.config()) {
    if (known.has(key.name)) continue;
    defs.push(key);
    known.add(key.name);
  }
  if (connector.validate) {
    try {
      for (const [k, list] of Object.entries(connector.validate(props))) if (list.length > 0) extra.set(k, [...(extra.get(k) ?? []), ...list]);
    } catch (err) {
      extra.set('connector.class', [...(extra.get('connector.class') ?? []), (err as Error).message]);
    }
  }

  const configs = defs.map((d) => info(d, props, extra.get(d.name) ?? []));
  // Errors on keys without a definition (e.g. a missing transforms.x.type) still count.
  const defined = new Set(defs.map((d) => d.name));
  for (const [k, list] of extra) {
    if (defined.has(k)) continue;
    configs.push(info({ name: k, type: 'string', defaultValue: null, importance: 'high', documentation: '' }, props, list));
  }
  const groups: string[] = [];
  for (const d of defs) if (d.group && !groups.includes(d.group)) groups.push(d.group);
  return { name: plugin.className, error_count: configs.reduce((n, c) => n + c.value.errors.length, 0), groups, configs };
}

/** The errors of a validation, flattened in Connect's message order. */
export function validationErrors(infos: ConfigInfos): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of infos.configs) if (c.value.errors.length > 0) out.set(c.definition.name, c.value.errors);
  return out;
}
