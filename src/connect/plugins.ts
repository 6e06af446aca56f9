/**
 * Plugins: the built-in connectors, converters, transformations and predicates, plus those loaded
 * from `plugin.path`.
 *
 * `plugin.path` is a comma-separated list of directories (or module files). In a directory, every
 * `.js`/`.mjs` file is a plugin module, and so is every subdirectory with a package.json (its
 * `exports`/`main`) or an index.js/index.mjs. A module exports its plugins as
 *
 *   export default [ConnectorPlugin, ...]                    // connectors
 *   export const connectors = [...]; export const converters = [...];
 *   export const transformations = [...]; export const predicates = [...];
 *   export default { connectors, converters, transformations, predicates };
 *
 * Names: `connector.class` (and converter/transform/predicate types) may be the full class name,
 * one of the plugin's aliases, its simple name (after the last dot) or the simple name without its
 * kind suffix (FileStreamSourceConnector → FileStreamSource, JsonConverter → Json), as Connect allows.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ConnectorPlugin, ConverterPlugin, PredicatePlugin, TransformationPlugin } from './api.ts';
import type { PluginInfo } from './herder.ts';
import { builtinConnectors } from './connectors/index.ts';
import { builtinConverters } from './converters/index.ts';
import { builtinPredicates } from './predicates/index.ts';
import { builtinTransformations } from './transforms/index.ts';
import type { Logger } from '../util/logger.ts';
import { silentLogger } from '../util/logger.ts';

export interface PluginSet {
  connectors: ConnectorPlugin[];
  converters: ConverterPlugin[];
  transformations: TransformationPlugin[];
  predicates: PredicatePlugin[];
}

type Kind = keyof PluginSet;
interface Named {
  readonly className: string;
  readonly aliases?: readonly string[];
}

const SUFFIXES: Record<Kind, string> = { connectors: 'Connector', converters: 'Converter', transformations: 'Transformation', predicates: 'Predicate' };

function simpleName(className: string): string {
  const i = className.lastIndexOf('.');
  return i >= 0 ? className.slice(i + 1) : className;
}

export function namesOf(kind: Kind, plugin: Named): string[] {
  const simple = simpleName(plugin.className);
  const names = [plugin.className, ...(plugin.aliases ?? []), simple];
  const suffix = SUFFIXES[kind];
  if (simple.endsWith(suffix) && simple.length > suffix.length) names.push(simple.slice(0, -suffix.length));
  return [...new Set(names)];
}

export class PluginRegistry {
  readonly plugins: PluginSet;
  private readonly index: Record<Kind, Map<string, Named>>;

  constructor(sets: readonly Partial<PluginSet>[], logger: Logger = silentLogger) {
    this.plugins = { connectors: [], converters: [], transformations: [], predicates: [] };
    this.index = { connectors: new Map(), converters: new Map(), transformations: new Map(), predicates: new Map() };
    for (const set of sets) {
      for (const kind of Object.keys(this.plugins) as Kind[]) {
        for (const plugin of (set[kind] ?? []) as Named[]) {
          if (this.index[kind].has(plugin.className)) {
            logger.warn('plugin class defined twice, keeping the first', { class: plugin.className });
            continue;
          }
          (this.plugins[kind] as Named[]).push(plugin);
          for (const name of namesOf(kind, plugin)) if (!this.index[kind].has(name)) this.index[kind].set(name, plugin);
        }
      }
    }
  }

  /** The built-ins plus the given sets. */
  static withBuiltins(extra: readonly Partial<PluginSet>[] = [], logger?: Logger): PluginRegistry {
    const builtins: PluginSet = { connectors: [...builtinConnectors], converters: [...builtinConverters], transformations: [...builtinTransformations], predicates: [...builtinPredicates] };
    return new PluginRegistry([builtins, ...extra], logger);
  }

  /** The built-ins plus the plugins found on `plugin.path`. */
  static async load(pluginPath: readonly string[], logger: Logger = silentLogger): Promise<PluginRegistry> {
    const loaded: PluginSet[] = [];
    for (const entry of pluginPath) loaded.push(...(await loadPluginPath(entry, logger)));
    return PluginRegistry.withBuiltins(loaded, logger);
  }

  connector(name: string): ConnectorPlugin | undefined {
    return this.index.connectors.get(name.trim()) as ConnectorPlugin | undefined;
  }

  converter(name: string): ConverterPlugin | undefined {
    return this.index.converters.get(name.trim()) as ConverterPlugin | undefined;
  }

  transformation(name: string): TransformationPlugin | undefined {
    return this.index.transformations.get(name.trim()) as TransformationPlugin | undefined;
  }

  predicate(name: string): PredicatePlugin | undefined {
    return this.index.predicates.get(name.trim()) as PredicatePlugin | undefined;
  }

  /** GET /connector-plugins (sorted by class, as Connect lists them). */
  infos(connectorsOnly: boolean): PluginInfo[] {
    const out: PluginInfo[] = this.plugins.connectors.map((p) => ({ class: p.className, type: p.type, version: p.version }));
    if (!connectorsOnly) {
      out.push(...this.plugins.converters.map((p): PluginInfo => ({ class: p.className, type: 'converter', version: p.version })));
      out.push(...this.plugins.transformations.map((p): PluginInfo => ({ class: p.className, type: 'transformation', version: p.version })));
      out.push(...this.plugins.predicates.map((p): PluginInfo => ({ class: p.className, type: 'predicate', version: p.version })));
    }
    return out.sort((a, b) => a.class.localeCompare(b.class));
  }
}

// ---- loading -----------------------------------------------------------------------------------

const MODULE_EXTENSIONS = new Set(['.js', '.mjs']);

async function loadPluginPath(entry: string, logger: Logger): Promise<PluginSet[]> {
  const path = resolve(entry);
  let info;
  try {
    info = await stat(path);
  } catch {
    logger.warn('plugin.path entry does not exist', { path });
    return [];
  }
  if (info.isFile()) return MODULE_EXTENSIONS.has(extname(path)) ? compact([await loadModule(path, logger)]) : [];
  if (!info.isDirectory()) return [];
  const out: PluginSet[] = [];
  const names = (await readdir(path)).sort();
  for (const name of names) {
    const child = join(path, name);
    let childInfo;
    try {
      childInfo = await stat(child);
    } catch {
      continue;
    }
    if (childInfo.isFile() && MODULE_EXTENSIONS.has(extname(name))) out.push(...compact([await loadModule(child, logger)]));
    else if (childInfo.isDirectory()) {
      const main = await packageEntry(child);
      if (main) out.push(...compact([await loadModule(main, logger)]));
    }
  }
  return out;
}

function compact<T>(list: (T | null)[]): T[] {
  return list.filter((x): x is T => x !== null);
}

/** The module a plugin directory exports: package.json's exports/main, else index.js/index.mjs. */
async function packageEntry(dir: string): Promise<string | null> {
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { main?: unknown; exports?: unknown };
    const exp = pkg.exports;
    let target: unknown = typeof exp === 'string' ? exp : typeof exp === 'object' && exp !== null ? (exp as Record<string, unknown>)['.'] : undefined;
    if (typeof target === 'object' && target !== null) target = (target as Record<string, unknown>).import ?? (target as Record<string, unknown>).default;
    if (typeof target !== 'string') target = pkg.main;
    if (typeof target === 'string') return join(dir, target);
  } catch {
    // no package.json
  }
  for (const index of ['index.js', 'index.mjs']) {
    try {
      if ((await stat(join(dir, index))).isFile()) return join(dir, index);
    } catch {
      // next
    }
  }
  return null;
}

/** Imports one plugin module and checks what it exports. */
export async function loadModule(file: string, logger: Logger = silentLogger): Promise<PluginSet | null> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (err) {
    logger.error('cannot load plugin module', { file, error: (err as Error).message });
    return null;
  }
  const set: PluginSet = { connectors: [], converters: [], transformations: [], predicates: [] };
  const dflt = mod.default;
  const sources: Partial<Record<Kind, unknown>>[] = [];
  if (Array.isArray(dflt)) sources.push({ connectors: dflt });
  else if (typeof dflt === 'object' && dflt !== null) sources.push(dflt as Partial<Record<Kind, unknown>>);
  sources.push({ connectors: mod.connectors, converters: mod.converters, transformations: mod.transformations, predicates: mod.predicates });
  for (const source of sources) {
    for (const kind of Object.keys(set) as Kind[]) {
      const list = source[kind];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        logger.warn('plugin module export is not a list, ignored', { file, export: kind });
        continue;
      }
      for (const item of list) {
        const problem = checkPlugin(kind, item);
        if (problem) {
          logger.warn('invalid plugin, ignored', { file, kind, problem });
          continue;
        }
        (set[kind] as Named[]).push(item as Named);
      }
    }
  }
  const count = set.connectors.length + set.converters.length + set.transformations.length + set.predicates.length;
  if (count === 0) {
    logger.warn('plugin module exports no plugins', { file });
    return null;
  }
  logger.info('loaded plugin module', { file, connectors: set.connectors.map((c) => c.className).join(',') || undefined, plugins: count });
  return set;
}

function checkPlugin(kind: Kind, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const p = value as Record<string, unknown>;
  if (typeof p.className !== 'string' || p.className === '') return 'className must be a non-empty string';
  if (typeof p.create !== 'function') return `${p.className}: create must be a function`;
  if (typeof p.version !== 'string') return `${p.className}: version must be a string`;
  if (p.aliases !== undefined && !(Array.isArray(p.aliases) && p.aliases.every((a) => typeof a === 'string'))) return `${p.className}: aliases must be a list of strings`;
  if (kind === 'connectors' && p.type !== 'source' && p.type !== 'sink') return `${p.className}: type must be "source" or "sink"`;
  return undefined;
}
