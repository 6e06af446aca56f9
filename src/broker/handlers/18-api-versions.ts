// ApiVersions: v0-4. Advertises exactly the handlers registered with the dispatcher.
// An unsupported version is answered by the connection with a v0 response carrying
// UNSUPPORTED_VERSION and the same list (KIP-511). Features are not reported.
import { ApiKey } from '../../protocol/generated/api-keys.ts';
import { defineHandler } from '../handler.ts';

export const apiVersionsHandler = defineHandler({
  apiKey: ApiKey.ApiVersions,
  minVersion: 0,
  maxVersion: 4,
  handle(_request, ctx) {
    return { errorCode: 0, apiKeys: ctx.broker.supportedApis(), throttleTimeMs: 0 };
  },
});
