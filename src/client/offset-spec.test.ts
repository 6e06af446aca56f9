import { describe, expect, it } from 'vitest';
import { OffsetSpecError, describePosition, parseOffsetSpec, parseTime, resolveStart, tryParseTime, type OffsetPosition, type OffsetSpec, type PartitionBounds } from './offset-spec.ts';

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01T12:00:00Z

describe('parseOffsetSpec', () => {
  it.each<[string, OffsetSpec]>([
    ['beginning', { position: { kind: 'beginning' } }],
    ['start', { position: { kind: 'beginning' } }],
    ['earliest', { position: { kind: 'beginning' } }],
    ['oldest', { position: { kind: 'beginning' } }],
    ['end', { position: { kind: 'end' } }],
    ['latest', { position: { kind: 'end' } }],
    ['newest', { position: { kind: 'end' } }],
    ['stored', { position: { kind: 'stored' } }],
    ['committed', { position: { kind: 'stored' } }],
    ['0', { position: { kind: 'offset', offset: 0n } }],
    ['123', { position: { kind: 'offset', offset: 123n } }],
    ['-5', { position: { kind: 'fromEnd', count: 5n } }],
    ['+3', { position: { kind: 'fromBeginning', count: 3n } }],
    ['@1714521600000', { position: { kind: 'time', from: 1714521600000 } }],
    ['@1714521600000:1714525200000', { position: { kind: 'time', from: 1714521600000, until: 1714525200000 } }],
    ['@2024-05-01', { position: { kind: 'time', from: Date.UTC(2024, 4, 1) } }],
    ['@2024-05-01T10:30:00Z', { position: { kind: 'time', from: Date.UTC(2024, 4, 1, 10, 30) } }],
    ['@2024-05-01T10:30:00Z:2024-05-01T11:00:00Z', { position: { kind: 'time', from: Date.UTC(2024, 4, 1, 10, 30), until: Date.UTC(2024, 4, 1, 11) } }],
    ['@2024-05-01T10:30:00+02:00', { position: { kind: 'time', from: Date.UTC(2024, 4, 1, 8, 30) } }],
    ['@2024-05-01T10:30+0200', { position: { kind: 'time', from: Date.UTC(2024, 4, 1, 8, 30) } }],
    ['@2024-05-01T10:30:00.250Z', { position: { kind: 'time', from: Date.UTC(2024, 4, 1, 10, 30, 0, 250) } }],
    ['@2024-05-01:2024-05-02', { position: { kind: 'time', from: Date.UTC(2024, 4, 1), until: Date.UTC(2024, 4, 2) } }],
    ['@-1h', { position: { kind: 'time', from: NOW - 3_600_000 } }],
    ['@-90s:-30s', { position: { kind: 'time', from: NOW - 90_000, until: NOW - 30_000 } }],
    ['@-2d:now', { position: { kind: 'time', from: NOW - 2 * 86_400_000, until: NOW } }],
    ['@1714521600000:', { position: { kind: 'time', from: 1714521600000 } }],
    ['0:100', { partition: 0, position: { kind: 'offset', offset: 100n } }],
    ['1:beginning', { partition: 1, position: { kind: 'beginning' } }],
    ['2:-10', { partition: 2, position: { kind: 'fromEnd', count: 10n } }],
    ['3:+1', { partition: 3, position: { kind: 'fromBeginning', count: 1n } }],
    ['4:@2024-05-01T10:00:00Z:2024-05-01T11:00:00Z', { partition: 4, position: { kind: 'time', from: Date.UTC(2024, 4, 1, 10), until: Date.UTC(2024, 4, 1, 11) } }],
    [' end ', { position: { kind: 'end' } }],
  ])('%j', (text, expected) => {
    expect(parseOffsetSpec(text, NOW)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    ['', /invalid offset/],
    ['begin', /invalid offset/],
    ['1.5', /invalid offset/],
    ['--5', /invalid offset/],
    ['@', /invalid time range/],
    ['@yesterday', /invalid time range/],
    ['@2024-13-45', /invalid time range/],
    ['@1714525200000:1714521600000', /end is before the start/],
    ['x:5', /invalid offset/],
    ['0:', /invalid offset/],
    ['0:nope', /invalid offset/],
  ])('rejects %j', (text, message) => {
    expect(() => parseOffsetSpec(text, NOW)).toThrow(OffsetSpecError);
    expect(() => parseOffsetSpec(text, NOW)).toThrow(message);
  });
});

describe('parseTime', () => {
  it.each<[string, number | null]>([
    ['now', NOW],
    ['0', 0],
    ['1714521600000', 1714521600000],
    ['-15m', NOW - 900_000],
    ['-1.5h', NOW - 5_400_000],
    ['-500ms', NOW - 500],
    ['2024-05-01 10:00', Date.UTC(2024, 4, 1, 10)],
    ['2024-05-01T10:00:00-05:00', Date.UTC(2024, 4, 1, 15)],
    ['2024-05-01T10:00:00z', Date.UTC(2024, 4, 1, 10)],
    ['tomorrow', null],
    ['-1w', null],
    ['2024-02-30', null],
    ['', null],
  ])('%j', (text, expected) => {
    expect(tryParseTime(text, NOW)).toBe(expected);
  });

  it('names what was wrong', () => {
    expect(() => parseTime('soon', '--until time', NOW)).toThrow(/invalid --until time "soon"/);
  });
});

describe('resolveStart', () => {
  const b: PartitionBounds = { start: 10n, end: 20n };
  it.each<[string, OffsetPosition, PartitionBounds, bigint]>([
    ['beginning', { kind: 'beginning' }, b, 10n],
    ['end', { kind: 'end' }, b, 20n],
    ['offset inside', { kind: 'offset', offset: 15n }, b, 15n],
    ['offset before the start is clamped', { kind: 'offset', offset: 3n }, b, 10n],
    ['offset after the end is clamped', { kind: 'offset', offset: 99n }, b, 20n],
    ['-N', { kind: 'fromEnd', count: 5n }, b, 15n],
    ['-N beyond the start', { kind: 'fromEnd', count: 50n }, b, 10n],
    ['+N', { kind: 'fromBeginning', count: 3n }, b, 13n],
    ['+N beyond the end', { kind: 'fromBeginning', count: 30n }, b, 20n],
    ['time found', { kind: 'time', from: 1 }, { ...b, timeOffset: 17n }, 17n],
    ['time after every record', { kind: 'time', from: 1 }, { ...b, timeOffset: -1n }, 20n],
    ['stored with a commit', { kind: 'stored' }, { ...b, committed: 12n }, 12n],
    ['stored without a commit', { kind: 'stored' }, { ...b, committed: -1n }, 20n],
    ['empty log', { kind: 'fromEnd', count: 5n }, { start: 0n, end: 0n }, 0n],
  ])('%s', (_name, position, bounds, expected) => {
    expect(resolveStart(position, bounds)).toBe(expected);
  });
});

describe('describePosition', () => {
  it.each<[string, OffsetPosition]>([
    ['beginning', { kind: 'beginning' }],
    ['5', { kind: 'offset', offset: 5n }],
    ['-5', { kind: 'fromEnd', count: 5n }],
    ['+2', { kind: 'fromBeginning', count: 2n }],
    ['@1970-01-01T00:00:00.000Z:1970-01-01T00:00:01.000Z', { kind: 'time', from: 0, until: 1000 }],
  ])('%s', (text, position) => {
    expect(describePosition(position)).toBe(text);
  });
});
