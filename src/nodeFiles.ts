// Files on disk for the CLI (node fs): reading inputs only when they are regular files,
// refusing to write over an input, and atomic, durable writes. The extension host uses
// vscode.workspace.fs instead (src/atomicWrite.ts); both use the same temp-name pattern.

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UnlearnError } from './engine/errors';
import { decodeText, LineBreakCounter, TextStreamDecoder } from './engine/encoding';
import { isTempFileOf, tempFileName } from './tempFiles';

type Errno = NodeJS.ErrnoException;

/** What a file is when it is not a regular file, in words ("a named pipe (FIFO)"). */
function kindOf(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** An open error in words; a dangling symbolic link is named as one, not as "absent". */
function openError(e: unknown, file: string): UnlearnError {
  const code = (e as Errno).code;
  if (code === 'ENOENT') {
    const link = symlinkTarget(file);
    return new UnlearnError(link !== undefined ? `is a symbolic link to ${link}, which does not exist` : 'no such file', file);
  }
  if (code === 'EACCES' || code === 'EPERM') return new UnlearnError('permission denied: the file cannot be read', file);
  if (code === 'ELOOP') return new UnlearnError('is a loop of symbolic links', file);
  if (code === 'ENOTDIR') return new UnlearnError('a part of the path is a file, not a folder', file);
  if (code === 'EISDIR') return new UnlearnError('is a folder, not a file', file);
  return new UnlearnError(`cannot be read (${code ?? (e as Error).message})`, file);
}

function symlinkTarget(file: string): string | undefined {
  try {
    return lstatSync(file).isSymbolicLink() ? readlinkSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/** True when something is at the path, also a symbolic link whose target is gone (that is an error to read, not "absent"). */
export function pathExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens a file for reading only if it is a regular file. The open does not block (O_NONBLOCK,
 * so a FIFO without a writer cannot hang the run) and the type is checked on the open
 * descriptor, so the file cannot be swapped between the check and the read.
 */
export function openRegularFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw openError(e, file);
  }
  const stats = fstatSync(fd);
  const kind = kindOf(stats);
  if (kind) {
    closeSync(fd);
    throw new UnlearnError(`is ${kind}, not a regular file: Unlearn reads datasets and forget lists from regular files only`, file);
  }
  return { fd, size: stats.size };
}

const CHUNK_BYTES = 1024 * 1024;

/** Calls back with the file's bytes in chunks (one buffer, reused: copy what must be kept). */
export function readChunks(file: string, onChunk: (bytes: Uint8Array) => void, onOpen?: (stats: Stats) => void): void {
  const { fd } = openRegularFile(file);
  try {
    onOpen?.(fstatSync(fd));
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      onChunk(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
}

/** A regular file's whole content. */
export function readBytes(file: string): Buffer {
  const { fd, size } = openRegularFile(file);
  try {
    const buffer = Buffer.allocUnsafe(size);
    let filled = 0;
    while (filled < size) {
      const n = readSync(fd, buffer, filled, size - filled, null);
      if (n === 0) break; // shrank while reading
      filled += n;
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text (UTF-8 or UTF-16 by BOM; invalid bytes are refused with the line). */
export function readText(file: string): string {
  return decodeText(readBytes(file), file);
}

/**
 * A reader of the file's text in pieces (UTF-8 or UTF-16, as readText), for the streaming
 * audit. Each call reads the file again and refuses a file that changed since the first.
 */
export function readTextInPieces(file: string): (onText: (text: string) => void) => void {
  let version: string | undefined;
  return (onText) => {
    const decoder = new TextStreamDecoder(file, (offset) => lineAtByte(file, offset));
    readChunks(file, (bytes) => {
      const text = decoder.push(bytes);
      if (text) onText(text);
    }, (stats) => {
      const seen = `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
      if (version !== undefined && seen !== version) {
        throw new UnlearnError('changed while it was being audited: run the audit again', file);
      }
      version = seen;
    });
    const rest = decoder.end();
    if (rest) onText(rest);
  };
}

/** The 1-based line of a byte offset, counted by reading the file again (only for error messages). */
export function lineAtByte(file: string, offset: number): number {
  const counter = new LineBreakCounter();
  let seen = 0;
  readChunks(file, (bytes) => {
    if (seen < offset) counter.add(bytes.subarray(0, Math.min(bytes.length, offset - seen)));
    seen += bytes.length;
  });
  return counter.line;
}

// ---------------------------------------------------------------- never write over an input

/** The path with every existing part's symbolic links resolved (the file itself may not exist). */
function resolvedPath(file: string): string {
  const full = resolve(file);
  try {
    return realpathSync(full);
  } catch {
    const parent = dirname(full);
    return parent === full ? full : join(resolvedPath(parent), basename(full));
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Refuses an output that is one of the run's inputs: the same resolved path (symbolic
 * links followed, also for a forget list that does not exist yet) or the same file by
 * device and inode (a hard link).
 */
export function refuseOverwritingInputs(output: string, flag: string, inputs: { file: string; role: string }[]): void {
  const outPath = resolvedPath(output);
  const outStats = statOrUndefined(output);
  for (const { file, role } of inputs) {
    const inStats = statOrUndefined(file);
    const sameFile = outStats && inStats && outStats.dev === inStats.dev && outStats.ino === inStats.ino;
    if (sameFile || resolvedPath(file) === outPath) {
      throw new UnlearnError(`${flag} would overwrite the ${role} (${file}): write it to another file`, output);
    }
  }
}

// ---------------------------------------------------------------- atomic, durable writes

/**
 * Writes a file so that a reader sees the old content or the new, never a mix, and the new
 * content survives a crash once this returns: a temp file with an unpredictable name in the
 * same folder, created exclusively (a planted file or link there makes it fail, not be
 * followed), given the target's mode, fsynced, renamed over the target, and the folder
 * fsynced. A symbolic link as target is kept: its destination is written. Temp files of this
 * target left by a crashed earlier run are removed first.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const target = existingTarget(file);
  const dir = dirname(target.path);
  removeLeftoverTemps(dir, basename(target.path));
  const tmp = join(dir, tempFileName(basename(target.path), randomBytes(8).toString('hex')));
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', target.mode ?? 0o666);
    if (target.mode !== undefined) fchmodSync(fd, target.mode); // the umask must not narrow or widen it
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target.path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw writeError(e, file, dir);
  }
  fsyncFolder(dir);
}

/** Throws the sentence writeFileAtomic would throw for a folder, a special file or a missing folder. */
export function checkWritable(file: string): void {
  existingTarget(file);
}

/** The path to write (a symbolic link's destination) and the mode to keep, refusing folders and special files. */
function existingTarget(file: string): { path: string; mode?: number } {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (e) {
    const code = (e as Errno).code;
    const link = symlinkTarget(file);
    if (code === 'ENOENT' && link !== undefined) {
      return { path: resolve(dirname(file), link) };
    }
    if (code === 'ENOENT') {
      const dir = dirname(resolve(file));
      const parent = statOrUndefined(dir);
      if (!parent) throw new UnlearnError(`cannot be written: the folder ${dirname(file)} does not exist`, file);
      if (!parent.isDirectory()) throw new UnlearnError(`cannot be written: ${dirname(file)} is a file, not a folder`, file);
      return { path: resolve(file) };
    }
    if (code === 'ENOTDIR') throw new UnlearnError('cannot be written: a part of the path is a file, not a folder', file);
    throw writeError(e, file, dirname(file));
  }
  const kind = kindOf(stats);
  if (kind === 'a folder') throw new UnlearnError('is a folder: give the name of a file to write', file);
  if (kind) throw new UnlearnError(`is ${kind}, not a regular file: refusing to write to it`, file);
  return { path: realpathSync(file), mode: stats.mode & 0o7777 };
}

function writeError(e: unknown, file: string, dir: string): UnlearnError {
  if (e instanceof UnlearnError) return e;
  const code = (e as Errno).code;
  const words: Record<string, string> = {
    EACCES: `permission denied in the folder ${dir}`,
    EPERM: `permission denied in the folder ${dir}`,
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is exceeded',
    EROFS: 'the file system is read-only',
    EEXIST: 'a temporary file of the same name appeared; try again',
  };
  return new UnlearnError(`cannot be written: ${words[code ?? ''] ?? code ?? (e as Error).message}; the file was left as it was`, file);
}

/** Makes the rename itself durable. Some file systems cannot fsync a folder; the data is written anyway. */
function fsyncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // EISDIR/EINVAL/EPERM on file systems without folder fsync
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes this target's temp files that are older than this process: no write of ours or of a run started since owns them. */
function removeLeftoverTemps(dir: string, targetName: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const started = performance.timeOrigin;
  for (const name of names) {
    if (!isTempFileOf(name, targetName)) continue;
    const path = join(dir, name);
    try {
      if (lstatSync(path).mtimeMs < started) unlinkSync(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
}
