/**
 * Kafka's on-disk names: segment files are named by their base offset as 20 zero-padded digits
 * (`00000000000000000000.log`, `.index`, `.timeindex`, `.snapshot`), partition directories are
 * `<topic>-<partition>`. Pure.
 */

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
/** Suffix of files written next to their final name before an atomic rename. */
export const TEMP_SUFFIX = '.tmp';
/** Suffix of partition directories renamed for deletion (`<topic>-<partition>.<id>-delete`). */
export const DELETE_DIR_SUFFIX = '-delete';

export type SegmentFileKind = 'log' | 'index' | 'timeindex' | 'snapshot';

const SUFFIX_KIND: ReadonlyArray<readonly [string, SegmentFileKind]> = [
  [LOG_SUFFIX, 'log'],
  [INDEX_SUFFIX, 'index'],
  [TIME_INDEX_SUFFIX, 'timeindex'],
  [SNAPSHOT_SUFFIX, 'snapshot'],
];

const OFFSET_DIGITS = 20;
const TOPIC_PATTERN = /^[a-zA-Z0-9._-]+$/;
export const MAX_TOPIC_NAME_LENGTH = 249;

/** `offset` as 20 zero-padded decimal digits. */
export function formatOffset(offset: number): string {
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`invalid offset for a file name: ${offset}`);
  return String(offset).padStart(OFFSET_DIGITS, '0');
}

export function logFileName(baseOffset: number): string {
  return formatOffset(baseOffset) + LOG_SUFFIX;
}

export function indexFileName(baseOffset: number): string {
  return formatOffset(baseOffset) + INDEX_SUFFIX;
}

export function timeIndexFileName(baseOffset: number): string {
  return formatOffset(baseOffset) + TIME_INDEX_SUFFIX;
}

export function snapshotFileName(offset: number): string {
  return formatOffset(offset) + SNAPSHOT_SUFFIX;
}

/** Parses `00000000000000000042.log` and the like; null for any other name. */
export function parseSegmentFileName(name: string): { offset: number; kind: SegmentFileKind } | null {
  for (const [suffix, kind] of SUFFIX_KIND) {
    if (!name.endsWith(suffix)) continue;
    const digits = name.slice(0, -suffix.length);
    if (digits.length !== OFFSET_DIGITS || !/^\d+$/.test(digits)) return null;
    const offset = Number(digits);
    return Number.isSafeInteger(offset) ? { offset, kind } : null;
  }
  return null;
}

/** A legal Kafka topic name: 1-249 characters from [a-zA-Z0-9._-], not `.` or `..`. */
export function isValidTopicName(topic: string): boolean {
  return topic.length > 0 && topic.length <= MAX_TOPIC_NAME_LENGTH && TOPIC_PATTERN.test(topic) && topic !== '.' && topic !== '..';
}

export function partitionDirName(topic: string, partition: number): string {
  if (!isValidTopicName(topic)) throw new RangeError(`invalid topic name ${JSON.stringify(topic)}`);
  if (!Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) throw new RangeError(`invalid partition ${partition}`);
  return `${topic}-${partition}`;
}

/** Parses `<topic>-<partition>` by its last `-`; null when the name is not a partition directory. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const topic = name.slice(0, dash);
  const digits = name.slice(dash + 1);
  if (!/^(0|[1-9]\d{0,9})$/.test(digits)) return null;
  const partition = Number(digits);
  if (partition > 0x7fffffff || !isValidTopicName(topic)) return null;
  return { topic, partition };
}
