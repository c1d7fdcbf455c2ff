/**
 * The JSON files of a run folder besides its manifest (a review plan, its strata): written
 * atomically, never over an existing file unless asked.
 * @module
 */
import { BsaError, FileExistsError } from "../errors.ts";

/**
 * Write a JSON file atomically (a temp file, then a rename or a link). Without `force` an
 * existing file is kept: the new one is linked into place, which fails if another writer got
 * there first, so of two writers at once exactly one wins and the other gets the error.
 *
 * @param path Where to write.
 * @param value The value (written as indented JSON).
 * @param o `force` replaces an existing file; `why` says in the error why it is kept.
 * @throws {FileExistsError} The file exists and `force` is not set.
 * @throws {BsaError} The file cannot be written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeJsonFile } from "./json_file.ts";
 * const p = `${await Deno.makeTempDir()}/plan.json`;
 * const results = await Promise.allSettled([writeJsonFile(p, { a: 1 }), writeJsonFile(p, { a: 2 })]);
 * assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
 * await writeJsonFile(p, { a: 3 }, { force: true });
 * assert.equal(JSON.parse(await Deno.readTextFile(p)).a, 3);
 * ```
 */
export async function writeJsonFile(
  path: string,
  value: unknown,
  o: { force?: boolean; why?: string } = {},
): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await Deno.writeTextFile(tmp, JSON.stringify(value, null, 2) + "\n");
    if (o.force) await Deno.rename(tmp, path);
    else await Deno.link(tmp, path);
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      throw new FileExistsError(path, o.why ?? "it is kept unless replacing it is asked for");
    }
    throw new BsaError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/**
 * Read a JSON file of the run folder; `null` when it does not exist.
 *
 * @param path The file.
 * @param what What the file is, for the error (`the review plan`).
 * @returns The parsed value, or null when there is no such file.
 * @throws {BsaError} The file cannot be read or is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readJsonFile } from "./json_file.ts";
 * const dir = await Deno.makeTempDir();
 * assert.equal(await readJsonFile(`${dir}/absent.json`, "the plan"), null);
 * await Deno.writeTextFile(`${dir}/bad.json`, "{");
 * await assert.rejects(readJsonFile(`${dir}/bad.json`, "the plan"), /cannot read the plan/);
 * ```
 */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw new BsaError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BsaError(`cannot read ${what} ${path}: ${(err as Error).message}`);
  }
}
