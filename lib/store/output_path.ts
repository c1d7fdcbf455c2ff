/**
 * The one guard of every output a command writes where its user points it (a request file,
 * an exported page or CSV, a folder of figures): never inside a run folder, whose files the
 * run store owns, and never over an existing file it did not write unless asked to.
 * @module
 */
import { BsaError, FileExistsError, InsideRunFolderError } from "../errors.ts";
import { runFiles } from "./files.ts";

/** What {@linkcode checkOutputPath} allows. */
export interface OutputPathOptions {
  /** Replace an existing file (never one inside a run folder). */
  force?: boolean;
  /** Whether an existing file is one this command wrote and may replace (e.g. a request file of the same run). */
  owned?: (path: string) => Promise<boolean>;
  /** The output is a folder (it may exist; it may not be, or be inside, a run folder). */
  folder?: boolean;
}

/**
 * Check an output path before anything is written: a path inside a run folder (a folder
 * holding a bsa run's `manifest.json`, or any folder above the path that does, symbolic links
 * resolved) is always refused; an existing file is refused unless `owned` says this command
 * wrote it or `force` is given; an existing folder where a file goes is refused.
 *
 * @param path The output path.
 * @param o Whether to replace an existing file, and which files the command owns.
 * @throws {InsideRunFolderError} The path is in a run folder (or is one, for a folder output).
 * @throws {FileExistsError} A file exists at `path`, not owned, and `force` is not set.
 * @throws {BsaError} A folder exists where a file is to be written, or the file's folder does not exist.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutputPath } from "./output_path.ts";
 * const dir = await Deno.makeTempDir();
 * await checkOutputPath(`${dir}/new.csv`); // nothing there: fine
 * await assert.rejects(checkOutputPath(`${dir}/no/such/new.csv`), /there is no folder/);
 * await Deno.writeTextFile(`${dir}/old.csv`, "x");
 * await assert.rejects(checkOutputPath(`${dir}/old.csv`), /exists/);
 * await checkOutputPath(`${dir}/old.csv`, { force: true });
 * await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify({ toolkit_version: "0", model: "m" }));
 * await assert.rejects(checkOutputPath(`${dir}/new.csv`, { force: true }), /inside the run folder/);
 * ```
 */
export async function checkOutputPath(path: string, o: OutputPathOptions = {}): Promise<void> {
  const run = await runFolderAround(path, o.folder === true);
  if (run !== null) throw new InsideRunFolderError(path, run);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw new BsaError(`${path}: ${(err as Error).message}`);
    // Said before anything is read or sent, not after the work that was to be written.
    const parent = _parent(_absolute(path));
    if (!o.folder && !(await Deno.stat(parent).then((s) => s.isDirectory, () => false))) {
      throw new BsaError(`cannot write ${path}: there is no folder ${parent}`);
    }
    return;
  }
  if (o.folder) {
    if (!info.isDirectory) throw new BsaError(`${path} exists and is not a folder`);
    return;
  }
  if (info.isDirectory) throw new BsaError(`${path} is a folder, not a file`);
  if (o.force || (await o.owned?.(path))) return;
  throw new FileExistsError(
    path,
    o.owned ? "it is not a file this command wrote for this run" : "it may hold what bsa did not write",
  );
}

/**
 * The run folder a path is in (the nearest folder, from the path's own folder up to the
 * root, that holds a bsa run manifest; with `self`, the path itself too), or `null`.
 * Symbolic links are resolved, so a link into a run folder is found.
 *
 * @param path A path (it need not exist).
 * @param self Whether the path itself may be the run folder (a folder output).
 * @returns The run folder as found (absolute), or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFolderAround } from "./output_path.ts";
 * const dir = await Deno.makeTempDir();
 * assert(await runFolderAround(`${dir}/a/b.txt`) === null);
 * await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify({ toolkit_version: "0", model: "m" }));
 * assert(await runFolderAround(`${dir}/a/b.txt`) === await Deno.realPath(dir));
 * ```
 */
export async function runFolderAround(path: string, self = false): Promise<string | null> {
  const abs = _absolute(path);
  // The nearest folder that exists, links resolved; the rest of the path is below it.
  let dir = self ? abs : _parent(abs);
  for (;;) {
    try {
      dir = await Deno.realPath(dir);
      break;
    } catch {
      const up = _parent(dir);
      if (up === dir) return null;
      dir = up;
    }
  }
  // A link at the path itself that points into a run folder.
  if (!self) {
    const target = await Deno.realPath(abs).catch(() => null);
    if (target && target !== abs) {
      const inTarget = await runFolderAround(target);
      if (inTarget) return inTarget;
    }
  }
  for (;;) {
    if (await _isRunFolder(dir)) return dir;
    const up = _parent(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Whether a path is a folder or inside it, by their absolute paths (neither need exist): for
 * a run folder about to be made, which holds no manifest yet.
 *
 * @param path A path.
 * @param dir A folder.
 * @returns True when `path` is `dir` or below it.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isInside } from "./output_path.ts";
 * assert(isInside("runs/a/req.jsonl", "runs/a/") && isInside("runs/a", "./runs/a"));
 * assert(!isInside("runs/ab/req.jsonl", "runs/a"));
 * ```
 */
export function isInside(path: string, dir: string): boolean {
  const p = _absolute(path), d = _absolute(dir);
  return p === d || p.startsWith(d === "/" ? "/" : `${d}/`);
}

async function _isRunFolder(dir: string): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(runFiles(dir === "/" ? "" : dir).manifest);
  } catch {
    return false;
  }
  try {
    const m = JSON.parse(text);
    return !!m && typeof m === "object" && typeof m.model === "string" && "toolkit_version" in m;
  } catch {
    return false;
  }
}

function _absolute(path: string): string {
  const joined = path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
  const parts: string[] = [];
  for (const p of joined.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return `/${parts.join("/")}`;
}

function _parent(abs: string): string {
  const i = abs.lastIndexOf("/");
  return i <= 0 ? "/" : abs.slice(0, i);
}
