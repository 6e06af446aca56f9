/**
 * Helpers for interop tests that drive external Kafka tools (kcat, confluent-kafka-python) as
 * child processes. Every process is bounded: it is SIGKILLed when its time is up, and the result
 * says so (`timedOut`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** Written to stdin, which is then closed. Without it stdin is closed at once. */
  input?: string | Buffer;
  /** SIGKILL after this long. Default 30 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a command to completion (or its timeout) and collects its output. */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    const out: Buffer[] = [];
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 1_000_000) stderr += chunk;
    });
    child.stdin.on('error', () => undefined); // the tool may exit before reading everything
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr, timedOut });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** A readable one-paragraph description of a finished process, for assertion messages. */
export function describeResult(what: string, r: ProcessResult): string {
  const out = r.stdout.toString('utf8');
  return `${what}: code=${r.code} signal=${r.signal} timedOut=${r.timedOut}\n--- stdout ---\n${out.slice(0, 4000)}\n--- stderr ---\n${r.stderr.slice(0, 4000)}`;
}

/** Throws with the process output unless it exited 0 in time. */
export function assertSucceeded(what: string, r: ProcessResult): void {
  if (r.code !== 0 || r.timedOut) throw new Error(describeResult(`${what} failed`, r));
}

// ---- the broker's files ------------------------------------------------------------------

/** The header fields of one record batch as stored in a segment file (Kafka's on-disk format). */
export interface StoredBatch {
  baseOffset: bigint;
  lastOffsetDelta: number;
  /** attributes & 7: 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  codec: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/**
 * Every batch header in `<dataDir>/<topic>-<partition>/*.log`, oldest segment first. Reads the files
 * directly (the broker stores batches exactly as Kafka does), so it shows what a producer really sent.
 */
export async function readStoredBatches(dataDir: string, topic: string, partition: number): Promise<StoredBatch[]> {
  const dir = join(dataDir, `${topic}-${partition}`);
  const logs = (await readdir(dir)).filter((f) => f.endsWith('.log')).sort();
  const batches: StoredBatch[] = [];
  for (const name of logs) {
    const buf = await readFile(join(dir, name));
    let pos = 0;
    for (let n = 0; pos + 61 <= buf.length && n < 1_000_000; n++) {
      const batchLength = buf.readInt32BE(pos + 8);
      if (batchLength < 49 || pos + 12 + batchLength > buf.length) break;
      // baseOffset(8) length(4) leaderEpoch(4) magic(1) crc(4) attributes(2) lastOffsetDelta(4)
      // baseTimestamp(8) maxTimestamp(8) producerId(8) producerEpoch(2) baseSequence(4) count(4)
      batches.push({
        baseOffset: buf.readBigInt64BE(pos),
        codec: buf.readInt16BE(pos + 21) & 7,
        lastOffsetDelta: buf.readInt32BE(pos + 23),
        producerId: buf.readBigInt64BE(pos + 43),
        producerEpoch: buf.readInt16BE(pos + 51),
        baseSequence: buf.readInt32BE(pos + 53),
        recordCount: buf.readInt32BE(pos + 57),
      });
      pos += 12 + batchLength;
    }
  }
  return batches;
}

// ---- kcat ---------------------------------------------------------------------------------

/** Whether `kcat` runs here (its -V exits 0). */
export function kcatAvailable(): boolean {
  const r = spawnSync('kcat', ['-V'], { stdio: 'ignore', timeout: 10_000 });
  return r.status === 0;
}

/**
 * Runs kcat against `bootstrap` with a 5 s metadata timeout, quiet logging of client-side
 * chatter kept on stderr, and a hard kill after `timeoutMs`.
 */
export function kcat(bootstrap: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return runProcess('kcat', ['-b', bootstrap, '-m', '5', ...args], { timeoutMs: 30_000, ...options });
}

/** Runs kcat and returns its stdout; throws (with output) unless it succeeded. */
export async function kcatOk(bootstrap: string, args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
  const r = await kcat(bootstrap, args, options);
  assertSucceeded(`kcat ${args.join(' ')}`, r);
  return r.stdout;
}

/** One message as printed by kcat with `KCAT_BINARY_FORMAT`. */
export interface KcatMessage {
  partition: number;
  offset: bigint;
  timestamp: bigint;
  /** null when kcat reports a NULL key (length -1). */
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * A kcat `-f` format that frames binary keys and values by their lengths:
 * `@<partition>/<offset>/<keylen>/<valuelen>/<timestamp>:` then the key bytes, the value bytes and
 * a newline. Lengths are -1 for NULL. `parseKcatBinary` reads it back.
 */
export const KCAT_BINARY_FORMAT = '@%p/%o/%K/%S/%T:%k%s\\n';

/** Parses stdout produced with `-f KCAT_BINARY_FORMAT`. Throws on anything unexpected. */
export function parseKcatBinary(out: Buffer): KcatMessage[] {
  const messages: KcatMessage[] = [];
  let pos = 0;
  for (let n = 0; pos < out.length && n < 10_000_000; n++) {
    const colon = out.indexOf(0x3a /* : */, pos);
    if (out[pos] !== 0x40 /* @ */ || colon < 0) throw new Error(`bad kcat frame at byte ${pos}: ${out.subarray(pos, pos + 60).toString('latin1')}`);
    const fields = out.subarray(pos + 1, colon).toString('latin1').split('/');
    if (fields.length !== 5) throw new Error(`bad kcat frame header at byte ${pos}: ${fields.join('/')}`);
    const [partition, offset, keyLen, valueLen, timestamp] = fields;
    let p = colon + 1;
    const kl = Number(keyLen);
    const vl = Number(valueLen);
    const key = kl < 0 ? null : Buffer.from(out.subarray(p, p + kl));
    p += Math.max(kl, 0);
    const value = vl < 0 ? null : Buffer.from(out.subarray(p, p + vl));
    p += Math.max(vl, 0);
    if (out[p] !== 0x0a) throw new Error(`kcat frame at byte ${pos} does not end with a newline`);
    messages.push({ partition: Number(partition), offset: BigInt(offset), timestamp: BigInt(timestamp), key, value });
    pos = p + 1;
  }
  return messages;
}

// ---- Python (confluent-kafka) -------------------------------------------------------------

const PYTHON_DIR = join(dirname(fileURLToPath(import.meta.url)), 'python');

/**
 * The Python interpreter that has confluent_kafka: `KSTREAM_PYTHON` when set, else the first of
 * `python3` on PATH and the system interpreter that can import it; null when none can.
 */
export function findPython(): string | null {
  const candidates = process.env.KSTREAM_PYTHON ? [process.env.KSTREAM_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const candidate of candidates) {
    const r = spawnSync(candidate, ['-c', 'import confluent_kafka'], { stdio: 'ignore', timeout: 20_000 });
    if (r.status === 0) return candidate;
  }
  return null;
}

/**
 * Runs `test/interop/python/<script>` with `args` and parses the last line of its stdout as JSON.
 * Throws (with the output) when it fails, times out or prints no JSON.
 */
export async function runPythonJson<T = unknown>(python: string, script: string, args: readonly string[], options: RunOptions = {}): Promise<T> {
  const r = await runProcess(python, [join(PYTHON_DIR, script), ...args], {
    timeoutMs: 60_000,
    ...options,
    env: { PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', ...options.env },
  });
  assertSucceeded(`python ${script} ${args.join(' ')}`, r);
  const lines = r.stdout.toString('utf8').trim().split('\n');
  const last = lines[lines.length - 1];
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(describeResult(`python ${script} printed no JSON`, r));
  }
}
