/**
 * Goal 9: what a Node application gets: @platformatic/kafka producing 100-byte records, acks=1.
 *  - send() with 1,000 records each, 4 sends in flight (batched use);
 *  - send() with one record each, 64 in flight (record-at-a-time use; fewer records).
 * Compared with kcat's 100-byte rate from the same run when produce-kcat ran, else with the
 * 1,000,000 records/s goal.
 */
import { performance } from 'node:perf_hooks';
import { Producer } from '@platformatic/kafka';
import type { BenchContext, BenchModule, Limit } from './lib/context.ts';
import { spawnBroker, type BrokerProcess } from './lib/broker.ts';
import { makeTempDir, removeTempDir } from './lib/proc.ts';
import { WireClient, createTopics } from './lib/wire.ts';
import { RECORDS_GOAL } from './produce-kcat.ts';

const VALUE = Buffer.alloc(100, 0x64);

async function produce(
  broker: BrokerProcess,
  topic: string,
  total: number,
  perSend: number,
  inFlight: number,
  timeLimitMs: number,
): Promise<{ records: number; ms: number; busy: number; clientBusy: number }> {
  const producer = new Producer({ clientId: 'kstream-bench', bootstrapBrokers: [broker.bootstrap], retries: 0, timeout: 30_000, acks: 1, maxInflights: inFlight });
  try {
    const messages = Array.from({ length: perSend }, () => ({ topic, partition: 0, value: VALUE }));
    await producer.send({ messages: messages.slice(0, 1), acks: 1 }); // connection and metadata
    let sent = 0;
    let done = 0;
    const c0 = broker.cpuMs();
    const own0 = process.cpuUsage();
    const t0 = performance.now();
    const deadline = t0 + timeLimitMs;
    const worker = async (): Promise<void> => {
      while (sent < total && performance.now() < deadline) {
        sent += perSend;
        await producer.send({ messages, acks: 1 });
        done += perSend;
      }
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    const ms = performance.now() - t0;
    const own = process.cpuUsage(own0);
    return { records: done, ms, busy: (broker.cpuMs() - c0) / ms, clientBusy: (own.user + own.system) / 1000 / ms };
  } finally {
    await producer.close();
  }
}

export const nodeProducerModule: BenchModule = {
  name: 'node-producer',
  title: '9. Node producer (@platformatic/kafka), 100-byte records, acks=1',
  async run(ctx: BenchContext) {
    const kcat = ctx.find('produce.100b.rps');
    const limit: Limit = kcat ? { value: kcat.value, unit: 'rec/s', label: 'kcat, same run' } : { value: RECORDS_GOAL, unit: 'rec/s', label: 'goal of #3' };
    const dir = makeTempDir('node-producer');
    const broker = await spawnBroker(dir);
    try {
      const client = await WireClient.connect(broker.host, broker.port);
      await createTopics(client, ['node-batched', 'node-single'], 1);
      client.close();
      const timeLimitMs = ctx.sizes.loadTimeoutS * 1000;
      const n = ctx.sizes.nodeProduceRecords;
      ctx.log(`${n.toLocaleString('en-US')} records, 1,000 per send(), 4 in flight`);
      const b = await produce(broker, 'node-batched', n, 1000, 4, timeLimitMs);
      ctx.metric({
        id: 'node.platformatic.batched.rps',
        goalNo: 9,
        label: '@platformatic/kafka send() of 1,000 records, 4 in flight',
        value: b.records / (b.ms / 1000),
        unit: 'rec/s',
        limit,
        note: `CPU busy: broker ${b.busy.toFixed(2)}, client ${b.clientBusy.toFixed(2)}; ${b.records.toLocaleString('en-US')} records`,
        details: { ...b },
      });
      const single = Math.max(1000, Math.round(n / 20));
      ctx.log(`${single.toLocaleString('en-US')} records, 1 per send(), 64 in flight`);
      const s = await produce(broker, 'node-single', single, 1, 64, timeLimitMs);
      ctx.metric({
        id: 'node.platformatic.single.rps',
        goalNo: 9,
        label: '@platformatic/kafka send() of 1 record, 64 in flight',
        value: s.records / (s.ms / 1000),
        unit: 'rec/s',
        limit,
        note: `CPU busy: broker ${s.busy.toFixed(2)}, client ${s.clientBusy.toFixed(2)}; ${s.records.toLocaleString('en-US')} records`,
        details: { ...s },
      });
    } finally {
      await broker.stop();
      removeTempDir(dir);
    }
  },
};
