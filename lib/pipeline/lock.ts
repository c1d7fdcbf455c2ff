import { BsaError } from "../errors.ts";

/** What a lock file holds: who holds it, so a second writer can say so and a stale one can be told apart. */
export interface LockInfo {
  pid: number;
  host: string;
  /** What holds it, e.g. `bsa run` or `bsa judge --label gpt4o`. */
  purpose: string;
  started: string;
  /** Unique per acquisition: a holder only ever removes its own lock. */
  token: string;
}

/**
 * Another live process holds the lock (or one on another host, which cannot be checked).
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

function _alive(pid: number): boolean {
  try {
    // Signal 0 checks that the process exists without touching it.
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return !(err instanceof Deno.errors.NotFound);
  }
}

/** How long an unreadable lock file counts as being written rather than abandoned. */
const _BROKEN_GRACE_MS = 5_000;

async function _read(path: string): Promise<(LockInfo & { broken?: boolean }) | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as LockInfo;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    // Unreadable or half-written: a holder writes it at once, so it is held for a moment,
    // and abandoned after that (a crash or a full disk between create and write).
    const age = await Deno.stat(path).then((s) => Date.now() - (s.mtime?.getTime() ?? 0), () => 0);
    return { pid: -1, host: "?", purpose: "?", started: "?", token: "?", broken: age > _BROKEN_GRACE_MS };
  }
}

/**
 * Take the exclusive lock file `path` (created with O_EXCL, holding pid and host), or fail
 * at once with a {@linkcode LockedError} naming the holder. A lock left by a process that
 * no longer runs on this host is stale and reclaimed: under a guard file (one reclaimer at
 * a time) it is re-read and removed only if it is still the stale one, then taken anew
 * with O_EXCL, so of many claimants exactly one wins.
 *
 * @param path The lock file.
 * @param purpose What the lock is for (shown to a second claimant).
 * @returns The lock; release it when done.
 * @throws {LockedError} A live process holds the lock (the message names its pid and host).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acquireLock, LockedError } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await acquireLock(`${dir}/.lock`, "bsa run");
 * await assert.rejects(acquireLock(`${dir}/.lock`, "bsa run"), LockedError);
 * await lock.release();
 * await (await acquireLock(`${dir}/.lock`, "bsa run")).release();
 * ```
 */
export async function acquireLock(path: string, purpose: string): Promise<RunLock> {
  const info: LockInfo = {
    pid: Deno.pid,
    host: Deno.hostname(),
    purpose,
    started: new Date().toISOString(),
    token: crypto.randomUUID(),
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      const f = await Deno.open(path, { write: true, createNew: true });
      try {
        await f.write(new TextEncoder().encode(JSON.stringify(info) + "\n"));
      } catch (err) {
        // A lock that could not be written (a full disk) must not stay behind, empty.
        f.close();
        await Deno.remove(path).catch(() => {});
        throw new BsaError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
      }
      f.close();
      return _held(path, info);
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    const holder = await _read(path);
    if (holder === null) continue; // released meanwhile: try again
    const stale = holder.broken === true || (holder.host === info.host && holder.pid > 0 && !_alive(holder.pid));
    if (!stale) {
      throw new LockedError(
        `${path}: held by ${holder.purpose} (pid ${holder.pid} on ${holder.host}, since ${holder.started}); ` +
          `one writer at a time: wait for it to finish${
            holder.host !== info.host ? ", or delete the lock file if that process is gone" : ""
          }`,
      );
    }
    await _reclaim(path, holder);
  }
  throw new LockedError(`${path}: could not take the lock (it changed hands repeatedly); try again`);
}

async function _reclaim(path: string, stale: LockInfo & { broken?: boolean }): Promise<void> {
  // One reclaimer at a time, under a guard file: the stale lock is re-read under the guard
  // and removed only if it is still the very one found stale, so a fresh lock another
  // claimant took meanwhile is never removed.
  const guard = `${path}.reclaim`;
  try {
    (await Deno.open(guard, { write: true, createNew: true })).close();
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    // Another claimant is reclaiming (a guard older than a few seconds was left by a crash).
    const age = await Deno.stat(guard).then((s) => Date.now() - (s.mtime?.getTime() ?? 0), () => 0);
    if (age > _BROKEN_GRACE_MS) await Deno.remove(guard).catch(() => {});
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
    return;
  }
  try {
    const now = await _read(path);
    const same = now !== null && (stale.broken ? now.broken === true : now.token === stale.token);
    if (same) await Deno.remove(path).catch(() => {});
  } finally {
    await Deno.remove(guard).catch(() => {});
  }
}

function _held(path: string, info: LockInfo): RunLock {
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    if ((await _read(path))?.token === info.token) await Deno.remove(path).catch(() => {});
  };
  return { path, info, release, [Symbol.asyncDispose]: release };
}

/**
 * Run `fn` holding the lock `path`, waiting (polling, up to `timeoutMs`) while another
 * process holds it: for short critical sections such as a manifest update.
 *
 * @param path The lock file.
 * @param purpose What the lock is for.
 * @param fn The critical section.
 * @param timeoutMs How long to wait for another holder (default 30 s).
 * @returns What `fn` returns.
 * @throws {LockedError} Another process still holds the lock after `timeoutMs`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { withLock } from "./lock.ts";
 * const dir = await Deno.makeTempDir();
 * assert(await withLock(`${dir}/.m.lock`, "test", () => Promise.resolve(42)) === 42);
 * ```
 */
export async function withLock<T>(
  path: string,
  purpose: string,
  fn: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let lock: RunLock;
    try {
      lock = await acquireLock(path, purpose);
    } catch (err) {
      if (!(err instanceof LockedError) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 10 + Math.random() * 40));
      continue;
    }
    try {
      return await fn();
    } finally {
      await lock.release();
    }
  }
}
