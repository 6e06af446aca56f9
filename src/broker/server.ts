/** The TCP listener: accepts connections and closes them all on shutdown. */
import { createServer, type Server, type Socket } from 'node:net';
import { Connection, type ConnectionLimits } from './connection.ts';
import type { Dispatcher } from './dispatcher.ts';
import type { BrokerContext } from './broker-context.ts';
import type { Logger } from '../util/logger.ts';

export class BrokerServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly logger: Logger;

  constructor(dispatcher: Dispatcher, broker: BrokerContext, limits: ConnectionLimits, logger: Logger) {
    this.logger = logger;
    this.server = createServer({ noDelay: true }, (socket: Socket) => {
      const conn = new Connection(socket, dispatcher, broker, limits, logger);
      this.connections.add(conn);
      logger.debug('connection opened', { peer: conn.peer });
      socket.on('close', () => {
        this.connections.delete(conn);
        logger.debug('connection closed', { peer: conn.peer });
      });
    });
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.logger.error('listener error', { err }));
        const addr = this.server.address();
        if (addr === null || typeof addr === 'string') return reject(new Error('listener has no address'));
        resolve({ host: addr.address, port: addr.port });
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops accepting and closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await closed;
  }
}
