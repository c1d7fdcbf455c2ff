/**
 * The request file of `--batch-file` as an output: checked by the one output guard
 * (lib/output_path.ts) before it is written, replaced only when it is a request file of the
 * same run (or with `force`), and the parts of an earlier, larger split (`FILE.2.jsonl`,
 * ...) removed once the new files are written, so no stale request is uploaded twice.
 * @module
 */
import { checkOutputPath } from "../../store/output_path.ts";

/**
 * Whether a file is a request file of a run: its first line's custom id carries the run id.
 *
 * @param path A file.
 * @param run The run id (`batchRunId`), or null for a run not made yet (no file is its).
 * @returns True when the file's first request is of that run.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isRequestFileOf } from "./request_file.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, JSON.stringify({ custom_id: "bsa.0123456789ab.g.0.q", method: "POST" }) + "\n");
 * assert(await isRequestFileOf(p, "0123456789ab") && !(await isRequestFileOf(p, "ffffffffffff")));
 * ```
 */
export async function isRequestFileOf(path: string, run: string | null): Promise<boolean> {
  if (run === null) return false;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return false;
  }
  try {
    const buf = new Uint8Array(256);
    const n = (await file.read(buf)) ?? 0;
    const head = new TextDecoder().decode(buf.subarray(0, n));
    return head.startsWith(`{"custom_id":"bsa.${run}.`);
  } finally {
    file.close();
  }
}

/**
 * The split parts `FILE.N.jsonl` (N >= 2) that exist beside a request file `FILE.jsonl`.
 *
 * @param path The first request file's path.
 * @returns The parts found, in order of N.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitParts } from "./request_file.ts";
 * const dir = await Deno.makeTempDir();
 * for (const f of ["r.2.jsonl", "r.10.jsonl", "r.x.jsonl", "q.2.jsonl"]) await Deno.writeTextFile(`${dir}/${f}`, "");
 * assert.deepEqual(await splitParts(`${dir}/r.jsonl`), [`${dir}/r.2.jsonl`, `${dir}/r.10.jsonl`]);
 * ```
 */
export async function splitParts(path: string): Promise<string[]> {
  const slash = path.lastIndexOf("/");
  const dir = slash === -1 ? "." : path.slice(0, slash) || "/";
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf(".");
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
  const found: [number, string][] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.name.startsWith(`${stem}.`) || !e.name.endsWith(ext)) continue;
      const middle = e.name.slice(stem.length + 1, e.name.length - ext.length);
      if (/^[1-9]\d*$/.test(middle) && Number(middle) >= 2) {
        found.push([Number(middle), slash === -1 ? e.name : `${path.slice(0, slash)}/${e.name}`]);
      }
    }
  } catch {
    return [];
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/**
 * Check a request file and the parts of an earlier split before writing: each must be new,
 * a request file of this run, or replaced with `force`; none may be inside a run folder.
 * Returns the files that exist now, which {@linkcode removeStaleParts} deletes once the new
 * files are written.
 *
 * @param path The first request file's path.
 * @param o The run id (null for a run not made yet) and whether to replace any file.
 * @returns The existing files (the request file and its parts).
 * @throws {InsideRunFolderError} The path is inside a run folder.
 * @throws {FileExistsError} A file that is not a request file of this run exists, without `force`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRequestFile } from "./request_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/r.2.jsonl`, "notes\n");
 * await assert.rejects(checkRequestFile(`${dir}/r.jsonl`, { run: null }), /r\.2\.jsonl exists/);
 * assert.deepEqual(await checkRequestFile(`${dir}/r.jsonl`, { run: null, force: true }), [`${dir}/r.2.jsonl`]);
 * ```
 */
export async function checkRequestFile(path: string, o: { run: string | null; force?: boolean }): Promise<string[]> {
  const owned = (p: string) => isRequestFileOf(p, o.run);
  const existing: string[] = [];
  const check = async (p: string) => {
    await checkOutputPath(p, { force: o.force, owned });
    if (await Deno.lstat(p).then(() => true, () => false)) existing.push(p);
  };
  // The file first: its folder is listed for parts only once the guard found it outside any run folder.
  await check(path);
  for (const p of await splitParts(path)) await check(p);
  return existing;
}

/**
 * Remove the files of an earlier write that the new one did not replace.
 *
 * @param existing What {@linkcode checkRequestFile} found.
 * @param written The files just written.
 * @returns The files removed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { removeStaleParts } from "./request_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/r.2.jsonl`, "");
 * assert.deepEqual(await removeStaleParts([`${dir}/r.jsonl`, `${dir}/r.2.jsonl`], [`${dir}/r.jsonl`]), [`${dir}/r.2.jsonl`]);
 * ```
 */
export async function removeStaleParts(existing: string[], written: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const p of existing) {
    if (written.includes(p)) continue;
    await Deno.remove(p).catch((err) => {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    });
    removed.push(p);
  }
  return removed;
}
