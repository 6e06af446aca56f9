import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectClient, parseAssignments, parseConnectUrl, parseConnectorFile, taskSummary } from './connect-client.ts';

describe('parseConnectorFile', () => {
  it.each([
    { name: 'POST body', text: '{"name": "a", "config": {"connector.class": "X", "tasks.max": 2, "b": true}}', expected: { name: 'a', config: { 'connector.class': 'X', 'tasks.max': '2', b: 'true' } } },
    { name: 'POST body with the name in the config', text: '{"config": {"name": "a", "k": "v"}}', expected: { name: 'a', config: { name: 'a', k: 'v' } } },
    { name: 'flat config', text: '{"name": "a", "k": "v"}', expected: { name: 'a', config: { name: 'a', k: 'v' } } },
    { name: 'flat config without name', text: '{"k": "v"}', expected: { name: null, config: { k: 'v' } } },
    { name: 'properties', text: '# comment\nname=a\nconnector.class = X\nfile: /tmp/x\n', expected: { name: 'a', config: { name: 'a', 'connector.class': 'X', file: '/tmp/x' } } },
  ])('$name', ({ text, expected }) => {
    expect(parseConnectorFile(text, 'f')).toEqual(expected);
  });

  it.each([
    { text: '{"name": ', error: /^f is not valid JSON/ },
    { text: '{"config": []}', error: /"config" must be a JSON object/ },
    { text: '{"a": {"b": 1}}', error: /the value of "a" must be a string, number or boolean/ },
    { text: '  \n', error: /f is empty/ },
  ])('errors: $text', ({ text, error }) => {
    expect(() => parseConnectorFile(text, 'f')).toThrow(error);
    try {
      parseConnectorFile(text, 'f');
    } catch (err) {
      expect((err as { exitCode: number }).exitCode).toBe(2);
    }
  });
});

describe('parseAssignments, parseConnectUrl, taskSummary', () => {
  it('key=value pairs (values may contain =)', () => {
    expect(parseAssignments(['a=1', ' b =x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(() => parseAssignments(['=1'])).toThrow(/expected key=value/);
  });
  it('URLs', () => {
    expect(parseConnectUrl('http://h:8083/')).toBe('http://h:8083');
    expect(parseConnectUrl('h:8083')).toBe('http://h:8083');
    expect(parseConnectUrl('https://h/prefix/')).toBe('https://h/prefix');
    expect(() => parseConnectUrl('ftp://h')).toThrow(/expected http:\/\/ or https:\/\//);
  });
  it('task summaries', () => {
    expect(taskSummary([])).toBe('0');
    expect(taskSummary([{ state: 'RUNNING' }, { state: 'FAILED' }, { state: 'RUNNING' }])).toBe('2/3 RUNNING, 1/3 FAILED');
  });
});

describe('ConnectClient errors', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/connectors/x/status') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error_code":404,"message":"No status found for connector x"}');
      } else if (req.url === '/connectors' && req.method === 'POST') {
        res.writeHead(409, { 'content-type': 'application/json' }).end('{"error_code":409,"message":"Connector x already exists"}');
      } else if (req.url === '/html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      } else {
        res.writeHead(500).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    { call: (c: ConnectClient) => c.status('x'), message: 'No status found for connector x', code: 'CONNECT_404', exitCode: 3, hint: "list connectors with 'kstream connect list'" },
    { call: (c: ConnectClient) => c.create('x', {}), message: 'Connector x already exists', code: 'CONNECT_409', exitCode: 3, hint: expect.stringContaining('--replace') },
    { call: (c: ConnectClient) => c.request('GET', '/html'), message: expect.stringContaining('not JSON'), code: 'CONNECT_200', exitCode: 1, hint: 'is --url a Kafka Connect REST endpoint?' },
    { call: (c: ConnectClient) => c.connectors(), message: 'HTTP 500 Internal Server Error', code: 'CONNECT_500', exitCode: 3 },
  ])('$code', async ({ call, message, code, exitCode, hint }) => {
    await expect(call(new ConnectClient({ url: base, timeoutMs: 5000 }))).rejects.toMatchObject({ message, code, exitCode, ...(hint === undefined ? {} : { hint }) });
  });
});
