/**
 * Decoder robustness. For every API, direction and version (and the data schemas):
 *   (a) random bytes,
 *   (b) valid encodings with random mutations (flipped bytes, truncation, extension, splices,
 *       length fields overwritten with huge or negative numbers),
 *   (c) every strict prefix of a valid encoding (must always fail: the decoder reads every byte),
 *   (d) a sweep writing a huge int32 and a huge unsigned varint at every offset, so every
 *       array/string/bytes length of the message is hit at least once.
 * Decoding must either return a value or throw ProtocolDecodeError; anything else (RangeError,
 * TypeError, ...) is a failure, and so is a slow decode. Inputs are bounded (a few KB at most), so
 * a decoder that only ever moves forward cannot hang. When a decode succeeds, re-encoding the
 * result must work and be a fixed point (decode(encode(x)) equals x).
 *
 * Every failure lists the case seed and the input as hex; KSTREAM_TEST_SEED reproduces a run.
 */
import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { ProtocolDecodeError } from '../../../src/protocol/errors.ts';
import { Reader } from '../../../src/protocol/primitives/reader.ts';
import { Writer } from '../../../src/protocol/primitives/writer.ts';
import { readRequestHeader, readResponseHeader } from '../../../src/protocol/headers.ts';
import { codecFor } from '../../../src/protocol/generated/registry.ts';
import { BASE_SEED, Prng, seedFor } from '../../fixtures/protocol/spec-arbitrary.ts';
import { buildDataCases, buildMessageCases, encodeCase, type CodecCase } from '../../fixtures/protocol/codec-cases.ts';

/** Per case: random inputs, mutated valid encodings, and the cap on exhaustive prefix/sweep offsets. */
const RANDOM_INPUTS = 4;
const MUTATIONS = 8;
const MAX_EXHAUSTIVE_OFFSETS = 160;
/** Any single decode of a few KB taking longer than this is treated as a hang. */
const SLOW_DECODE_MS = 250;

const cases: CodecCase[] = [...buildMessageCases(), ...(await buildDataCases())];

type Outcome = { ok: true; value: unknown; pos: number } | { ok: false; error: unknown };

function tryDecode(c: CodecCase, bytes: Buffer): Outcome & { ms: number } {
  const t0 = performance.now();
  try {
    const r = new Reader(bytes);
    const value = c.decode(r, c.version);
    return { ok: true, value, pos: r.pos, ms: performance.now() - t0 };
  } catch (error) {
    return { ok: false, error, ms: performance.now() - t0 };
  }
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e);
}

function hex(b: Buffer): string {
  return b.length > 256 ? `${b.subarray(0, 256).toString('hex')}… (${b.length} bytes)` : b.toString('hex');
}

/** Collects property violations for one case; the test asserts the list is empty at the end. */
class Findings {
  readonly list: string[] = [];
  private readonly c: CodecCase;
  private readonly seed: number;

  constructor(c: CodecCase, seed: number) {
    this.c = c;
    this.seed = seed;
  }

  add(kind: string, input: Buffer, detail: string): void {
    if (this.list.length < 8) this.list.push(`${this.c.label} [${kind}] case seed ${this.seed}: ${detail}\n    input: ${hex(input)}`);
  }

  /** Decodes `input`; checks the error type, the time taken, and the re-encode fixed point. */
  check(kind: string, input: Buffer): Outcome {
    const out = tryDecode(this.c, input);
    if (out.ms > SLOW_DECODE_MS) this.add(kind, input, `decode took ${out.ms.toFixed(0)} ms`);
    if (!out.ok) {
      if (!(out.error instanceof ProtocolDecodeError)) this.add(kind, input, `threw ${describeError(out.error)}`);
      return out;
    }
    let again: Buffer;
    try {
      again = encodeCase(this.c, out.value);
    } catch (e) {
      this.add(kind, input, `decoded, but re-encoding the decoded value threw ${describeError(e)}`);
      return out;
    }
    const second = tryDecode(this.c, again);
    if (!second.ok) {
      this.add(kind, input, `decoded, but decoding its re-encoding threw ${describeError(second.error)}`);
    } else {
      try {
        expect(second.value).toStrictEqual(out.value);
      } catch {
        this.add(kind, input, 're-encoding the decoded value is not a fixed point');
      }
    }
    return out;
  }

  assertNone(): void {
    if (this.list.length > 0) {
      throw new Error(`${this.list.length} fuzz finding(s) (KSTREAM_TEST_SEED=${BASE_SEED}):\n${this.list.join('\n')}`);
    }
  }
}

const HUGE_INT32 = [0x7fffffff, 0x40000000, -2, -1, -0x80000000, 0x00ffffff];
const HUGE_INT16 = [0x7fff, -2, -1, -0x8000];
/** Unsigned varints: 2^32-1, 2^31, 2^28 (5-byte), an over-long (6-byte) one and a 35-bit one. */
const HUGE_UVARINTS = [
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x08]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]),
  Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]),
  Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]),
];

function mutate(rng: Prng, valid: Buffer): { kind: string; bytes: Buffer } {
  const b = Buffer.from(valid);
  const at = (): number => rng.int(0, Math.max(0, b.length - 1));
  switch (rng.int(0, 6)) {
    case 0: {
      const n = rng.int(1, 4);
      for (let i = 0; i < n && b.length > 0; i++) b[at()] ^= rng.int(1, 255);
      return { kind: 'flip', bytes: b };
    }
    case 1:
      return { kind: 'truncate', bytes: b.subarray(0, rng.int(0, Math.max(0, b.length - 1))) };
    case 2: {
      const i = at();
      return { kind: 'splice', bytes: Buffer.concat([b.subarray(0, i), rng.bytes(rng.int(1, 8)), b.subarray(i)]) };
    }
    case 3: {
      if (b.length >= 4) b.writeInt32BE(rng.pick(HUGE_INT32), rng.int(0, b.length - 4));
      return { kind: 'int32 length', bytes: b };
    }
    case 4: {
      if (b.length >= 2) b.writeInt16BE(rng.pick(HUGE_INT16), rng.int(0, b.length - 2));
      return { kind: 'int16 length', bytes: b };
    }
    case 5: {
      const v = rng.pick(HUGE_UVARINTS);
      if (b.length >= v.length) v.copy(b, rng.int(0, b.length - v.length));
      return { kind: 'uvarint length', bytes: b };
    }
    default: {
      const i = at();
      return { kind: 'delete', bytes: Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + rng.int(1, 4)))]) };
    }
  }
}

/** Offsets to try exhaustively: all of them for short inputs, an even spread for long ones. */
function offsets(length: number): number[] {
  if (length <= MAX_EXHAUSTIVE_OFFSETS) return Array.from({ length }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < MAX_EXHAUSTIVE_OFFSETS; i++) out.push(Math.floor((i * length) / MAX_EXHAUSTIVE_OFFSETS));
  return out;
}

function fuzzCase(c: CodecCase): void {
  const seed = seedFor(`fuzz ${c.label}`);
  const rng = new Prng(seed);
  const f = new Findings(c, seed);

  // (a) random bytes
  for (let i = 0; i < RANDOM_INPUTS; i++) {
    const input = rng.bytes(rng.chance(0.25) ? rng.int(64, 600) : rng.int(0, 48));
    f.check('random', input);
  }

  // Valid encodings: small values keep the exhaustive passes cheap.
  const valid = [c.model.randomValue(rng, c.version, { maxArray: 2, largeBytes: 0 }), c.model.randomValue(rng, c.version, { maxArray: 3, largeBytes: 0.05 })].map((v) =>
    encodeCase(c, v),
  );

  // (b) random mutations
  for (let i = 0; i < MUTATIONS; i++) {
    const m = mutate(rng, rng.pick(valid));
    f.check(m.kind, m.bytes);
  }

  // Extension: trailing bytes are not part of the message; the value must be the same.
  for (const bytes of valid) {
    const base = tryDecode(c, bytes);
    const longer = Buffer.concat([bytes, rng.bytes(rng.int(1, 16))]);
    const ext = f.check('extend', longer);
    if (!base.ok || !ext.ok) {
      f.add('extend', longer, 'a valid encoding with trailing bytes did not decode');
    } else if (ext.pos !== bytes.length) {
      f.add('extend', longer, `decoder read ${ext.pos} bytes of a ${bytes.length}-byte message`);
    } else {
      try {
        expect(ext.value).toStrictEqual(base.value);
      } catch {
        f.add('extend', longer, 'trailing bytes changed the decoded value');
      }
    }
  }

  // (c) every strict prefix must fail, with a ProtocolDecodeError
  const full = valid[0];
  for (const n of offsets(full.length)) {
    const out = f.check('prefix', full.subarray(0, n));
    if (out.ok) f.add('prefix', full.subarray(0, n), `a ${n}-byte prefix of a ${full.length}-byte message decoded successfully`);
  }

  // (d) huge lengths at every offset
  for (const i of offsets(full.length)) {
    if (i + 4 <= full.length) {
      const b = Buffer.from(full);
      b.writeInt32BE(0x7fffffff, i);
      f.check('sweep int32', b);
    }
    if (i + 5 <= full.length) {
      const b = Buffer.from(full);
      HUGE_UVARINTS[0].copy(b, i);
      f.check('sweep uvarint', b);
    }
  }

  f.assertNone();
}

describe('fuzz: every message, direction and version', () => {
  it('has the full case list', () => {
    expect(cases.length).toBe(2 * 179 + 8);
  });

  it.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => fuzzCase(c));
});

describe('fuzz: huge claimed lengths fail fast, before allocating', () => {
  const metadata = codecFor(3)!;
  const decodeMetadata = (bytes: Buffer, version: number): unknown => metadata.decodeRequest(new Reader(bytes), version);

  it.each([
    ['int32 array length 2^31-1 (classic)', 1, Buffer.from('7fffffff', 'hex'), /array length/],
    ['int32 array length 2^31-1 with a few bytes after', 4, Buffer.from('7fffffff0000000000', 'hex'), /array length/],
    ['compact array length 2^32-2 (flexible)', 9, Buffer.from('ffffffff0f', 'hex'), /array length/],
    ['compact array length 2^28 with bytes after', 12, Buffer.from('808080800100000000', 'hex'), /array length/],
    ['int32 array length -2', 4, Buffer.from('fffffffe', 'hex'), /array length/],
  ])('MetadataRequest: %s', (_name, version, bytes, message) => {
    const t0 = performance.now();
    expect(() => decodeMetadata(bytes, version)).toThrow(ProtocolDecodeError);
    expect(() => decodeMetadata(bytes, version)).toThrow(message);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('ProduceRequest v3: records claiming 2^31-1 bytes', () => {
    const w = new Writer();
    // transactionalId null, acks, timeout, 1 topic "t", 1 partition 0, records length 0x7fffffff
    w.int16(-1).int16(1).int32(100).int32(1).string('t').int32(1).int32(0).int32(0x7fffffff);
    const t0 = performance.now();
    expect(() => codecFor(0)!.decodeRequest(new Reader(w.toBuffer()), 3)).toThrow(ProtocolDecodeError);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('tagged-field section claiming 2^32-1 fields', () => {
    // ApiVersionsRequest v3: client software name "", version "", then the tagged-field count.
    const bytes = Buffer.concat([Buffer.from([1, 1]), HUGE_UVARINTS[0]]);
    const t0 = performance.now();
    expect(() => codecFor(18)!.decodeRequest(new Reader(bytes), 3)).toThrow(ProtocolDecodeError);
    expect(performance.now() - t0).toBeLessThan(50);
  });
});

describe('fuzz: headers', () => {
  it('readRequestHeader / readResponseHeader on random bytes only ever throw ProtocolDecodeError', () => {
    const seed = seedFor('fuzz headers');
    const rng = new Prng(seed);
    const bad: string[] = [];
    for (let i = 0; i < 400; i++) {
      const input = rng.bytes(rng.int(0, 40));
      // Bias towards known API keys and versions so the flexible (tagged) paths are exercised.
      if (input.length >= 4 && rng.chance(0.7)) {
        input.writeInt16BE(rng.pick([0, 1, 3, 18, 19, 60]), 0);
        input.writeInt16BE(rng.int(0, 13), 2);
      }
      for (const read of [() => readRequestHeader(new Reader(input)), () => readResponseHeader(new Reader(input), rng.pick([0, 3, 18]), rng.int(0, 12))]) {
        try {
          read();
        } catch (e) {
          if (!(e instanceof ProtocolDecodeError)) bad.push(`${describeError(e)} on ${input.toString('hex')}`);
        }
      }
    }
    expect(bad, `seed ${seed}`).toEqual([]);
  });
});
