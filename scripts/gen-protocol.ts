// Generates typed codecs from Kafka's JSON message definitions in protocol-spec/.
//
//   node scripts/gen-protocol.ts          writes src/protocol/generated/
//   node scripts/gen-protocol.ts --check  exits 1 when the files on disk differ from what it would write
//
// Output, one file per API (request and response, every version, flexible versions and tagged
// fields, decode and encode), plus api-keys.ts, registry.ts, error-codes.ts and data/ for the
// "data" schemas. The generated code imports only src/protocol/primitives.
import { readFileSync, readdirSync, writeFileSync, mkdirSync, existsSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specDir = join(root, 'protocol-spec', 'messages');
const errorsTsv = join(root, 'protocol-spec', 'errors.tsv');
const outDir = join(root, 'src', 'protocol', 'generated');
const checkOnly = process.argv.includes('--check');

interface FieldSpec {
  name: string;
  type: string;
  versions: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  fields?: FieldSpec[];
  about?: string;
  flexibleVersions?: string;
}

interface StructSpec {
  name: string;
  fields: FieldSpec[];
  versions?: string;
}

interface MessageSpec {
  apiKey?: number;
  type: 'request' | 'response' | 'data' | 'header';
  name: string;
  validVersions: string;
  flexibleVersions: string;
  deprecatedVersions?: string;
  fields: FieldSpec[];
  commonStructs?: StructSpec[];
  latestVersionUnstable?: boolean;
}

interface Range {
  min: number;
  max: number;
}

const INF = 0x7fff;

function parseRange(s: string | undefined): Range | null {
  if (s === undefined || s === 'none' || s === '') return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { min: Number(m[1]), max: INF };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[2]) };
  m = /^(\d+)$/.exec(s);
  if (m) return { min: Number(m[1]), max: Number(m[1]) };
  throw new Error(`bad version range ${s}`);
}

function intersect(a: Range | null, b: Range | null): Range | null {
  if (!a || !b) return null;
  const min = Math.max(a.min, b.min);
  const max = Math.min(a.max, b.max);
  return min <= max ? { min, max } : null;
}

function readSpec(file: string): MessageSpec {
  const text = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n');
  return JSON.parse(text) as MessageSpec;
}

function camel(name: string): string {
  if (/^[A-Z0-9]+$/.test(name)) return name.toLowerCase();
  const m = /^([A-Z]+)([A-Z][a-z].*)$/.exec(name);
  if (m) return m[1].toLowerCase() + m[2];
  return name[0].toLowerCase() + name.slice(1);
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2').toLowerCase();
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid']);

/** Writes condition code for `version` lying in `r`, given the message's valid range. */
function versionCond(r: Range, valid: Range): string {
  const parts: string[] = [];
  if (r.min > valid.min) parts.push(`version >= ${r.min}`);
  if (r.max < valid.max) parts.push(`version <= ${r.max}`);
  return parts.length ? parts.join(' && ') : 'true';
}

interface Ctx {
  valid: Range;
  flexible: Range | null;
  structs: Map<string, StructSpec>; // local name -> spec
  typeNames: Map<string, string>; // local struct name -> exported TS name
  lines: string[];
}

function tsPrimitive(type: string): string {
  switch (type) {
    case 'bool':
      return 'boolean';
    case 'int64':
      return 'bigint';
    case 'string':
    case 'uuid':
      return 'string';
    case 'bytes':
    case 'records':
      return 'Buffer';
    default:
      return 'number';
  }
}

function isNullableAnywhere(f: FieldSpec, valid: Range): boolean {
  return intersect(parseRange(f.nullableVersions), valid) !== null;
}

function tsType(ctx: Ctx, f: FieldSpec): string {
  const nullable = isNullableAnywhere(f, ctx.valid);
  let base: string;
  if (f.type.startsWith('[]')) {
    const inner = f.type.slice(2);
    base = PRIMITIVES.has(inner) ? `${tsPrimitive(inner)}[]` : `${ctx.typeNames.get(inner)}[]`;
  } else if (PRIMITIVES.has(f.type)) {
    base = tsPrimitive(f.type);
  } else {
    base = ctx.typeNames.get(f.type)!;
  }
  return nullable ? `${base} | null` : base;
}

function defaultExpr(ctx: Ctx, f: FieldSpec): string {
  const d = f.default;
  const nullable = isNullableAnywhere(f, ctx.valid);
  if (d === 'null') return 'null';
  if (f.type.startsWith('[]')) return '[]';
  switch (f.type) {
    case 'bool':
      return d === undefined ? 'false' : String(d === true || d === 'true');
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'float64':
      return d === undefined ? '0' : String(Number(d));
    case 'int64':
      return d === undefined ? '0n' : `${BigInt(String(d)).toString()}n`;
    case 'string':
      return d === undefined ? "''" : JSON.stringify(String(d));
    case 'uuid':
      return "'00000000-0000-0000-0000-000000000000'";
    case 'bytes':
    case 'records':
      return nullable ? 'null' : 'Buffer.alloc(0)';
    default:
      return nullable ? 'null' : `default${ctx.typeNames.get(f.type)}()`;
  }
}

/** Read expression for a single (non-array) value of `type`. `flex` is a JS expression or literal. */
function readScalar(ctx: Ctx, type: string, nullable: boolean, flex: string): string {
  const pick = (compact: string, classic: string): string =>
    flex === 'true' ? compact : flex === 'false' ? classic : `(${flex} ? ${compact} : ${classic})`;
  switch (type) {
    case 'bool':
      return 'r.bool()';
    case 'int8':
      return 'r.int8()';
    case 'int16':
      return 'r.int16()';
    case 'uint16':
      return 'r.uint16()';
    case 'int32':
      return 'r.int32()';
    case 'uint32':
      return 'r.uint32()';
    case 'int64':
      return 'r.int64()';
    case 'float64':
      return 'r.float64()';
    case 'uuid':
      return 'r.uuid()';
    case 'string':
      return nullable ? pick('r.compactNullableString()', 'r.nullableString()') : pick('r.compactString()', 'r.string()');
    case 'bytes':
    case 'records':
      return nullable ? pick('r.compactNullableBytes()', 'r.nullableBytes()') : pick('r.compactBytes()', 'r.bytes()');
    default: {
      const name = ctx.typeNames.get(type)!;
      if (nullable) return `(r.int8() < 0 ? null : decode${name}(r, version))`;
      return `decode${name}(r, version)`;
    }
  }
}

function writeScalar(ctx: Ctx, type: string, nullable: boolean, flex: string, value: string): string {
  const pick = (compact: string, classic: string): string =>
    flex === 'true' ? compact : flex === 'false' ? classic : `if (${flex}) ${compact}; else ${classic}`;
  switch (type) {
    case 'bool':
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
    case 'float64':
    case 'uuid':
      return `w.${type === 'bool' ? 'bool' : type}(${value})`;
    case 'string':
      return nullable
        ? pick(`w.compactNullableString(${value})`, `w.nullableString(${value})`)
        : pick(`w.compactString(${value})`, `w.string(${value})`);
    case 'bytes':
    case 'records':
      return nullable
        ? pick(`w.compactNullableBytes(${value})`, `w.nullableBytes(${value})`)
        : pick(`w.compactBytes(${value})`, `w.bytes(${value})`);
    default: {
      const name = ctx.typeNames.get(type)!;
      if (nullable) return `{ const s = ${value}; if (s === null) w.int8(-1); else { w.int8(1); encode${name}(w, version, s); } }`;
      return `encode${name}(w, version, ${value})`;
    }
  }
}

/** Flexibility of a field as code: a literal when the field's versions fall all on one side. */
function flexExpr(ctx: Ctx, f: FieldSpec, present: Range): string {
  if (f.flexibleVersions === 'none' || !ctx.flexible) return 'false';
  const fx = ctx.flexible;
  if (present.min >= fx.min) return 'true';
  if (present.max < fx.min) return 'false';
  return 'flexible';
}

function readField(ctx: Ctx, f: FieldSpec, flex: string): string {
  const nullable = isNullableAnywhere(f, ctx.valid);
  if (f.type.startsWith('[]')) {
    const inner = f.type.slice(2);
    const item = `(r) => ${readScalar(ctx, inner, false, flex)}`;
    return nullable ? `readNullableArray(r, ${flex}, ${item})` : `readArray(r, ${flex}, ${item})`;
  }
  return readScalar(ctx, f.type, nullable, flex);
}

function writeField(ctx: Ctx, f: FieldSpec, flex: string, value: string): string {
  const nullable = isNullableAnywhere(f, ctx.valid);
  if (f.type.startsWith('[]')) {
    const inner = f.type.slice(2);
    return `writeNullableArray(w, ${flex}, ${value}, (w, x) => { ${writeScalar(ctx, inner, false, flex, 'x')}; })`;
  }
  return writeScalar(ctx, f.type, nullable, flex, value);
}

function valueExpr(ctx: Ctx, f: FieldSpec): string {
  const prop = `v.${camel(f.name)}`;
  const d = defaultExpr(ctx, f);
  return isNullableAnywhere(f, ctx.valid) ? `(${prop} === undefined ? ${d} : ${prop})` : `(${prop} ?? ${d})`;
}

function structFields(fields: FieldSpec[]): { regular: FieldSpec[]; tagged: FieldSpec[] } {
  return {
    regular: fields.filter((f) => f.tag === undefined),
    tagged: fields.filter((f) => f.tag !== undefined).sort((a, b) => (a.tag ?? 0) - (b.tag ?? 0)),
  };
}

function docComment(f: FieldSpec, indent: string): string {
  const about = (f.about ?? '').replace(/\*\//g, '* /');
  const tag = f.tag !== undefined ? `, tag ${f.tag}` : '';
  return `${indent}/** ${about} (versions ${f.versions}${f.nullableVersions ? `, nullable ${f.nullableVersions}` : ''}${tag}) */`;
}

function emitStruct(ctx: Ctx, tsName: string, fields: FieldSpec[], exported: boolean): void {
  const L = ctx.lines;
  const { regular, tagged } = structFields(fields);
  const allFields = [...regular, ...tagged];

  L.push(`export interface ${tsName} {`);
  for (const f of allFields) {
    L.push(docComment(f, '  '));
    L.push(`  ${camel(f.name)}: ${tsType(ctx, f)};`);
  }
  L.push('}', '');

  // default value
  L.push(`${exported ? 'export ' : ''}function default${tsName}(): ${tsName} {`);
  L.push(`  return {`);
  for (const f of allFields) L.push(`    ${camel(f.name)}: ${defaultExpr(ctx, f)},`);
  L.push(`  };`, '}', '');

  // is every field at its default (tagged fields are written only when not)
  L.push(`${exported ? 'export ' : ''}function isDefault${tsName}(v: Init<${tsName}>): boolean {`);
  const checks = allFields.map((f) => {
    const prop = `v.${camel(f.name)}`;
    const d = defaultExpr(ctx, f);
    if (f.type.startsWith('[]')) return d === 'null' ? `(${prop} === undefined || ${prop} === null)` : `(${prop} === undefined || (${prop} !== null && ${prop}.length === 0))`;
    if (f.type === 'bytes' || f.type === 'records') return d === 'null' ? `(${prop} === undefined || ${prop} === null)` : `(${prop} === undefined || (${prop} !== null && ${prop}.length === 0))`;
    if (PRIMITIVES.has(f.type) || d === 'null') return `(${prop} === undefined || ${prop} === ${d})`;
    return `(${prop} === undefined || isDefault${ctx.typeNames.get(f.type)}(${prop}))`;
  });
  L.push(`  return ${checks.length ? checks.join(' &&\n    ') : 'true'};`, '}', '');

  const fx = ctx.flexible;
  const anyFlex = fx !== null;

  // decode
  L.push(`${exported ? 'export ' : ''}function decode${tsName}(r: Reader, version: number): ${tsName} {`);
  if (anyFlex) L.push(`  const flexible = version >= ${fx.min};`);
  L.push(`  const v: ${tsName} = {`);
  for (const f of allFields) {
    const name = camel(f.name);
    if (f.tag !== undefined) {
      L.push(`    ${name}: ${defaultExpr(ctx, f)},`);
      continue;
    }
    const present = intersect(parseRange(f.versions), ctx.valid);
    if (!present) {
      L.push(`    ${name}: ${defaultExpr(ctx, f)},`);
      continue;
    }
    const cond = versionCond(present, ctx.valid);
    const flex = flexExpr(ctx, f, present);
    const read = readField(ctx, f, flex);
    L.push(cond === 'true' ? `    ${name}: ${read},` : `    ${name}: ${cond} ? ${read} : ${defaultExpr(ctx, f)},`);
  }
  L.push('  };');
  if (anyFlex) {
    if (tagged.length === 0) {
      L.push('  if (flexible) r.skipTaggedFields();');
    } else {
      L.push('  if (flexible) {');
      L.push('    readTaggedFields(r, (tag, r) => {');
      L.push('      switch (tag) {');
      for (const f of tagged) {
        const present = intersect(parseRange(f.taggedVersions ?? f.versions), ctx.valid);
        if (!present) continue;
        const cond = versionCond(present, ctx.valid);
        L.push(`        case ${f.tag}:`);
        L.push(`          if (!(${cond})) return false;`);
        L.push(`          v.${camel(f.name)} = ${readField(ctx, f, 'true')};`);
        L.push('          return true;');
      }
      L.push('        default:');
      L.push('          return false;');
      L.push('      }');
      L.push('    });');
      L.push('  }');
    }
  }
  L.push('  return v;', '}', '');

  // encode
  L.push(`${exported ? 'export ' : ''}function encode${tsName}(w: Writer, version: number, v: Init<${tsName}>): void {`);
  if (anyFlex) L.push(`  const flexible = version >= ${fx.min};`);
  for (const f of regular) {
    const present = intersect(parseRange(f.versions), ctx.valid);
    if (!present) continue;
    const cond = versionCond(present, ctx.valid);
    const flex = flexExpr(ctx, f, present);
    const stmt = writeField(ctx, f, flex, valueExpr(ctx, f));
    L.push(cond === 'true' ? `  ${blockify(stmt)}` : `  if (${cond}) ${blockify(stmt)}`);
  }
  if (anyFlex) {
    if (tagged.length === 0) {
      L.push('  if (flexible) w.uvarint(0);');
    } else {
      L.push('  if (flexible) {');
      L.push('    const tagged: Array<readonly [number, (w: Writer) => void]> = [];');
      for (const f of tagged) {
        const present = intersect(parseRange(f.taggedVersions ?? f.versions), ctx.valid);
        if (!present) continue;
        const cond = versionCond(present, ctx.valid);
        const prop = `v.${camel(f.name)}`;
        const d = defaultExpr(ctx, f);
        const isDefault = f.type.startsWith('[]')
          ? `${prop} !== null && ${prop}.length === 0`
          : ['bytes', 'records'].includes(f.type) && d !== 'null'
            ? `${prop}.length === 0`
            : PRIMITIVES.has(f.type) || d === 'null'
              ? `${prop} === ${d}`
              : `isDefault${ctx.typeNames.get(f.type)}(${prop})`;
        const stmt = writeField(ctx, f, 'true', `t${f.tag}`);
        L.push(`    const t${f.tag} = ${prop};`);
        L.push(`    if (${cond === 'true' ? '' : `${cond} && `}t${f.tag} !== undefined && !(${isDefault.split(prop).join(`t${f.tag}`)})) tagged.push([${f.tag}, (w) => { ${stmt}; }]);`);
      }
      L.push('    writeTaggedFields(w, tagged, () => new Writer());');
      L.push('  }');
    }
  }
  L.push('}', '');
}

function blockify(stmt: string): string {
  if (stmt.startsWith('{')) return stmt;
  return stmt.startsWith('if ') ? `{ ${stmt}; }` : `${stmt};`;
}

/** Collects inline struct definitions (depth-first) and common structs of one message. */
function collectStructs(msg: MessageSpec): Map<string, StructSpec> {
  const out = new Map<string, StructSpec>();
  const visit = (fields: FieldSpec[]): void => {
    for (const f of fields) {
      if (f.fields) {
        const name = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
        if (out.has(name)) throw new Error(`${msg.name}: struct ${name} defined twice`);
        out.set(name, { name, fields: f.fields, versions: f.versions });
        visit(f.fields);
      }
    }
  };
  for (const cs of msg.commonStructs ?? []) {
    out.set(cs.name, cs);
    visit(cs.fields);
  }
  visit(msg.fields);
  return out;
}

const HEADER = (sources: string[]): string =>
  [
    `// Generated by scripts/gen-protocol.ts from ${sources.map((s) => `protocol-spec/messages/${s}`).join(' and ')}. Do not edit.`,
    '// The message definitions are Apache Kafka\'s, under the Apache License 2.0 (protocol-spec/LICENSE, protocol-spec/NOTICE).',
    '/* eslint-disable */',
  ].join('\n');

interface ApiInfo {
  apiKey: number;
  name: string; // e.g. Produce
  file: string; // kebab
  valid: Range;
  flexible: Range | null;
  deprecated: Range | null;
}

function emitMessage(ctx: Ctx, msg: MessageSpec, prefixStructs: Set<string>): void {
  const structs = collectStructs(msg);
  ctx.structs = structs;
  ctx.typeNames = new Map();
  for (const name of structs.keys()) ctx.typeNames.set(name, prefixStructs.has(name) ? `${msg.name}${name}` : name);
  // Structs first (leaf order does not matter for function declarations).
  for (const [name, spec] of structs) emitStruct(ctx, ctx.typeNames.get(name)!, spec.fields, true);
  emitStruct(ctx, msg.name, msg.fields, true);
}

function generate(): Map<string, string> {
  const files = new Map<string, string>();
  const specs = readdirSync(specDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, spec: readSpec(join(specDir, f)) }));

  const requests = specs.filter((s) => s.spec.type === 'request');
  const apis: ApiInfo[] = [];

  for (const req of requests) {
    const base = req.spec.name.replace(/Request$/, '');
    const respEntry = specs.find((s) => s.spec.type === 'response' && s.spec.apiKey === req.spec.apiKey);
    if (!respEntry) throw new Error(`no response for ${req.spec.name}`);
    const valid = parseRange(req.spec.validVersions)!;
    const flexible = intersect(parseRange(req.spec.flexibleVersions), valid);
    const info: ApiInfo = {
      apiKey: req.spec.apiKey!,
      name: base,
      file: kebab(base),
      valid,
      flexible,
      deprecated: parseRange(req.spec.deprecatedVersions),
    };
    apis.push(info);

    const reqStructs = collectStructs(req.spec);
    const respStructs = collectStructs(respEntry.spec);
    const clash = new Set<string>();
    for (const n of reqStructs.keys()) if (respStructs.has(n) || n === respEntry.spec.name) clash.add(n);
    for (const n of respStructs.keys()) if (n === req.spec.name) clash.add(n);

    const lines: string[] = [
      HEADER([req.file, respEntry.file]),
      '',
      "import { Reader } from '../../primitives/reader.ts';",
      "import { Writer } from '../../primitives/writer.ts';",
      "import { readArray, readNullableArray, writeNullableArray, readTaggedFields, writeTaggedFields, type Init } from '../../primitives/codec.ts';",
      '',
      `// ${base} (api key ${info.apiKey}): versions ${valid.min}-${valid.max}, flexible from ${flexible ? flexible.min : 'none'}.`,
      '',
    ];
    const ctx: Ctx = { valid, flexible, structs: new Map(), typeNames: new Map(), lines };
    emitMessage(ctx, req.spec, clash);
    ctx.valid = parseRange(respEntry.spec.validVersions)!;
    ctx.flexible = intersect(parseRange(respEntry.spec.flexibleVersions), ctx.valid);
    emitMessage(ctx, respEntry.spec, clash);

    lines.push(`export const ${camel(base)}Api = {`);
    lines.push(`  apiKey: ${info.apiKey},`);
    lines.push(`  name: '${base}',`);
    lines.push(`  minVersion: ${valid.min},`);
    lines.push(`  maxVersion: ${valid.max},`);
    lines.push(`  flexibleFrom: ${flexible ? flexible.min : -1},`);
    lines.push(`  decodeRequest: decode${req.spec.name},`);
    lines.push(`  encodeRequest: encode${req.spec.name},`);
    lines.push(`  decodeResponse: decode${respEntry.spec.name},`);
    lines.push(`  encodeResponse: encode${respEntry.spec.name},`);
    lines.push('} as const;');
    files.set(`messages/${info.file}.ts`, finalize(lines));
  }

  // "data" schemas
  for (const d of specs.filter((s) => s.spec.type === 'data')) {
    const valid = parseRange(d.spec.validVersions)!;
    const lines: string[] = [
      HEADER([d.file]),
      '',
      "import { Reader } from '../../primitives/reader.ts';",
      "import { Writer } from '../../primitives/writer.ts';",
      "import { readArray, readNullableArray, writeNullableArray, readTaggedFields, writeTaggedFields, type Init } from '../../primitives/codec.ts';",
      '',
      `// ${d.spec.name}: versions ${valid.min}-${valid.max}.`,
      '',
    ];
    const ctx: Ctx = { valid, flexible: intersect(parseRange(d.spec.flexibleVersions), valid), structs: new Map(), typeNames: new Map(), lines };
    emitMessage(ctx, d.spec, new Set());
    files.set(`data/${kebab(d.spec.name)}.ts`, finalize(lines));
  }

  apis.sort((a, b) => a.apiKey - b.apiKey);

  // api-keys.ts
  const ak: string[] = [HEADER(['*Request.json']), '', '/** API keys by Kafka\'s names. */', 'export const ApiKey = {'];
  for (const a of apis) ak.push(`  ${a.name}: ${a.apiKey},`);
  ak.push('} as const;', '', 'export type ApiKeyName = keyof typeof ApiKey;', '');
  ak.push('export interface ApiVersionInfo {', '  readonly apiKey: number;', '  readonly name: string;', '  readonly minVersion: number;', '  readonly maxVersion: number;', '  /** First flexible version, -1 when none. */', '  readonly flexibleFrom: number;', '  readonly deprecated: readonly [number, number] | null;', '}', '');
  ak.push('/** Versions Kafka defines for each API (what the definitions allow, not what kstream serves). */');
  ak.push('export const apiVersionInfo: ReadonlyMap<number, ApiVersionInfo> = new Map<number, ApiVersionInfo>([');
  for (const a of apis)
    ak.push(
      `  [${a.apiKey}, { apiKey: ${a.apiKey}, name: '${a.name}', minVersion: ${a.valid.min}, maxVersion: ${a.valid.max}, flexibleFrom: ${a.flexible ? a.flexible.min : -1}, deprecated: ${a.deprecated ? `[${a.deprecated.min}, ${a.deprecated.max}]` : 'null'} }],`,
    );
  ak.push(']);', '');
  ak.push('/** Whether requests and responses of this API version use the flexible encoding (header v2 / v1). */');
  ak.push('export function isFlexible(apiKey: number, version: number): boolean {');
  ak.push('  const info = apiVersionInfo.get(apiKey);');
  ak.push('  return info !== undefined && info.flexibleFrom >= 0 && version >= info.flexibleFrom;');
  ak.push('}');
  files.set('api-keys.ts', finalize(ak));

  // registry.ts
  const rg: string[] = [HEADER(['*.json']), '', "import type { Reader } from '../primitives/reader.ts';", "import type { Writer } from '../primitives/writer.ts';", "import type { Init } from '../primitives/codec.ts';"];
  for (const a of apis) rg.push(`import * as ${camel(a.name)} from './messages/${a.file}.ts';`);
  rg.push('', '/** Request and response types of every API, by API key. */', 'export interface ApiMessages {');
  for (const a of apis) rg.push(`  ${a.apiKey}: { request: ${camel(a.name)}.${a.name}Request; response: ${camel(a.name)}.${a.name}Response };`);
  rg.push('}', '', 'export type ApiKeyNumber = keyof ApiMessages;', '');
  rg.push('export interface ApiCodec<K extends ApiKeyNumber> {');
  rg.push('  readonly apiKey: K;', '  readonly name: string;', '  readonly minVersion: number;', '  readonly maxVersion: number;', '  readonly flexibleFrom: number;');
  rg.push("  decodeRequest(r: Reader, version: number): ApiMessages[K]['request'];");
  rg.push("  encodeRequest(w: Writer, version: number, v: Init<ApiMessages[K]['request']>): void;");
  rg.push("  decodeResponse(r: Reader, version: number): ApiMessages[K]['response'];");
  rg.push("  encodeResponse(w: Writer, version: number, v: Init<ApiMessages[K]['response']>): void;");
  rg.push('}', '');
  rg.push('export const apiCodecs: { readonly [K in ApiKeyNumber]: ApiCodec<K> } = {');
  for (const a of apis) rg.push(`  ${a.apiKey}: ${camel(a.name)}.${camel(a.name)}Api,`);
  rg.push('};', '');
  rg.push('export function codecFor(apiKey: number): ApiCodec<ApiKeyNumber> | undefined {');
  rg.push('  return (apiCodecs as Record<number, ApiCodec<ApiKeyNumber>>)[apiKey];');
  rg.push('}');
  files.set('registry.ts', finalize(rg));

  // error-codes.ts
  const rows = readFileSync(errorsTsv, 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
  const ec: string[] = [
    '// Generated by scripts/gen-protocol.ts from protocol-spec/errors.tsv. Do not edit.',
    '',
    "/** Kafka's protocol error codes, by Kafka's names. */",
    'export const ErrorCode = {',
  ];
  for (const [code, name] of rows) ec.push(`  ${name}: ${code},`);
  ec.push('} as const;', '', 'export type ErrorCodeName = keyof typeof ErrorCode;', '');
  ec.push('export interface ErrorInfo {', '  readonly code: number;', '  readonly name: string;', '  readonly retriable: boolean;', '  readonly description: string;', '}', '');
  ec.push('const table: ReadonlyMap<number, ErrorInfo> = new Map<number, ErrorInfo>([');
  for (const [code, name, retriable, description] of rows)
    ec.push(`  [${code}, { code: ${code}, name: ${JSON.stringify(name)}, retriable: ${retriable}, description: ${JSON.stringify(description)} }],`);
  ec.push(']);', '');
  ec.push('/** The table entry for a code; an unknown code keeps its number and is not retriable. */');
  ec.push('export function errorInfo(code: number): ErrorInfo {');
  ec.push("  return table.get(code) ?? { code, name: `UNKNOWN_ERROR_CODE_${code}`, retriable: false, description: 'An error code this version of kstream does not know.' };");
  ec.push('}');
  files.set('error-codes.ts', finalize(ec));
  return files;
}

/** Removes helper imports a file does not use, so the output type-checks cleanly. */
function fixUnusedImports(lines: string[]): void {
  const body = lines.join('\n');
  const idx = lines.findIndex((l) => l.startsWith("import { readArray"));
  if (idx >= 0) {
    const names = ['readArray', 'readNullableArray', 'writeNullableArray', 'readTaggedFields', 'writeTaggedFields'];
    const rest = body.slice(body.indexOf('\n', body.indexOf("import { readArray")));
    const used = names.filter((n) => new RegExp(`\\b${n}\\(`).test(rest));
    lines[idx] = `import { ${[...used, 'type Init'].join(', ')} } from '../../primitives/codec.ts';`;
  }
}

function finalize(lines: string[]): string {
  fixUnusedImports(lines);
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

const files = generate();
let stale = 0;
const expected = new Set(files.keys());
for (const [rel, content] of files) {
  const path = join(outDir, rel);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
  if (current === content) continue;
  if (checkOnly) {
    console.error(`out of date: src/protocol/generated/${rel}`);
    stale++;
    continue;
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
for (const sub of ['messages', 'data']) {
  const dir = join(outDir, sub);
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) {
    if (expected.has(`${sub}/${f}`)) continue;
    if (checkOnly) {
      console.error(`not generated by the definitions: src/protocol/generated/${sub}/${f}`);
      stale++;
    } else rmSync(join(dir, f));
  }
}
if (checkOnly) {
  if (stale > 0) {
    console.error(`${stale} generated file(s) differ; run: npm run gen`);
    process.exit(1);
  }
  console.error(`generated protocol code is up to date (${files.size} files)`);
} else {
  console.error(`wrote ${files.size} files under src/protocol/generated`);
}
