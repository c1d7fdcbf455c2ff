import { BsaError } from "../errors.ts";

/**
 * Expand run paths: a run folder (with manifest.json) stands for itself; any other folder
 * for the run folders below it (recursively).
 *
 * @param paths Run folders, or folders holding them.
 * @returns The run folders.
 * @throws {BsaError} A path does not exist, or a folder holds no run.
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

/**
 * The run paths the `BSA_RUNS` environment variable names (separated by `,` or `:`), so that
 * notebooks, the report and scripts read it one way.
 *
 * @param value The variable's value (default: read from the environment).
 * @returns The paths, trimmed, without empty entries; empty when the variable is unset.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runPathsFromEnv } from "./run_paths.ts";
 * assert.deepEqual(runPathsFromEnv("runs/a, runs/b:runs/c,"), ["runs/a", "runs/b", "runs/c"]);
 * assert.deepEqual(runPathsFromEnv(""), []);
 * ```
 */
export function runPathsFromEnv(value: string = Deno.env.get("BSA_RUNS") ?? ""): string[] {
  return value.split(/[,:]/).map((s) => s.trim()).filter(Boolean);
}
