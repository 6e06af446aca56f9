import { describe, expect, it } from 'vitest';
import { RetriableError } from './api.ts';
import { LogReporter, RetryWithToleranceOperator, ToleranceExceededError, type ErrorContext, type ErrorReporter } from './errors.ts';
import type { ErrorHandlingConfig } from './connector-config.ts';
import { createLogger } from '../util/logger.ts';

const base: ErrorHandlingConfig = { tolerance: 'none', retryTimeoutMs: 0, retryDelayMaxMs: 60000, logEnable: false, logIncludeMessages: false, dlqTopic: null, dlqReplicationFactor: 3, dlqContextHeaders: false };
const ctx: ErrorContext = { stage: 'VALUE_CONVERTER', className: 'X' };

function failing(times: number, error: () => Error): { fn: () => string; calls: () => number } {
  let calls = 0;
  return {
    fn: () => {
      calls++;
      if (calls <= times) throw error();
      return 'ok';
    },
    calls: () => calls,
  };
}

describe('RetryWithToleranceOperator', () => {
  it('passes values through', async () => {
    expect(await new RetryWithToleranceOperator(base, []).execute(() => 42, ctx)).toEqual({ ok: true, value: 42 });
  });

  it('does not retry without errors.retry.timeout and fails under tolerance none', async () => {
    const f = failing(1, () => new RetriableError('busy'));
    const err = await new RetryWithToleranceOperator(base, []).execute(f.fn, ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToleranceExceededError);
    expect((err as Error).message).toBe('Tolerance exceeded in error handler');
    expect(((err as Error).cause as Error).message).toBe('busy');
    expect(f.calls()).toBe(1);
  });

  it('retries retriable errors within errors.retry.timeout', async () => {
    const f = failing(2, () => new RetriableError('busy'));
    const op = new RetryWithToleranceOperator({ ...base, retryTimeoutMs: 5000, retryDelayMaxMs: 10 }, []);
    expect(await op.execute(f.fn, ctx)).toEqual({ ok: true, value: 'ok' });
    expect(f.calls()).toBe(3);
  });

  it('gives up when the retry timeout passes', async () => {
    const f = failing(1000, () => new RetriableError('busy'));
    const op = new RetryWithToleranceOperator({ ...base, tolerance: 'all', retryTimeoutMs: 100, retryDelayMaxMs: 20 }, []);
    const started = Date.now();
    expect(await op.execute(f.fn, ctx)).toEqual({ ok: false });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(f.calls()).toBeGreaterThan(2);
  });

  it('does not retry other errors; tolerance all reports them and skips', async () => {
    const reported: [ErrorContext, unknown][] = [];
    const reporter: ErrorReporter = { report: async (c, e) => void reported.push([c, e]) };
    const f = failing(5, () => new Error('bad data'));
    const op = new RetryWithToleranceOperator({ ...base, tolerance: 'all', retryTimeoutMs: -1 }, [reporter]);
    expect(await op.execute(f.fn, ctx)).toEqual({ ok: false });
    expect(f.calls()).toBe(1);
    expect(op.tolerated).toBe(1);
    expect(reported.map(([c, e]) => [c.stage, (e as Error).message])).toEqual([['VALUE_CONVERTER', 'bad data']]);
  });

  it('logs with the record coordinates', async () => {
    const lines: string[] = [];
    const reporter = new LogReporter(createLogger({ stream: { write: (s: string) => lines.push(s) } }), 'c-0', true);
    await reporter.report({ stage: 'VALUE_CONVERTER', className: 'J', consumed: { topic: 't', partition: 1, offset: 7n, timestamp: 0n, timestampType: 'CreateTime', key: null, value: Buffer.from('v'), headers: [], leaderEpoch: 0 } }, new Error('boom'));
    expect(lines.join('')).toMatch(/Error encountered in task c-0\. Executing stage 'VALUE_CONVERTER' with class 'J'.*topic=t partition=1 offset=7.*value=v/);
  });
});
