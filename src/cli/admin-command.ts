/**
 * A ClusterCommand that runs admin operations (src/admin): gives `target`, where and how long to
 * talk to the cluster, resolved from the connection flags and `--timeout`.
 */
import type { Command } from '@oclif/core';
import type { ClusterTarget } from '../admin/client.ts';
import { ClusterCommand } from './cluster-command.ts';

export abstract class AdminCommand<T extends typeof Command> extends ClusterCommand<T> {
  protected get target(): ClusterTarget {
    return { servers: this.connection.servers, clientOptions: this.connection.clientOptions, timeoutMs: this.timeoutMs };
  }
}
