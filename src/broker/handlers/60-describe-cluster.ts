// DescribeCluster: v0-1. One broker, which is also the controller. Authorized operations are
// not computed. v1 endpoint type 2 (controllers) is answered with this broker too.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const describeClusterHandler = defineHandler({
  apiKey: ApiKey.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const b = ctx.broker;
    return {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      endpointType: request.endpointType,
      clusterId: b.clusterId,
      controllerId: b.nodeId,
      brokers: [{ brokerId: b.nodeId, host: b.advertised.host, port: b.advertised.port, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    };
  },
});
