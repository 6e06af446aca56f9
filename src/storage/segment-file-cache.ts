/**
 * A bound on the file descriptors held by non-active segments: one LRU shared by every log of a
 * LogManager. A segment registers when it opens its file and touches the cache on each use; when
 * more than `capacity` are open, the least recently used ones that are idle (no read in progress)
 * close their descriptor and drop their in-memory indexes (both reload on next use). Active
 * segments never register: their number is bounded by the number of partitions.
 */

/** What the cache needs from a segment. */
export interface CachedSegmentFile {
  /** Closes the descriptor and drops the indexes when nothing uses them; false when busy. */
  evictIfIdle(): boolean;
}

export const DEFAULT_MAX_OPEN_SEGMENT_FILES = 1024;

export class SegmentFileCache {
  readonly capacity: number;
  /** Descriptors closed by the cache so far. */
  evictions = 0;
  /** Insertion order is recency order: first = least recently used. */
  private readonly files = new Map<CachedSegmentFile, true>();

  constructor(capacity = DEFAULT_MAX_OPEN_SEGMENT_FILES) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /** Open non-active segment files. */
  get size(): number {
    return this.files.size;
  }

  /** A segment opened its file (or became non-active with its file open). */
  opened(file: CachedSegmentFile): void {
    this.files.delete(file);
    this.files.set(file, true);
    this.trim(file);
  }

  /** A segment used its file: it becomes the most recently used. */
  touch(file: CachedSegmentFile): void {
    if (!this.files.has(file)) return;
    this.files.delete(file);
    this.files.set(file, true);
  }

  /** A segment closed its file. */
  closed(file: CachedSegmentFile): void {
    this.files.delete(file);
  }

  private trim(keep: CachedSegmentFile): void {
    if (this.files.size <= this.capacity) return;
    for (const file of this.files.keys()) {
      if (this.files.size <= this.capacity) break;
      if (file === keep) continue;
      if (file.evictIfIdle()) {
        this.files.delete(file);
        this.evictions++;
      }
    }
  }
}
