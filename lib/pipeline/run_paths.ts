import { BsaError } from "../errors.ts";

/**
 * Expand run paths: a run folder (with manifest.json) stands for itself; any other folder
 * for the run folders below it (recursively).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandRunPaths } from "./run_paths.ts";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/a`);
 * await Deno.writeTextFile(`${root}/a/manifest.json`, "{}");
 * assert((await expandRunPaths([root])).length === 1);
 * ```
 */
export async function expandRunPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string) => {
    try {
      await Deno.stat(`${p}/manifest.json`);
      out.push(p);
      return;
    } catch { /* not a run folder */ }
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(p)];
    } catch (err) {
      throw new BsaError(`run path ${p}: ${(err as Error).message}`);
    }
    for (const e of entries.filter((e) => e.isDirectory).sort((a, b) => a.name.localeCompare(b.name))) {
      await walk(`${p}/${e.name}`);
    }
  };
  for (const p of paths) await walk(p.replace(/\/$/, ""));
  return out;
}
