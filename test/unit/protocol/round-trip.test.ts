/**
 * Round trip of every generated codec: every API, both directions, every version, plus the
 * "data" schemas. Values are built from the JSON definitions read at test time (not from the
 * generated code), so a generator mistake in field order, presence, nullability, defaults or
 * tagging shows up as a mismatch.
 *
 * For each case: decode(encode(value)) must deep-equal the value and consume every byte,
 * encoding the decoded value again must give identical bytes, and the encoding must equal that of
 * an independent reference encoder interpreting the JSON definitions (test/fixtures/protocol).
 */
import { describe, expect, it } from 'vitest';
import { Reader } from '../../../src/protocol/primitives/reader.ts';
import { Writer } from '../../../src/protocol/primitives/writer.ts';
import { codecFor } from '../../../src/protocol/generated/registry.ts';
import { apiVersionInfo, isFlexible } from '../../../src/protocol/generated/api-keys.ts';
import {
  BASE_SEED,
  MessageModel,
  Prng,
  kebab,
  loadSpecs,
  parseVersions,
  seedFor,
  show,
  specFor,
  type MessageSpec,
  type StructValue,
} from '../../fixtures/protocol/spec-arbitrary.ts';
import {
  buildDataCases,
  buildMessageCases,
  codecs,
  dataSpecs,
  encodeCase,
  generatedFiles,
  importGenerated,
  type CodecCase,
} from '../../fixtures/protocol/codec-cases.ts';

/** Random values per (API, direction, version); each case uses its own seed derived from its label. */
const SAMPLES = 6;
/** Random values with properties left out (Init<T>), per case. */
const SPARSE_SAMPLES = 2;

/**
 * Pinned so that adding (or losing) an API, a version or a data schema changes a number here on
 * purpose: 28 APIs, 179 versions in all (each in two directions), 2 data schemas.
 */
const EXPECTED_API_COUNT = 28;
const EXPECTED_VERSION_COUNT = 179;
const EXPECTED_DATA_SCHEMAS = 2;

const messageCases = buildMessageCases();
const dataCases = await buildDataCases();

type Case = CodecCase;

/**
 * The round-trip property for one value: decode(encode(value)) equals `expected` and consumes
 * every byte, encode(decoded) reproduces the bytes, and the bytes equal those of the reference
 * encoder (which writes the JSON definitions' layout without using src/), so an encoder and
 * decoder that agree on a wrong layout are caught too.
 */
function checkRoundTrip(c: Case, value: StructValue, expected: StructValue): Buffer {
  const bytes = encodeCase(c, value);
  const reference = c.model.referenceEncode(expected, c.version);
  if (!reference.equals(bytes)) {
    expect(bytes.toString('hex'), 'generated encoder vs. reference encoder of the definitions').toBe(reference.toString('hex'));
  }
  const r = new Reader(bytes);
  const decoded = c.decode(r, c.version);
  expect(decoded, 'decode(encode(value)) must equal the value').toStrictEqual(expected);
  expect(r.pos, 'the decoder must consume the whole encoding').toBe(bytes.length);
  const again = encodeCase(c, decoded);
  if (!again.equals(bytes)) {
    expect(again.toString('hex'), 'encode(decode(bytes)) must reproduce the bytes').toBe(bytes.toString('hex'));
  }
  return bytes;
}

function withSeed<T>(c: Case, seed: number, sample: number | string, value: unknown, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    const e = err as Error;
    e.message =
      `[${c.label}, sample ${sample}, case seed ${seed}, KSTREAM_TEST_SEED=${BASE_SEED}]\n` +
      `value: ${show(value, 1500)}\n${e.message}`;
    throw e;
  }
}

function runCase(c: Case): void {
  const seed = seedFor(c.label);
  const rng = new Prng(seed);
  // An empty Init: every field left out takes its default.
  withSeed(c, seed, 'empty', {}, () => checkRoundTrip(c, {}, c.model.defaultValue()));
  for (let i = 0; i < SAMPLES; i++) {
    const value = c.model.randomValue(rng, c.version);
    withSeed(c, seed, i, value, () => checkRoundTrip(c, value, value));
  }
  // Sparse Init values: properties left out at every depth decode to their defaults.
  for (let i = 0; i < SPARSE_SAMPLES; i++) {
    const { sparse, expected } = c.model.sparsify(rng, c.model.randomValue(rng, c.version));
    withSeed(c, seed, `sparse ${i}`, sparse, () => checkRoundTrip(c, sparse, expected));
  }
}

describe('generated codecs: coverage', () => {
  it('covers every API defined in protocol-spec, and nothing else', () => {
    const requestKeys = loadSpecs()
      .filter((s) => s.type === 'request')
      .map((s) => s.apiKey)
      .sort((a, b) => a! - b!);
    expect(codecs.map((c) => c.apiKey)).toEqual(requestKeys);
    expect(codecs.length).toBe(EXPECTED_API_COUNT);
  });

  it('builds a case for every (API, direction, version)', () => {
    const versions = codecs.reduce((n, c) => n + c.maxVersion - c.minVersion + 1, 0);
    expect(versions).toBe(EXPECTED_VERSION_COUNT);
    expect(messageCases.length).toBe(2 * EXPECTED_VERSION_COUNT);
    expect(dataSpecs().length).toBe(EXPECTED_DATA_SCHEMAS);
    expect(dataCases.length).toBe(dataSpecs().reduce((n, s) => n + new MessageModel(s).versions.length, 0));
    expect(generatedFiles('data')).toEqual(dataSpecs().map((s) => `${kebab(s.name)}.ts`).sort());
    expect(generatedFiles('messages')).toEqual(codecs.map((c) => `${kebab(c.name)}.ts`).sort());
  });

  it.each(codecs.map((c) => [c.name, c] as const))('%s: codec metadata matches the definitions', (_name, codec) => {
    const req = specFor(codec.apiKey, 'request');
    const resp = specFor(codec.apiKey, 'response');
    const valid = parseVersions(req.validVersions)!;
    expect([codec.minVersion, codec.maxVersion]).toEqual([valid.min, valid.max]);
    expect(parseVersions(resp.validVersions)).toEqual(valid);
    const flex = parseVersions(req.flexibleVersions);
    expect(codec.flexibleFrom).toBe(flex ? flex.min : -1);
    expect(codecFor(codec.apiKey)).toBe(codec);
    const info = apiVersionInfo.get(codec.apiKey)!;
    expect(info).toMatchObject({ name: codec.name, minVersion: valid.min, maxVersion: valid.max, flexibleFrom: codec.flexibleFrom });
    for (let v = valid.min; v <= valid.max; v++) expect(isFlexible(codec.apiKey, v)).toBe(flex !== null && v >= flex.min);
  });
});

describe('generated default…() functions equal the defaults of the definitions', () => {
  const targets: Array<[string, MessageSpec, string]> = [];
  for (const codec of codecs) {
    for (const dir of ['request', 'response'] as const) targets.push([specFor(codec.apiKey, dir).name, specFor(codec.apiKey, dir), `messages/${kebab(codec.name)}.ts`]);
  }
  for (const spec of dataSpecs()) targets.push([spec.name, spec, `data/${kebab(spec.name)}.ts`]);

  it.each(targets)('default%s()', async (name, spec, file) => {
    const mod = await importGenerated(file);
    const fn = mod[`default${name}`] as () => unknown;
    expect(typeof fn).toBe('function');
    expect(fn()).toStrictEqual(new MessageModel(spec).defaultValue());
  });
});

describe('round trip: every message, direction and version', () => {
  it.each(messageCases.map((c) => [c.label, c] as const))('%s', (_label, c) => runCase(c));
});

describe('round trip: data schemas', () => {
  it.each(dataCases.map((c) => [c.label, c] as const))('%s', (_label, c) => runCase(c));
});

describe('round trip: large byte fields are referenced, not copied', () => {
  it('ProduceRequest: a >= 4096-byte records field is written by reference and decoded as a view', () => {
    const c = messageCases.find((x) => x.label === 'ProduceRequest v9')!;
    const records = Buffer.alloc(10_000, 7);
    const value = { acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] };
    const w = new Writer();
    c.encode(w, c.version, value as never);
    const parts = w.toBuffers();
    expect(parts.some((p) => p.buffer === records.buffer && p.byteOffset === records.byteOffset && p.length === records.length)).toBe(true);
    const bytes = Buffer.concat(parts);
    const decoded = c.decode(new Reader(bytes), c.version) as { topicData: Array<{ partitionData: Array<{ records: Buffer }> }> };
    const out = decoded.topicData[0].partitionData[0].records;
    expect(out.buffer).toBe(bytes.buffer);
    expect(out.equals(records)).toBe(true);
  });
});
