import { describe, expect, it } from 'vitest';
import { fit, formatCount, formatRate, formatSeconds, formatTimeLag, trendArrow } from './format.ts';

describe('formatters', () => {
  it.each([
    [null, '-'],
    [0n, '0'],
    [99_999n, '99999'],
    [123_456n, '123.5k'],
    [12_345_678n, '12.3M'],
    [4_200_000_000, '4.2G'],
  ])('formatCount(%s) = %s', (n, want) => expect(formatCount(n)).toBe(want));
  it.each([
    [null, '-'],
    [0.01, '0/s'],
    [12.34, '12.3/s'],
    [-3.2, '-3.2/s'],
    [340.4, '340/s'],
    [12_345, '12.3k/s'],
  ])('formatRate(%s) = %s', (r, want) => expect(formatRate(r)).toBe(want));
  it.each([
    [0, '0s'],
    [4200, '4.2s'],
    [37_400, '37s'],
    [725_000, '12m05s'],
    [11_220_000, '3h07m'],
  ])('formatSeconds(%d) = %s', (ms, want) => expect(formatSeconds(ms)).toBe(want));
  it('formatTimeLag marks estimates', () => {
    expect(formatTimeLag(null)).toBe('-');
    expect(formatTimeLag({ ms: 12_000, kind: 'interpolated' })).toBe('12s');
    expect(formatTimeLag({ ms: 12_000, kind: 'extrapolated' })).toBe('~12s');
    expect(formatTimeLag({ ms: 12_000, kind: 'at-least' })).toBe('>12s');
    expect(formatTimeLag({ ms: 0, kind: 'caught-up' })).toBe('0s');
  });
  it('trendArrow', () => {
    expect([trendArrow(null), trendArrow(5), trendArrow(-5), trendArrow(0)]).toEqual([' ', '↑', '↓', '→']);
  });
  it('fit cuts and pads', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, true)).toBe('  ab');
    expect(fit('ab', 0)).toBe('');
  });
});
