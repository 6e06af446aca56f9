import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint, decimalToUnscaled, parseJson, stringifyJson, unscaledToDecimal } from './data.ts';

describe('decimal bytes as Java BigInteger.toByteArray', () => {
  it.each([
    [0n, '00'],
    [127n, '7f'],
    [128n, '0080'],
    [255n, '00ff'],
    [-1n, 'ff'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [12345678n, '00bc614e'],
    [-12345678n, 'ff439eb2'],
  ])('%s ↔ %s', (value, hex) => {
    expect(bigintToBytes(value).toString('hex')).toBe(hex);
    expect(bytesToBigint(Buffer.from(hex, 'hex'))).toBe(value);
  });
});

describe('decimal text', () => {
  it.each([
    ['12.5', 2, 1250n, '12.50'],
    ['-0.01', 2, -1n, '-0.01'],
    ['1e3', 0, 1000n, '1000'],
    [1.25, 2, 125n, '1.25'],
    [7n, 3, 7000n, '7.000'],
    ['0', 4, 0n, '0.0000'],
  ] as const)('%s at scale %s', (input, scale, unscaled, back) => {
    expect(decimalToUnscaled(input, scale)).toBe(unscaled);
    expect(unscaledToDecimal(unscaled, scale)).toBe(back);
  });

  it('refuses lost digits and junk', () => {
    expect(() => decimalToUnscaled('1.234', 2)).toThrow(/more than 2 decimal places/);
    expect(() => decimalToUnscaled('abc', 2)).toThrow(/not a decimal/);
  });
});

describe('JSON with exact 64-bit integers', () => {
  it('round-trips bigints', () => {
    const text = stringifyJson({ a: 18446744073709551615n, b: 1 });
    expect(text).toBe('{"a":18446744073709551615,"b":1}');
    expect(parseJson(text)).toEqual({ a: 18446744073709551615n, b: 1 });
  });
});
