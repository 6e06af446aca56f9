/** Starts a real broker in this process on 127.0.0.1 with an ephemeral port and a temp data dir. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Broker } from '../../src/broker/broker.ts';
import { createBrokerConfig, type BrokerConfig } from '../../src/broker/config.ts';
import { createLogger, silentLogger } from '../../src/util/logger.ts';

export interface TestBroker {
  broker: Broker;
  bootstrap: string;
  host: string;
  port: number;
  dataDir: string;
  /** Stops the broker and starts a new one on the same data dir (a new port unless `samePort`). */
  restart(options?: { samePort?: boolean }): Promise<TestBroker>;
  /** Stops the broker and removes the data dir. */
  close(): Promise<void>;
}

export async function makeTempDir(prefix = 'kstream-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startBroker(options: { dataDir?: string; config?: Partial<BrokerConfig>; port?: number } = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? (await makeTempDir());
  // Groups form at once in tests unless a test asks for Kafka's initial rebalance delay.
  const config = createBrokerConfig({ host: '127.0.0.1', port: options.port ?? 0, dataDir, groupInitialRebalanceDelayMs: 0, ...options.config });
  const logger = process.env.KSTREAM_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger;
  const broker = await Broker.start(config, { logger });
  const { host, port } = broker.listenAddress;
  const self: TestBroker = {
    broker,
    bootstrap: `${host}:${port}`,
    host,
    port,
    dataDir,
    async restart(restartOptions = {}) {
      await broker.stop();
      return startBroker({ dataDir, config: options.config, port: restartOptions.samePort ? port : 0 });
    },
    async close() {
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return self;
}

export function uniqueName(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
