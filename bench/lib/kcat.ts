/** kcat (librdkafka) as the load generator: producing records from a file, consuming to nowhere. */
import { run, type RunResult } from './proc.ts';

/** The batching settings of the large-batch produce benchmarks. */
export const LARGE_BATCHES: Record<string, string> = {
  'linger.ms': '5',
  'batch.num.messages': '10000',
  'batch.size': '1000000',
};

function props(p: Record<string, string>): string[] {
  return Object.entries(p).flatMap(([k, v]) => ['-X', `${k}=${v}`]);
}

export interface KcatProduce {
  bootstrap: string;
  topic: string;
  partition: number;
  file: string;
  /** Records to send from the file (kcat -c). */
  count: number;
  config: Record<string, string>;
  timeoutMs: number;
}

/** Produces and waits for kcat to exit (it waits for every delivery report). Throws on failure. */
export async function kcatProduce(o: KcatProduce): Promise<RunResult> {
  const r = await run('kcat', ['-P', '-b', o.bootstrap, '-t', o.topic, '-p', String(o.partition), '-c', String(o.count), '-l', o.file, ...props(o.config)], { timeoutMs: o.timeoutMs, measureCpu: true });
  if (r.timedOut) throw new Error(`kcat produce did not finish within ${o.timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`kcat produce exited with ${r.code ?? r.signal}: ${r.stderr.slice(0, 1000)}`);
  if (/error|fail/i.test(r.stderr)) throw new Error(`kcat produce reported: ${r.stderr.slice(0, 1000)}`);
  return r;
}

export interface KcatConsume {
  bootstrap: string;
  topic: string;
  partition: number;
  config: Record<string, string>;
  timeoutMs: number;
  /** kcat -f format; the default prints only the offset of the last record, '%o\n' per record. */
  format?: string;
}

/** Reads the partition from the beginning to its end (-e), output to nowhere. Throws on failure. */
export async function kcatConsume(o: KcatConsume): Promise<RunResult> {
  const r = await run('kcat', ['-C', '-b', o.bootstrap, '-t', o.topic, '-p', String(o.partition), '-o', 'beginning', '-e', '-q', '-f', o.format ?? '', ...props(o.config)], { timeoutMs: o.timeoutMs, measureCpu: true });
  if (r.timedOut) throw new Error(`kcat consume did not finish within ${o.timeoutMs} ms`);
  if (r.code !== 0) throw new Error(`kcat consume exited with ${r.code ?? r.signal}: ${r.stderr.slice(0, 1000)}`);
  return r;
}

export async function kcatVersion(): Promise<string> {
  try {
    const r = await run('kcat', ['-V'], { timeoutMs: 10_000, captureStdout: true });
    const m = /librdkafka version ([^\s)]+)/.exec(r.stdout + r.stderr);
    return m ? `librdkafka ${m[1]}` : 'unknown';
  } catch {
    return 'not installed';
  }
}
