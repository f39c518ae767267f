// A consistent read-only snapshot of an SQLite database file that a running app may hold open, as bytes an
// in-memory SQLite (sql.js) can open: the main file with the committed frames of its write-ahead log (`-wal`)
// applied, the way SQLite itself reads a WAL database (https://www.sqlite.org/fileformat2.html#walformat).
// Nothing is ever written to the app's files.
import { promises as fs } from 'node:fs';

const WAL_HEADER = 32;
const FRAME_HEADER = 24;

export class SnapshotError extends Error { override name = 'SnapshotError'; }

/** Reads `path` (and `path-wal` when present) into one database image; retries when a checkpoint runs meanwhile. */
export async function readDatabaseSnapshot(path: string): Promise<Uint8Array> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const walBefore = await readOptional(`${path}-wal`);
    const main = await fs.readFile(path);
    const walAfter = await readOptional(`${path}-wal`);
    // A checkpoint or a WAL restart between the reads changes the log's header (salts): read again.
    if (walBefore && walAfter && !walBefore.subarray(0, WAL_HEADER).equals(walAfter.subarray(0, WAL_HEADER))) continue;
    return applyWal(main, walBefore && walAfter ? walBefore : undefined);
  }
  throw new SnapshotError(`${path} kept changing while it was read (checkpoints): try again`);
}

async function readOptional(path: string): Promise<Buffer | undefined> {
  try {
    return await fs.readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * The database image with the log's committed transactions applied (frames after the last commit are an
 * unfinished transaction and are left out), marked as a rollback-journal database so that the reader looks
 * for no log of its own.
 */
export function applyWal(main: Buffer, wal: Buffer | undefined): Uint8Array {
  if (main.length < 100 || main.toString('latin1', 0, 16) !== 'SQLite format 3\0') {
    throw new SnapshotError(main.length === 0 ? 'the database file is empty' : 'not an SQLite database file');
  }
  const frames = wal ? committedFrames(wal) : undefined;
  let image: Buffer = Buffer.from(main);
  if (frames && frames.pages.size > 0) {
    const pageSize = frames.pageSize;
    const size = frames.dbPages * pageSize;
    if (image.length !== size) {
      const resized = Buffer.alloc(size);
      image.copy(resized, 0, 0, Math.min(image.length, size));
      image = resized;
    }
    for (const [page, offset] of frames.pages) {
      if (page <= frames.dbPages) wal!.copy(image, (page - 1) * pageSize, offset, offset + pageSize);
    }
  }
  // File format write/read versions 2 (WAL) become 1 (rollback journal): the copy has no log beside it.
  image[18] = 1;
  image[19] = 1;
  return image;
}

/** The newest committed copy of each page in the log (offset of its data), and the database size at the last commit. */
function committedFrames(wal: Buffer): { pageSize: number; dbPages: number; pages: Map<number, number> } | undefined {
  if (wal.length < WAL_HEADER) return undefined;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return undefined;
  const bigEndian = (magic & 1) === 1;
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let [s0, s1] = checksum(wal, 0, 24, 0, 0, bigEndian);
  if (s0 !== wal.readUInt32BE(24) || s1 !== wal.readUInt32BE(28)) return undefined; // a log being reset
  const pages = new Map<number, number>();
  const pending = new Map<number, number>();
  let dbPages = 0;
  for (let at = WAL_HEADER; at + FRAME_HEADER + pageSize <= wal.length; at += FRAME_HEADER + pageSize) {
    if (wal.readUInt32BE(at + 8) !== salt1 || wal.readUInt32BE(at + 12) !== salt2) break; // left from an older log
    [s0, s1] = checksum(wal, at, at + 8, s0, s1, bigEndian);
    [s0, s1] = checksum(wal, at + FRAME_HEADER, at + FRAME_HEADER + pageSize, s0, s1, bigEndian);
    if (s0 !== wal.readUInt32BE(at + 16) || s1 !== wal.readUInt32BE(at + 20)) break; // torn or unfinished write
    pending.set(wal.readUInt32BE(at), at + FRAME_HEADER);
    const commitSize = wal.readUInt32BE(at + 4);
    if (commitSize > 0) {
      for (const [page, offset] of pending) pages.set(page, offset);
      pending.clear();
      dbPages = commitSize;
    }
  }
  return { pageSize, dbPages, pages };
}

/** SQLite's WAL checksum: pairs of 32-bit words in the log's byte order, added with carries dropped. */
function checksum(data: Buffer, start: number, end: number, s0: number, s1: number, bigEndian: boolean): [number, number] {
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}
