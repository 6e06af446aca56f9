/** Kafka reports a client's host as "/address". */
export function clientHost(peer: string): string {
  const i = peer.lastIndexOf(':');
  return `/${i > 0 ? peer.slice(0, i) : peer}`;
}
