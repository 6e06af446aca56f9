/**
 * A client of Kafka Connect's REST API (kstream's worker or any Connect cluster), used by the
 * `kstream connect ...` commands, and `ConnectCommand`, their base.
 *
 * Errors become CliErrors with kstream's exit codes:
 * - the worker answered with an error (`{error_code, message}`): exit 3 (KAFKA_ERROR, "an error
 *   answered by the server"), code `CONNECT_<status>` (CONNECT_404...), the server's message
 *   and a hint (404 → how to list connectors/plugins, 409 → --replace...);
 * - the worker cannot be reached (refused, reset, DNS): exit 4 with a hint to start one or set
 *   --url; no answer within --timeout: exit 4 (TIMEOUT);
 * - a response that is not Connect's JSON: exit 1.
 */
import { readFileSync } from 'node:fs';
import { Flags, type Command } from '@oclif/core';
import { parseProperties } from '../broker/config.ts';
import { CliError } from '../cli/errors.ts';
import { ExitCode } from '../cli/exit-codes.ts';
import { timeoutFlag } from '../cli/flags.ts';
import { LocalCommand } from '../cli/local-command.ts';
import type { ConfigInfos, ConnectorInfo, ConnectorOffsets, ConnectorStateInfo, PluginInfo, StateInfo, TaskInfo } from '../connect/herder.ts';

export const DEFAULT_CONNECT_URL = 'http://127.0.0.1:8083';
const DEFAULT_TIMEOUT_MS = 30_000;

export interface ConnectClientOptions {
  /** Base URL of the REST API, e.g. http://127.0.0.1:8083 */
  url: string;
  timeoutMs: number;
}

export interface ServerInfo {
  version: string;
  commit: string;
  kafka_cluster_id: string;
}

export type ExpandedConnectors = Record<string, { status?: ConnectorStateInfo; info?: ConnectorInfo }>;

interface Reply<T> {
  status: number;
  body: T;
}

/** What the request was about, to word hints. */
type Subject = { connector: string } | { plugin: string } | null;

function hintFor(status: number, message: string, subject: Subject, method: string): string | undefined {
  if (status === 404) {
    if (message === 'HTTP 404 Not Found') return 'is --url a Kafka Connect REST endpoint, and does the worker support this request?';
    if (subject && 'plugin' in subject) return "list the installed plugins with 'kstream connect plugins'";
    if (subject && 'connector' in subject && /^(No status found for task|Task \S+ not found)/.test(message)) return `see its tasks with 'kstream connect status ${subject.connector}'`;
    return "list connectors with 'kstream connect list'";
  }
  if (status === 409) {
    if (/already exists/.test(message) && subject && 'connector' in subject) return `update it with 'kstream connect create FILE --replace' or 'kstream connect config set ${subject.connector} key=value'`;
    return 'a rebalance or another change is in progress; retry in a moment';
  }
  if (status === 405 && method === 'PATCH') return 'this Connect worker may predate PATCH (Kafka 3.8); use --replace with the full configuration';
  if (status === 400 && /STOPPED state/.test(message) && subject && 'connector' in subject) return `stop it first with 'kstream connect stop ${subject.connector}'`;
  if (status === 400 && /Failed to find any class that implements Connector/.test(message)) return "list the installed plugins with 'kstream connect plugins'";
  return undefined;
}

function networkCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Parses and normalises a REST URL (no trailing slash); a bad one is a usage error. */
export function parseConnectUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.includes('://') ? input : `http://${input}`);
  } catch {
    throw new CliError(`invalid Connect URL ${JSON.stringify(input)}`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'e.g. --url http://127.0.0.1:8083' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`invalid Connect URL ${JSON.stringify(input)}: expected http:// or https://`, { exitCode: ExitCode.USAGE, code: 'USAGE', hint: 'e.g. --url http://127.0.0.1:8083' });
  }
  return url.href.replace(/\/+$/, '');
}

export class ConnectClient {
  readonly url: string;
  readonly timeoutMs: number;

  constructor(options: ConnectClientOptions) {
    this.url = parseConnectUrl(options.url);
    this.timeoutMs = options.timeoutMs;
  }

  /** One request; 2xx answers resolve with the parsed body (undefined when empty), others throw CliError. */
  async request<T>(method: string, path: string, options: { body?: unknown; subject?: Subject } = {}): Promise<Reply<T>> {
    let res: Response;
    let text: string;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: { accept: 'application/json', ...(options.body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      throw this.#transportError(err);
    }
    let body: unknown;
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        const status = res.status;
        throw new CliError(`unexpected answer from ${this.url}${path}: HTTP ${status}, not JSON`, {
          exitCode: status >= 400 ? ExitCode.KAFKA_ERROR : ExitCode.UNEXPECTED,
          code: `CONNECT_${status}`,
          hint: 'is --url a Kafka Connect REST endpoint?',
        });
      }
    }
    if (res.status >= 400) {
      const e = (typeof body === 'object' && body !== null ? body : {}) as { error_code?: unknown; message?: unknown };
      const message = typeof e.message === 'string' && e.message !== '' ? e.message : `HTTP ${res.status} ${res.statusText}`;
      throw new CliError(message, { exitCode: ExitCode.KAFKA_ERROR, code: `CONNECT_${res.status}`, hint: hintFor(res.status, message, options.subject ?? null, method) });
    }
    return { status: res.status, body: body as T };
  }

  #transportError(err: unknown): CliError {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError') {
      return new CliError(`no answer from Kafka Connect at ${this.url} within ${this.timeoutMs} ms`, { exitCode: ExitCode.UNREACHABLE, code: 'TIMEOUT', hint: 'is the worker overloaded or rebalancing? raise --timeout', showCause: false, cause: err });
    }
    if (name === 'AbortError') return new CliError('interrupted', { exitCode: ExitCode.INTERRUPTED, code: 'INTERRUPTED', cause: err, showCause: false });
    const code = networkCode(err);
    const reason = code === 'ECONNREFUSED' ? 'connection refused' : code ?? (err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err));
    return new CliError(`cannot connect to Kafka Connect at ${this.url} (${reason})`, {
      exitCode: ExitCode.UNREACHABLE,
      code: code ?? 'UNREACHABLE',
      hint: "is a Connect worker running? start one with 'kstream connect start', or point --url (or KSTREAM_CONNECT_URL) at one",
      cause: err,
      showCause: false,
    });
  }

  // ---- the REST resources -------------------------------------------------------------------------

  async serverInfo(): Promise<ServerInfo> {
    return (await this.request<ServerInfo>('GET', '/')).body;
  }

  async connectors(): Promise<string[]> {
    return (await this.request<string[]>('GET', '/connectors')).body;
  }

  async connectorsExpanded(expand: readonly ('status' | 'info')[]): Promise<ExpandedConnectors> {
    const query = expand.map((e) => `expand=${e}`).join('&');
    return (await this.request<ExpandedConnectors>('GET', `/connectors?${query}`)).body;
  }

  async connector(name: string): Promise<ConnectorInfo> {
    return (await this.request<ConnectorInfo>('GET', connectorPath(name), { subject: { connector: name } })).body;
  }

  async config(name: string): Promise<Record<string, string>> {
    return (await this.request<Record<string, string>>('GET', `${connectorPath(name)}/config`, { subject: { connector: name } })).body;
  }

  async status(name: string): Promise<ConnectorStateInfo> {
    return (await this.request<ConnectorStateInfo>('GET', `${connectorPath(name)}/status`, { subject: { connector: name } })).body;
  }

  /** POST /connectors: 409 when it exists. */
  async create(name: string, config: Record<string, string>): Promise<ConnectorInfo> {
    return (await this.request<ConnectorInfo>('POST', '/connectors', { body: { name, config }, subject: { connector: name } })).body;
  }

  /** PUT /connectors/{name}/config: creates or replaces. */
  async putConfig(name: string, config: Record<string, string>): Promise<{ created: boolean; info: ConnectorInfo }> {
    const reply = await this.request<ConnectorInfo>('PUT', `${connectorPath(name)}/config`, { body: config, subject: { connector: name } });
    return { created: reply.status === 201, info: reply.body };
  }

  /** PATCH /connectors/{name}/config: null removes a key. */
  async patchConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    return (await this.request<ConnectorInfo>('PATCH', `${connectorPath(name)}/config`, { body: patch, subject: { connector: name } })).body;
  }

  async delete(name: string): Promise<void> {
    await this.request('DELETE', connectorPath(name), { subject: { connector: name } });
  }

  /** The connector's and tasks' states when the worker answered 202 (tasks included or only failed), else null. */
  async restart(name: string, options: { includeTasks: boolean; onlyFailed: boolean }): Promise<ConnectorStateInfo | null> {
    const reply = await this.request<ConnectorStateInfo | undefined>('POST', `${connectorPath(name)}/restart?includeTasks=${options.includeTasks}&onlyFailed=${options.onlyFailed}`, { subject: { connector: name } });
    return reply.status === 202 && reply.body ? reply.body : null;
  }

  async restartTask(name: string, task: number): Promise<void> {
    await this.request('POST', `${connectorPath(name)}/tasks/${task}/restart`, { subject: { connector: name } });
  }

  async pause(name: string): Promise<void> {
    await this.request('PUT', `${connectorPath(name)}/pause`, { subject: { connector: name } });
  }

  async resume(name: string): Promise<void> {
    await this.request('PUT', `${connectorPath(name)}/resume`, { subject: { connector: name } });
  }

  async stop(name: string): Promise<void> {
    await this.request('PUT', `${connectorPath(name)}/stop`, { subject: { connector: name } });
  }

  async tasks(name: string): Promise<TaskInfo[]> {
    return (await this.request<TaskInfo[]>('GET', `${connectorPath(name)}/tasks`, { subject: { connector: name } })).body;
  }

  async taskStatus(name: string, task: number): Promise<StateInfo & { id: number }> {
    return (await this.request<StateInfo & { id: number }>('GET', `${connectorPath(name)}/tasks/${task}/status`, { subject: { connector: name } })).body;
  }

  async offsets(name: string): Promise<ConnectorOffsets> {
    return (await this.request<ConnectorOffsets>('GET', `${connectorPath(name)}/offsets`, { subject: { connector: name } })).body;
  }

  async alterOffsets(name: string, offsets: ConnectorOffsets): Promise<{ message: string }> {
    return (await this.request<{ message: string }>('PATCH', `${connectorPath(name)}/offsets`, { body: offsets, subject: { connector: name } })).body;
  }

  async resetOffsets(name: string): Promise<{ message: string }> {
    return (await this.request<{ message: string }>('DELETE', `${connectorPath(name)}/offsets`, { subject: { connector: name } })).body;
  }

  async plugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    return (await this.request<PluginInfo[]>('GET', `/connector-plugins?connectorsOnly=${connectorsOnly}`)).body;
  }

  async validate(plugin: string, config: Record<string, string>): Promise<ConfigInfos> {
    return (await this.request<ConfigInfos>('PUT', `/connector-plugins/${encodeURIComponent(plugin)}/config/validate`, { body: config, subject: { plugin } })).body;
  }
}

function connectorPath(name: string): string {
  return `/connectors/${encodeURIComponent(name)}`;
}

// ---- connector files ----------------------------------------------------------------------------------

export interface ConnectorFile {
  /** From the file (`name`), or null when it has none. */
  name: string | null;
  config: Record<string, string>;
}

function usage(message: string, hint?: string): CliError {
  return new CliError(message, { exitCode: ExitCode.USAGE, code: 'USAGE', hint });
}

function stringConfig(value: Record<string, unknown>, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
    else throw usage(`${source}: the value of "${key}" must be a string, number or boolean`);
  }
  return out;
}

/** Reads a file, or stdin for `-`. */
export function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file === '-' ? 'stdin' : file}: ${(err as Error).message}`, { exitCode: ExitCode.USAGE, code: 'USAGE', showCause: false, cause: err });
  }
}

/**
 * A connector definition from text: JSON `{"name": ..., "config": {...}}` (what POST /connectors
 * takes), a flat JSON config (what PUT .../config takes; `name` inside it), or Java
 * `.properties` (as for a standalone worker). JSON is recognised by its first character.
 */
export function parseConnectorFile(text: string, source: string): ConnectorFile {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let doc: unknown;
    try {
      doc = JSON.parse(trimmed) as unknown;
    } catch (err) {
      throw usage(`${source} is not valid JSON: ${(err as Error).message}`);
    }
    const obj = doc as Record<string, unknown>;
    if (obj.config !== undefined) {
      if (typeof obj.config !== 'object' || obj.config === null || Array.isArray(obj.config)) throw usage(`${source}: "config" must be a JSON object`);
      const config = stringConfig(obj.config as Record<string, unknown>, source);
      const name = typeof obj.name === 'string' ? obj.name : config.name ?? null;
      return { name, config };
    }
    const config = stringConfig(obj, source);
    return { name: config.name ?? null, config };
  }
  if (trimmed === '') throw usage(`${source} is empty`, 'give a JSON {"name": ..., "config": {...}} or a .properties file');
  const config = parseProperties(text, source);
  return { name: config.name ?? null, config };
}

/** Parses `key=value` arguments; a bad one is a usage error. */
export function parseAssignments(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of values) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (key === '') throw usage(`invalid setting ${JSON.stringify(entry)}: expected key=value`, 'e.g. tasks.max=2');
    out[key] = entry.slice(eq + 1);
  }
  return out;
}

// ---- the base of `kstream connect ...` client commands ------------------------------------------------

/**
 * `LocalCommand` (`--output`, `--json`) plus `--url` (env KSTREAM_CONNECT_URL, default
 * http://127.0.0.1:8083) and `--timeout`, and `this.client`.
 */
export abstract class ConnectCommand<T extends typeof Command> extends LocalCommand<T> {
  static override baseFlags = {
    ...LocalCommand.baseFlags,
    url: Flags.string({
      description: 'Kafka Connect REST URL',
      env: 'KSTREAM_CONNECT_URL',
      default: DEFAULT_CONNECT_URL,
      helpValue: '<url>',
      helpGroup: 'CONNECTION',
    }),
    timeout: timeoutFlag({ description: 'How long to wait for the worker', defaultMs: DEFAULT_TIMEOUT_MS }),
  };

  #client: ConnectClient | undefined;

  protected get client(): ConnectClient {
    const flags = this.flags as { url?: string; timeout?: number };
    this.#client ??= new ConnectClient({ url: flags.url ?? DEFAULT_CONNECT_URL, timeoutMs: flags.timeout ?? DEFAULT_TIMEOUT_MS });
    return this.#client;
  }
}

/** The first line of a stack trace, for tables. */
export function traceSummary(trace: string | undefined): string {
  if (!trace) return '';
  return trace.split('\n')[0].trim();
}

/** `2/3 RUNNING` style summary of task states. */
export function taskSummary(tasks: readonly { state: string }[]): string {
  if (tasks.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const t of tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1);
  return [...counts].map(([state, n]) => `${n}/${tasks.length} ${state}`).join(', ');
}
