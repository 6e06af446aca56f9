/**
 * The entry point of the live lag monitor: renders <MonitorApp> full-screen (the terminal's
 * alternate screen, as top and less do) with Ink's incremental rendering, so each refresh only
 * rewrites the lines that changed, and resolves when the user quits (q, Ctrl+C) or `signal`
 * aborts. Commands call this; they never build JSX.
 */
import { render } from 'ink';
import { createElement } from 'react';
import type { LagSource } from '../admin/lag-source.ts';
import { MonitorApp, type MonitorAppProps } from './app.tsx';

export interface RenderMonitorOptions extends Omit<MonitorAppProps, 'source'> {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  stderr?: NodeJS.WriteStream;
  /** Unmounts the monitor (SIGTERM). */
  signal?: AbortSignal;
}

export async function renderMonitor(source: LagSource, options: RenderMonitorOptions): Promise<void> {
  const { stdout = process.stdout, stdin = process.stdin, stderr = process.stderr, signal, ...props } = options;
  const instance = render(createElement(MonitorApp, { ...props, source }), {
    stdout,
    stdin,
    stderr,
    // A terminal is interactive even when CI is set in the environment.
    interactive: stdout.isTTY === true,
    alternateScreen: true,
    incrementalRendering: true,
    exitOnCtrlC: true,
    patchConsole: true,
    maxFps: 20,
  });
  const onAbort = (): void => instance.unmount();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await instance.waitUntilExit();
  } finally {
    signal?.removeEventListener('abort', onAbort);
    instance.cleanup();
  }
}
