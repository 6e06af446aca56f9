/**
 * Hands out producer ids for InitProducerId. Ids are reserved in blocks persisted to
 * `producer-id-block` in the data dir before any id of the block is used, so an id is never
 * given out twice, even after a crash.
 */
import { readFile, writeFile, rename, open } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK_SIZE = 1000;

export class ProducerIdManager {
  private readonly path: string;
  private next: number;
  private blockEnd: number;
  private reserving: Promise<void> | undefined;

  private constructor(path: string, next: number) {
    this.path = path;
    this.next = next;
    this.blockEnd = next;
  }

  static async load(dataDir: string): Promise<ProducerIdManager> {
    const path = join(dataDir, 'producer-id-block');
    let next = 0;
    try {
      next = Number.parseInt((await readFile(path, 'utf8')).trim(), 10) || 0;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new ProducerIdManager(path, next);
  }

  async nextId(): Promise<number> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.reserve().finally(() => (this.reserving = undefined));
      await this.reserving;
    }
    return this.next++;
  }

  private async reserve(): Promise<void> {
    const end = this.blockEnd + BLOCK_SIZE;
    const tmp = `${this.path}.tmp`;
    await writeFile(tmp, `${end}\n`);
    const fh = await open(tmp, 'r+');
    await fh.sync();
    await fh.close();
    await rename(tmp, this.path);
    this.blockEnd = end;
  }
}
