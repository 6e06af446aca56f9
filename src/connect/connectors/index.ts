/** The built-in connector plugins. */
import type { ConnectorPlugin } from '../api.ts';
import { fileStreamSinkPlugin } from './file-stream-sink.ts';
import { fileStreamSourcePlugin } from './file-stream-source.ts';
import { postgresSinkPlugin } from './postgres-sink/index.ts';
import { postgresSourcePlugin } from './postgres-source/index.ts';

export const builtinConnectors: readonly ConnectorPlugin[] = [fileStreamSourcePlugin, fileStreamSinkPlugin, postgresSourcePlugin, postgresSinkPlugin];
