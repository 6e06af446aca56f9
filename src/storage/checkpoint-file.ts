/**
 * Kafka's offset checkpoint files in a data directory (`recovery-point-offset-checkpoint`,
 * `log-start-offset-checkpoint`): a version line (0), an entry count line, then one
 * `<topic> <partition> <offset>` line per partition. Written atomically (temp file, fdatasync,
 * rename).
 */
import { readFile } from 'node:fs/promises';
import { atomicWriteFile, isNotFound } from './fs-util.ts';
import { isValidTopicName } from './segment-name.ts';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const CHECKPOINT_VERSION = 0;

export interface CheckpointEntry {
  topic: string;
  partition: number;
  offset: number;
}

export function formatCheckpoint(entries: readonly CheckpointEntry[]): string {
  const lines = [String(CHECKPOINT_VERSION), String(entries.length)];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return lines.join('\n') + '\n';
}

/** Parses checkpoint text; throws on a malformed file. */
export function parseCheckpoint(text: string): CheckpointEntry[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length < 2) throw new Error('checkpoint file is truncated');
  if (lines[0].trim() !== String(CHECKPOINT_VERSION)) throw new Error(`unsupported checkpoint version ${JSON.stringify(lines[0])}`);
  const count = Number(lines[1].trim());
  if (!Number.isInteger(count) || count < 0) throw new Error(`invalid checkpoint entry count ${JSON.stringify(lines[1])}`);
  if (lines.length - 2 !== count) throw new Error(`checkpoint declares ${count} entries but has ${lines.length - 2}`);
  const entries: CheckpointEntry[] = [];
  for (let i = 2; i < lines.length; i++) {
    const parts = lines[i].trim().split(/\s+/);
    if (parts.length !== 3) throw new Error(`malformed checkpoint line ${JSON.stringify(lines[i])}`);
    const [topic, p, o] = parts;
    const partition = Number(p);
    const offset = Number(o);
    if (!isValidTopicName(topic) || !Number.isInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new Error(`malformed checkpoint line ${JSON.stringify(lines[i])}`);
    }
    entries.push({ topic, partition, offset });
  }
  return entries;
}

/** Reads a checkpoint file; a missing file is an empty list. Throws when the file is malformed. */
export async function readCheckpointFile(path: string): Promise<CheckpointEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  return parseCheckpoint(text);
}

export async function writeCheckpointFile(path: string, entries: readonly CheckpointEntry[]): Promise<void> {
  await atomicWriteFile(path, formatCheckpoint(entries), true);
}
