/**
 * Files of a segment replacement (log compaction), by Kafka's names, and their recovery at load.
 *
 * Replacing segments S0..Sk (S0 has base offset X) by one cleaned segment:
 *  1. the cleaned segment is written to `X.log.cleaned`, fdatasync'ed;
 *  2. it is renamed to `X.log.swap` (complete from now on), the directory is fsynced;
 *  3. each old segment drops its index files and its log is renamed to `<base>.log.deleted`, in
 *     reverse order so that S0 goes last: `X.log` disappearing is the commit point;
 *  4. `X.log.swap` is renamed to `X.log`, the segment list is switched in memory, the directory
 *     is fsynced;
 *  5. the `.deleted` files are removed (in-flight reads finish on their open descriptors) and the
 *     new indexes are written.
 *
 * At load (`recoverSegmentSwaps`): `.cleaned` files are deleted. A `X.log.swap` next to `X.log`
 * did not commit: every `.deleted` file from X on is renamed back to `.log` (they are old segments
 * of that group) and the swap file is deleted. A `X.log.swap` without `X.log` committed: it is
 * renamed to `X.log` (stale `X` index files removed) and the `.deleted` files are deleted. Without
 * any swap file, leftover `.deleted` files belong to a finished replacement and are deleted. The
 * cleaner never starts a replacement while `.deleted` files remain, so at most one is in flight.
 */
import { open, readdir, rename, utimes, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../util/logger.ts';
import { fsyncDir, unlinkIfExists } from './fs-util.ts';
import { DELETED_SUFFIX, type AppendedBatch } from './log-segment.ts';
import { indexFileName, logFileName, parseSegmentFileName, timeIndexFileName } from './segment-name.ts';

export { DELETED_SUFFIX };
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

/** Buffered writes of a cleaned segment to `<base>.log.cleaned`. */
export class CleanedSegmentWriter {
  readonly path: string;
  readonly baseOffset: number;
  /** The batches written, with their positions (to build the indexes). */
  readonly batches: Array<AppendedBatch & { position: number }> = [];
  private fh: FileHandle | null;
  private size = 0;
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  private constructor(path: string, baseOffset: number, fh: FileHandle) {
    this.path = path;
    this.baseOffset = baseOffset;
    this.fh = fh;
  }

  static async create(dir: string, baseOffset: number): Promise<CleanedSegmentWriter> {
    const path = join(dir, logFileName(baseOffset) + CLEANED_SUFFIX);
    const fh = await open(path, 'w');
    return new CleanedSegmentWriter(path, baseOffset, fh);
  }

  get bytes(): number {
    return this.size;
  }

  /** Appends one whole batch (kept until written: the caller must not change it). */
  async append(batch: Buffer, info: AppendedBatch): Promise<void> {
    this.batches.push({ ...info, size: batch.length, position: this.size });
    this.pending.push(batch);
    this.pendingBytes += batch.length;
    this.size += batch.length;
    if (this.pendingBytes >= 1 << 20) await this.writePending();
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0 || !this.fh) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    let done = 0;
    while (done < data.length) {
      const { bytesWritten } = await this.fh.write(data, done, data.length - done, this.written + done);
      if (bytesWritten <= 0) throw new Error(`write to ${this.path} wrote nothing`);
      done += bytesWritten;
    }
    this.written += data.length;
  }

  /** Writes what is buffered, fdatasyncs, closes, and sets the file's modification time. Returns the size. */
  async finish(modifiedMs: number): Promise<number> {
    await this.writePending();
    const fh = this.fh!;
    this.fh = null;
    try {
      await fh.datasync();
    } finally {
      await fh.close();
    }
    const when = new Date(modifiedMs);
    await utimes(this.path, when, when);
    return this.size;
  }

  /** Closes and removes the file (cleaning aborted). */
  async discard(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    this.pending = [];
    if (fh) await fh.close().catch(() => {});
    await unlinkIfExists(this.path);
  }
}

/** `<20 digits>.log<suffix>` → base offset, else null. */
function parseSuffixed(name: string, suffix: string): number | null {
  if (!name.endsWith(suffix)) return null;
  const parsed = parseSegmentFileName(name.slice(0, -suffix.length));
  return parsed?.kind === 'log' ? parsed.offset : null;
}

/** `.deleted` log files in `names` (base offsets). */
export function deletedSegmentFiles(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const n of names) {
    const o = parseSuffixed(n, DELETED_SUFFIX);
    if (o !== null) out.push(o);
  }
  return out.sort((a, b) => a - b);
}

export interface SwapRecovery {
  /** `.cleaned` files removed. */
  cleanedRemoved: number;
  /** Swaps completed (the replacement had committed). */
  completed: number;
  /** Swaps abandoned (old segments restored). */
  abandoned: number;
  /** `.deleted` files removed. */
  deletedRemoved: number;
  /** `.deleted` files renamed back to `.log`. */
  restored: number;
}

/**
 * Finishes or undoes interrupted segment replacements in `dir` whose listing is `names` (see the
 * module comment). Returns what was done; when anything was, the directory must be listed again.
 */
export async function recoverSegmentSwaps(dir: string, names: readonly string[], logger?: Logger): Promise<SwapRecovery> {
  const result: SwapRecovery = { cleanedRemoved: 0, completed: 0, abandoned: 0, deletedRemoved: 0, restored: 0 };
  const logs = new Set<number>();
  const swaps: number[] = [];
  for (const name of names) {
    if (name.endsWith(CLEANED_SUFFIX)) {
      await unlinkIfExists(join(dir, name));
      result.cleanedRemoved++;
      continue;
    }
    const swap = parseSuffixed(name, SWAP_SUFFIX);
    if (swap !== null) {
      swaps.push(swap);
      continue;
    }
    const parsed = parseSegmentFileName(name);
    if (parsed?.kind === 'log') logs.add(parsed.offset);
  }
  swaps.sort((a, b) => a - b);
  let deleted = deletedSegmentFiles(names);
  if (swaps.length === 0 && deleted.length === 0) {
    if (result.cleanedRemoved > 0) await fsyncDir(dir);
    return result;
  }
  // Each .deleted file belongs to the swap with the largest base offset at or below it.
  const owner = (offset: number): number | null => {
    let found: number | null = null;
    for (const s of swaps) if (s <= offset) found = s;
    return found;
  };
  for (const x of swaps) {
    const swapPath = join(dir, logFileName(x) + SWAP_SUFFIX);
    const mine = deleted.filter((y) => owner(y) === x);
    if (logs.has(x)) {
      // Not committed: the old segments come back, the cleaned one goes. X is still a .log, so
      // any of its group that was renamed is restored first.
      for (const y of mine) {
        await rename(join(dir, logFileName(y) + DELETED_SUFFIX), join(dir, logFileName(y)));
        result.restored++;
      }
      await unlinkIfExists(swapPath);
      result.abandoned++;
      logger?.warn('abandoned an interrupted segment replacement', { dir, baseOffset: x, restored: mine.length });
    } else {
      // Committed: the cleaned segment takes the place of the old ones.
      await unlinkIfExists(join(dir, indexFileName(x)));
      await unlinkIfExists(join(dir, timeIndexFileName(x)));
      await rename(swapPath, join(dir, logFileName(x)));
      for (const y of mine) {
        await unlinkIfExists(join(dir, logFileName(y) + DELETED_SUFFIX));
        result.deletedRemoved++;
      }
      result.completed++;
      logger?.warn('completed an interrupted segment replacement', { dir, baseOffset: x, removed: mine.length });
    }
    deleted = deleted.filter((y) => owner(y) !== x);
  }
  for (const y of deleted) {
    await unlinkIfExists(join(dir, logFileName(y) + DELETED_SUFFIX));
    result.deletedRemoved++;
  }
  await fsyncDir(dir);
  return result;
}

/** Removes leftover `.deleted` segment files of `dir`; returns how many remain (0 unless removal failed). */
export async function removeDeletedSegmentFiles(dir: string): Promise<number> {
  const leftover = deletedSegmentFiles(await readdir(dir));
  let remaining = 0;
  for (const y of leftover) {
    try {
      await unlinkIfExists(join(dir, logFileName(y) + DELETED_SUFFIX));
    } catch {
      remaining++;
    }
  }
  return remaining;
}
