/** Code shared by the PostgreSQL source and sink connectors. */
export * from './config-values.ts';
export * from './connection.ts';
export * from './identifiers.ts';
export * from './lsn.ts';
export * from './pg-time.ts';
export * from './schemas.ts';
export * from './type-mapping.ts';
export { connectorLogger } from './log.ts';
