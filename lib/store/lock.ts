/**
 * One writer per run file, by an operating-system lock on an open file (`flock`, through
 * `Deno.FsFile.tryLock`). The kernel releases the lock when its file is closed or its process
 * ends in any way (SIGKILL, a crash, a zombie not yet reaped, a container whose PID 1 never
 * reaps): there is no pid to check and nothing stale to reclaim. A lock file is never removed
 * (removing it while another process opens it would give two holders); it holds only who
 * holds it, for the message a second writer gets.
 * @module
 */
import { BsaError } from "../errors.ts";

/** Who holds a lock, as its file says (for the message a second claimant gets). */
export interface LockInfo {
  pid: number;
  host: string;
  /** What holds it, e.g. `bsa run` or `bsa judge --label gpt4o`. */
  purpose: string;
  started: string;
}

/**
 * Another process (or another open file of this one) holds the lock.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LockedError } from "./lock.ts";
 * import { BsaError } from "../errors.ts";
 * assert(new LockedError("busy") instanceof BsaError);
 * ```
 */
export class LockedError extends BsaError {}

/** A held lock; {@linkcode RunLock.release} (or `await using`) gives it back. */
export interface RunLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function _holder(file: Deno.FsFile): Promise<LockInfo | null> {
  try {
    const buf = new Uint8Array(4096);
    await file.seek(0, Deno.SeekMode.Start);
    const n = await file.read(buf);
    return n ? JSON.parse(new TextDecoder().decode(buf.subarray(0, n))) as LockInfo : null;
  } catch {
    // Being written by its new holder at this very moment, or not ours to parse.
    return null;
  }
}

async function _tryAcquire(path: string, purpose: string): Promise<RunLock | LockInfo | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch (err) {
    throw new BsaError(`cannot open the lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (err) {
    file.close();
    throw new BsaError(`cannot lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (!locked) {
    const holder = await _holder(file);
    file.close();
    return holder;
  }
  const info: LockInfo = { pid: Deno.pid, host: Deno.hostname(), purpose, started: new Date().toISOString() };
  try {
    await file.truncate(0);
    await file.seek(0, Deno.SeekMode.Start);
    await file.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
  } catch {
    // Who holds it is only for messages: a full disk does not stop the lock from holding.
  }
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await file.truncate(0).catch(() => {});
    // Closing the file releases the lock.
    file.close();
  };
  return { path, info, release, [Symbol.asyncDispose]: release };
}

/**
 * Take the exclusive lock `path` (its file is created when missing), or fail at once with a
 * {@linkcode LockedError} naming the holder. Never waits, never sends anything: a second
 * writer is turned away before its first request.
 *
 * @param path The lock file.
 * @param purpose What the lock is for (shown to a second claimant).
 * @returns The lock; release it when done (the kernel releases it if the process dies first).
 * @throws {LockedError} Another open file holds the lock (the message names its pid and host).
 * @throws {BsaError} The lock file cannot be opened or locked.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, LockedError } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await acquireLock(`${dir}/.lock`, "bsa run");
 * await assert.rejects(acquireLock(`${dir}/.lock`, "bsa judge"), LockedError);
 * await lock.release();
 * await (await acquireLock(`${dir}/.lock`, "bsa run")).release();
 * ```
 */
export async function acquireLock(path: string, purpose: string): Promise<RunLock> {
  let got = await _tryAcquire(path, purpose);
  // The holder writes who it is just after it takes the lock: give it a moment to say so
  // (or to let go) before the message says "another process".
  for (let i = 0; i < 10 && got === null; i++) {
    await new Promise((r) => setTimeout(r, 20));
    got = await _tryAcquire(path, purpose);
  }
  if (got && "release" in got) return got;
  const who = got
    ? `${got.purpose} (pid ${got.pid} on ${got.host}, since ${got.started})`
    : "another process (which has not yet said who it is)";
  throw new LockedError(`${path}: held by ${who}; one writer at a time: wait for it to finish`);
}

/**
 * Run `fn` holding the lock `path`, waiting (polling, up to `timeoutMs`) while another holds
 * it: for short critical sections such as a manifest update or a label's append.
 *
 * @param path The lock file.
 * @param purpose What the lock is for.
 * @param fn The critical section.
 * @param timeoutMs How long to wait for another holder (default 30 s).
 * @returns What `fn` returns.
 * @throws {LockedError} Another holder still holds the lock after `timeoutMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withLock } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * let inside = 0, most = 0;
 * const section = () => withLock(`${dir}/.m.lock`, "test", async () => {
 *   most = Math.max(most, ++inside);
 *   await new Promise((r) => setTimeout(r, 5));
 *   inside--;
 *   return 42;
 * });
 * assert.deepEqual(await Promise.all([section(), section(), section()]), [42, 42, 42]);
 * assert.equal(most, 1); // one at a time
 * ```
 */
export async function withLock<T>(
  path: string,
  purpose: string,
  fn: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 2;; wait = Math.min(wait * 2, 50)) {
    let lock: RunLock;
    try {
      lock = await acquireLock(path, purpose);
    } catch (err) {
      if (!(err instanceof LockedError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, wait + Math.random() * wait));
      continue;
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
