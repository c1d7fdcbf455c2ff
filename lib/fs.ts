import { BsaError } from "./errors.ts";

/**
 * Write a text file atomically: a temporary file beside it, then a rename, so a
 * reader never sees half a file and a crash leaves the old one in place. A failure
 * (no such folder, no permission, a full disk) is a {@linkcode BsaError} naming the path.
 *
 * @param path The file to write (its folder must exist).
 * @param data Text (written as UTF-8) or bytes.
 * @throws {BsaError} The folder is missing, not writable, or the disk is full (the message names `path`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeAtomic } from "./fs.ts";
 * const dir = await Deno.makeTempDir();
 * await writeAtomic(`${dir}/a.txt`, "hello");
 * assert(await Deno.readTextFile(`${dir}/a.txt`) === "hello");
 * ```
 */
export async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    if (typeof data === "string") await Deno.writeTextFile(tmp, data);
    else await Deno.writeFile(tmp, data);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw new BsaError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}
