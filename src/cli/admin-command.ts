/**
 * A ClusterCommand that runs admin operations (src/admin): gives `target`, where and how long to
 * talk to the cluster, resolved from the connection flags and `--timeout`.
 */
import type { Command } from '@oclif/core';
import type { ClusterTarget } from '../admin/client.ts';
import { ClusterCommand } from './cluster-command.ts';
import { clusterTarget } from './cluster-target.ts';

export abstract class AdminCommand<T extends typeof Command> extends ClusterCommand<T> {
  protected get target(): ClusterTarget {
    return clusterTarget(this.connection, this.timeoutMs);
  }
}
