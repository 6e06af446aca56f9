/**
 * Request headers v1/v2 and response headers v0/v1, including the ApiVersions rule (its response
 * header is always v0) and the header version of every API version, checked against the JSON
 * definitions' flexibleVersions.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ProtocolDecodeError } from './errors.ts';
import { ApiKey, apiVersionInfo } from './generated/api-keys.ts';
import {
  readRequestHeader,
  readRequestHeaderPrefix,
  readResponseHeader,
  responseHeaderVersion,
  writeRequestHeader,
  writeResponseHeader,
  type RequestHeader,
} from './headers.ts';
import { Reader } from './primitives/reader.ts';
import { Writer } from './primitives/writer.ts';

function encode(fn: (w: Writer) => void): Buffer {
  const w = new Writer();
  fn(w);
  return w.toBuffer();
}

/** First flexible version of each API, read from the JSON request definitions. */
function flexibleFromSpecs(): Map<number, number> {
  const dir = fileURLToPath(new URL('../../protocol-spec/messages/', import.meta.url));
  const out = new Map<number, number>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('Request.json'))) {
    const text = readFileSync(dir + f, 'utf8')
      .split('\n')
      .filter((l) => !/^\s*\/\//.test(l))
      .join('\n');
    const spec = JSON.parse(text) as { apiKey?: number; type: string; flexibleVersions: string };
    if (spec.type !== 'request' || spec.apiKey === undefined) continue;
    const m = /^(\d+)\+$/.exec(spec.flexibleVersions);
    out.set(spec.apiKey, m ? Number(m[1]) : -1);
  }
  return out;
}

describe('request header', () => {
  it('v1 (Metadata v8): key, version, correlation id, int16-length client id, no tagged fields', () => {
    const h: RequestHeader = { apiKey: ApiKey.Metadata, apiVersion: 8, correlationId: 0x01020304, clientId: 'cli' };
    const bytes = encode((w) => writeRequestHeader(w, h));
    expect(bytes.toString('hex')).toBe('0003' + '0008' + '01020304' + '0003' + '636c69');
    const r = new Reader(Buffer.concat([bytes, Buffer.from('ff', 'hex')]));
    expect(readRequestHeader(r)).toStrictEqual(h);
    expect(r.pos).toBe(bytes.length);
  });

  it('v2 (Metadata v9): the client id keeps its int16 length, then a tagged-field section', () => {
    const h: RequestHeader = { apiKey: ApiKey.Metadata, apiVersion: 9, correlationId: 7, clientId: 'cli' };
    const bytes = encode((w) => writeRequestHeader(w, h));
    expect(bytes.toString('hex')).toBe('0003' + '0009' + '00000007' + '0003' + '636c69' + '00');
    expect(readRequestHeader(new Reader(bytes))).toStrictEqual(h);
  });

  it('v2: tagged fields in the header are skipped, leaving the reader at the body', () => {
    const prefix = Buffer.from('0001' + '000c' + '0000002a' + '0002' + '6964', 'hex'); // Fetch v12, client id "id"
    const tagged = Buffer.from('02' + '00' + '03' + 'aabbcc' + '8001' + '01' + '00', 'hex'); // 2 fields, tags 0 and 128
    const body = Buffer.from('deadbeef', 'hex');
    const r = new Reader(Buffer.concat([prefix, tagged, body]));
    expect(readRequestHeader(r)).toStrictEqual({ apiKey: 1, apiVersion: 12, correlationId: 42, clientId: 'id' });
    expect(r.int32()).toBe(0xdeadbeef | 0);
  });

  it('a null client id is length -1, in v1 and v2', () => {
    for (const apiVersion of [0, 3]) {
      const h: RequestHeader = { apiKey: ApiKey.ApiVersions, apiVersion, correlationId: 1, clientId: null };
      const bytes = encode((w) => writeRequestHeader(w, h));
      expect(bytes.subarray(8, 10).toString('hex')).toBe('ffff');
      expect(readRequestHeader(new Reader(bytes))).toStrictEqual(h);
    }
  });

  it('a multi-byte UTF-8 client id is length-prefixed in bytes', () => {
    const h: RequestHeader = { apiKey: ApiKey.Produce, apiVersion: 3, correlationId: -1, clientId: 'prodücer-日本' };
    const bytes = encode((w) => writeRequestHeader(w, h));
    expect(bytes.readInt16BE(8)).toBe(Buffer.byteLength(h.clientId!, 'utf8'));
    expect(readRequestHeader(new Reader(bytes))).toStrictEqual(h);
  });

  it('ApiVersions v3+ requests use header v2 (only its response header stays v0)', () => {
    const bytes = encode((w) => writeRequestHeader(w, { apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: 'x' }));
    expect(bytes[bytes.length - 1]).toBe(0);
    expect(bytes.length).toBe(2 + 2 + 4 + 2 + 1 + 1);
  });

  it('an unknown API key is read as header v1 (no tagged fields)', () => {
    const bytes = Buffer.from('7fff' + '0063' + '00000001' + '0000' + '05', 'hex');
    const r = new Reader(bytes);
    expect(readRequestHeader(r)).toStrictEqual({ apiKey: 0x7fff, apiVersion: 99, correlationId: 1, clientId: '' });
    expect(r.pos).toBe(bytes.length - 1);
  });

  it('a version above the known range of a flexible API is read as header v2 (as Kafka does)', () => {
    // flexibleVersions are open-ended ("9+"), so Metadata v99 is flexible. Note: the doc comment
    // of readRequestHeader says unknown *versions* are read as header v1; the code (rightly) does not.
    const bytes = Buffer.from('0003' + '0063' + '00000001' + '0000' + '00' + '05', 'hex');
    const r = new Reader(bytes);
    readRequestHeader(r);
    expect(r.pos).toBe(bytes.length - 1);
  });

  it('readRequestHeaderPrefix reads only key, version and correlation id', () => {
    const r = new Reader(Buffer.from('0012' + '0004' + 'fffffffe' + '0003', 'hex'));
    expect(readRequestHeaderPrefix(r)).toStrictEqual({ apiKey: 18, apiVersion: 4, correlationId: -2 });
    expect(r.pos).toBe(8);
  });

  it.each([
    ['empty', ''],
    ['truncated correlation id', '00030009000000'],
    ['client id past the end', '000300080000000100056162'],
    ['client id length -2', '0003' + '0008' + '00000001' + 'fffe'],
    ['v2 without its tagged-field section', '0003000900000001' + '0000'],
    ['v2 tagged field past the end', '0003000900000001' + '0000' + '010005aa'],
  ])('%s -> ProtocolDecodeError', (_name, hex) => {
    expect(() => readRequestHeader(new Reader(Buffer.from(hex, 'hex')))).toThrow(ProtocolDecodeError);
  });
});

describe('response header', () => {
  it('v0: only the correlation id', () => {
    const bytes = encode((w) => writeResponseHeader(w, ApiKey.Metadata, 8, 0x0a0b0c0d));
    expect(bytes.toString('hex')).toBe('0a0b0c0d');
    const r = new Reader(bytes);
    expect(readResponseHeader(r, ApiKey.Metadata, 8)).toStrictEqual({ correlationId: 0x0a0b0c0d });
    expect(r.remaining).toBe(0);
  });

  it('v1: correlation id and a tagged-field section', () => {
    const bytes = encode((w) => writeResponseHeader(w, ApiKey.Metadata, 9, 5));
    expect(bytes.toString('hex')).toBe('00000005' + '00');
    const withTags = Buffer.from('00000005' + '01' + '02' + '02' + 'abcd' + '77', 'hex');
    const r = new Reader(withTags);
    expect(readResponseHeader(r, ApiKey.Metadata, 9)).toStrictEqual({ correlationId: 5 });
    expect(r.int8()).toBe(0x77);
  });

  it.each([0, 1, 2, 3, 4])('ApiVersions v%d: always response header v0', (version) => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, version)).toBe(0);
    const bytes = encode((w) => writeResponseHeader(w, ApiKey.ApiVersions, version, 9));
    expect(bytes.toString('hex')).toBe('00000009');
    // The error code follows the correlation id directly, so an old client can read it.
    const r = new Reader(Buffer.concat([bytes, Buffer.from('0023', 'hex')]));
    expect(readResponseHeader(r, ApiKey.ApiVersions, version)).toStrictEqual({ correlationId: 9 });
    expect(r.int16()).toBe(35);
  });

  it('ApiVersions for a version kstream does not know (v127) is still header v0', () => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, 127)).toBe(0);
  });

  it('every API and version: header v1 exactly when the version is flexible (per the definitions), except ApiVersions', () => {
    const flex = flexibleFromSpecs();
    expect([...flex.keys()].sort((a, b) => a - b)).toEqual([...apiVersionInfo.keys()].sort((a, b) => a - b));
    for (const [key, info] of apiVersionInfo) {
      for (let v = info.minVersion; v <= info.maxVersion; v++) {
        const f = flex.get(key)!;
        const want = key !== ApiKey.ApiVersions && f >= 0 && v >= f ? 1 : 0;
        expect(responseHeaderVersion(key, v), `${info.name} v${v}`).toBe(want);
      }
    }
  });

  it.each([
    ['v0 truncated', ApiKey.Metadata, 8, '000000'],
    ['v1 without its tagged-field section', ApiKey.Metadata, 9, '00000001'],
    ['v1 tagged field past the end', ApiKey.Metadata, 9, '00000001' + '01000a00'],
  ])('%s -> ProtocolDecodeError', (_name, key, version, hex) => {
    expect(() => readResponseHeader(new Reader(Buffer.from(hex, 'hex')), key, version)).toThrow(ProtocolDecodeError);
  });
});
