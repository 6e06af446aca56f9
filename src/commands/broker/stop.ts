import { BaseCommand } from '../../cli/base-command.ts';
import { formatAddress, isBrokerAlive, isProcessAlive, readPidFile, removePidFile, waitUntil } from '../../cli/broker-process.ts';
import { CliError } from '../../cli/errors.ts';
import { dataDirFlag, timeoutFlag } from '../../cli/flags.ts';
import { resolveDataDir } from '../../cli/paths.ts';

/** How long to wait after SIGKILL for the process to disappear. */
const KILL_WAIT_MS = 5_000;

export interface BrokerStopResult {
  /** False when no broker was running (no pid file, or a stale one). */
  wasRunning: boolean;
  /** True when a running broker is gone now. */
  stopped: boolean;
  /** True when the broker ignored SIGTERM for --timeout and was killed with SIGKILL. */
  killed: boolean;
  /** True when a pid file naming a dead process was removed. */
  stalePidFileRemoved: boolean;
  pid: number | null;
  address: string | null;
  dataDir: string;
  /** Time from SIGTERM until the process was gone. */
  durationMs: number | null;
}

export default class BrokerStop extends BaseCommand<typeof BrokerStop> {
  static override summary = 'Stop a running broker.';

  static override description = `Sends SIGTERM to the broker named by <data-dir>/broker.pid and waits for it to stop cleanly (flush, close, remove the pid file). If it has not exited within --timeout it is killed with SIGKILL, and the command says so.

Stopping a broker that is not running is not an error: the command says so on stderr and exits 0 (in --json output "wasRunning" is false).`;

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --data-dir ./data --timeout 10s',
  ];

  static override flags = {
    'data-dir': dataDirFlag(),
    timeout: timeoutFlag({ description: 'How long to wait for a clean stop before SIGKILL', defaultMs: 30_000 }),
  };

  async run(): Promise<BrokerStopResult> {
    const dataDir = resolveDataDir(this.flags['data-dir']);
    const result: BrokerStopResult = { wasRunning: false, stopped: false, killed: false, stalePidFileRemoved: false, pid: null, address: null, dataDir, durationMs: null };
    const current = await readPidFile(dataDir);

    if (current.state === 'missing') {
      this.out.message(`broker is not running (no pid file in ${dataDir})`);
      return result;
    }
    if (current.state === 'invalid') {
      throw new CliError(`cannot read pid file ${current.path}: ${current.reason}`, { hint: 'if no broker is running, delete the file' });
    }

    const { pid, host, port } = current.info;
    result.pid = pid;
    result.address = formatAddress(host, port);
    if (!isBrokerAlive(current.info)) {
      await removePidFile(dataDir, pid);
      result.stalePidFileRemoved = true;
      this.out.message(`broker is not running (removed stale pid file naming process ${pid})`);
      return result;
    }

    result.wasRunning = true;
    const started = Date.now();
    try {
      process.kill(pid, 'SIGTERM');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EPERM') throw new CliError(`not permitted to signal broker process ${pid}`, { cause: err, showCause: false, hint: 'run as the user that started it' });
      if (code !== 'ESRCH') throw err;
    }

    const timeoutMs = this.flags.timeout;
    let gone = await waitUntil(() => !isProcessAlive(pid), { timeoutMs, intervalMs: 50 });
    if (!gone) {
      this.out.message(`broker (pid ${pid}) did not stop within ${formatMs(timeoutMs)}; sending SIGKILL`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
      result.killed = true;
      gone = await waitUntil(() => !isProcessAlive(pid), { timeoutMs: KILL_WAIT_MS, intervalMs: 50 });
      if (!gone) throw new CliError(`broker process ${pid} is still running after SIGKILL`);
    }
    result.durationMs = Date.now() - started;
    result.stopped = true;
    // A clean stop removes the pid file itself; after SIGKILL (or a crash while stopping) it is left behind.
    await removePidFile(dataDir, pid);
    this.out.message(`broker stopped (pid ${pid}${result.killed ? ', killed' : ''})`);
    return result;
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
