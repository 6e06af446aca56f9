/** Config resource types as DescribeConfigs / AlterConfigs number them. */
export const ConfigResourceType = {
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
} as const;

import type { BrokerContext } from '../broker-context.ts';

/** Whether a BROKER resource name means this broker ("" is the cluster-wide default). */
export function isThisBroker(broker: BrokerContext, resourceName: string): boolean {
  return resourceName === '' || resourceName === String(broker.nodeId);
}
