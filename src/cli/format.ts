/**
 * Machine-readable output formats for command results: json (one document), ndjson (one
 * line per item of a list result, or the one object), yaml (block style, strings quoted when
 * they would read as something else). Bigints print as numbers in YAML and as strings in JSON
 * (JSON numbers lose precision past 2^53; see toJson).
 */
import { toJson } from './output.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const PLAIN = /^[A-Za-z_./][A-Za-z0-9_./ :@-]*$/;
const RESERVED = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

function yamlScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = String(v);
  if (s === '' || !PLAIN.test(s) || RESERVED.test(s) || /^[0-9.+-]/.test(s) || s.endsWith(' ') || s.includes(': ') || s.includes(' #')) return JSON.stringify(s);
  return s;
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v !== 'object' || Buffer.isBuffer(v);
}

/** YAML for plain data (objects, arrays, scalars). */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Buffer.isBuffer(value)) return yamlScalar(value.toString('base64'));
  if (isScalar(value)) return yamlScalar(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return value
      .map((item) => {
        if (isScalar(item)) return `${pad}- ${yamlScalar(item)}`;
        const inner = toYaml(item, indent + 2);
        return `${pad}- ${inner.slice(indent + 2)}`;
      })
      .join('\n');
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return entries
    .map(([k, v]) => {
      const key = yamlScalar(k);
      if (isScalar(v) || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0)) {
        return `${pad}${key}: ${toYaml(v, 0)}`;
      }
      return `${pad}${key}:\n${toYaml(v, indent + 2)}`;
    })
    .join('\n');
}

/** The text to print for a result in a machine format. */
export function formatResult(format: Exclude<OutputFormat, 'table'>, result: unknown, listKey?: string): string {
  switch (format) {
    case 'json':
      return toJson(result) + '\n';
    case 'yaml':
      return toYaml(result) + '\n';
    case 'ndjson': {
      const list = Array.isArray(result) ? result : listKey && result && typeof result === 'object' ? (result as Record<string, unknown>)[listKey] : undefined;
      if (Array.isArray(list)) return list.map((item) => JSON.stringify(JSON.parse(toJson(item)))).join('\n') + (list.length ? '\n' : '');
      return JSON.stringify(JSON.parse(toJson(result))) + '\n';
    }
  }
}
