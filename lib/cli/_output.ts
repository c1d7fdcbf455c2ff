import { FileExistsError, InsideRunFolderError, UsageError } from "../errors.ts";
import { checkOutputPath, isInside, type OutputPathOptions } from "../store/output_path.ts";
import { checkRequestFile } from "../pipeline/batch/request_file.ts";
import { batchRunId } from "../pipeline/batch/requests.ts";
import { ownedBodyKeys, TOOLKIT_BODY_KEYS } from "../pipeline/extra_body.ts";
import { readManifest } from "../store/mod.ts";

/**
 * Check an output flag's path before a command does anything (the one guard,
 * lib/output_path.ts, with the flag named): never inside a run folder, never over an existing
 * file unless `--force` is given (or `owned` says the command wrote it).
 *
 * @param command The command (`view`, `score`, ...).
 * @param flag The flag without dashes (`out`, `export-official`).
 * @param path The flag's value.
 * @param o `force` (the command's `--force`), `owned`, `folder`.
 * @throws {UsageError} The path is inside a run folder, or an existing file without `--force`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkOutputFlag } from "./_output.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/page.html`, "mine");
 * await assert.rejects(checkOutputFlag("view", "out", `${dir}/page.html`), /bsa view: --out .* exists.*--force/);
 * await checkOutputFlag("view", "out", `${dir}/page.html`, { force: true });
 * ```
 */
export async function checkOutputFlag(
  command: string,
  flag: string,
  path: string,
  o: OutputPathOptions = {},
): Promise<void> {
  await _flagged(command, flag, () => checkOutputPath(path, o));
}

/**
 * Check `--batch-file` of `run` or `judge` before anything is sent or written: FILE and the
 * parts of an earlier split may be replaced only when they are request files of this run
 * (`run`'s folder, if it exists), or with `--force`; never inside a run folder.
 *
 * @param command `run` or `judge`.
 * @param run The run folder (it may not exist yet).
 * @param path The `--batch-file` value.
 * @param force `--force`.
 * @throws {UsageError} FILE (or FILE.N.jsonl) is not a request file of this run, without `--force`; FILE is inside a run folder.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBatchFileFlag } from "./_output.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/req.3.jsonl`, "{}\n");
 * await assert.rejects(checkBatchFileFlag("run", `${dir}/run`, `${dir}/req.jsonl`, false), /req\.3\.jsonl exists/);
 * await assert.rejects(checkBatchFileFlag("run", `${dir}/new`, `${dir}/new/req.jsonl`, true), /inside the run folder/);
 * ```
 */
export async function checkBatchFileFlag(command: string, run: string, path: string, force: boolean): Promise<void> {
  // The run folder may not exist yet (no manifest to find it by): refused by its path.
  if (isInside(path, run)) {
    throw new UsageError(
      `bsa ${command}: --batch-file ${path} is inside the run folder ${run}; give a path outside it`,
    );
  }
  const id = await readManifest(run).then((m) => batchRunId(m), () => null);
  await _flagged(command, "batch-file", () => checkRequestFile(path, { run: id, force }));
}

/**
 * Refuse an extra body that sets a field the toolkit owns (`model`, `messages`, `n`, `stream`).
 *
 * @param command The command.
 * @param flag The flag without dashes (`extra-body`, `judge-extra-body`).
 * @param body The parsed flag (or none).
 * @throws {UsageError} The body sets an owned field.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseOwnedBodyKeys } from "./_output.ts";
 * assert.throws(() => refuseOwnedBodyKeys("run", "extra-body", { n: 3 }), /--extra-body may not set n/);
 * refuseOwnedBodyKeys("run", "extra-body", { repetition_penalty: 1.05 });
 * ```
 */
export function refuseOwnedBodyKeys(command: string, flag: string, body: Record<string, unknown> | undefined): void {
  const owned = ownedBodyKeys(body);
  if (owned.length) {
    throw new UsageError(
      `bsa ${command}: --${flag} may not set ${owned.join(", ")}: bsa sets ${
        TOOLKIT_BODY_KEYS.join(", ")
      } itself (and records them in the manifest); use --model, and one request per sample (--use-n for n)`,
    );
  }
}

async function _flagged<T>(command: string, flag: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof InsideRunFolderError) {
      throw new UsageError(`bsa ${command}: --${flag} ${err.message}; give a path outside it`);
    }
    if (err instanceof FileExistsError) {
      throw new UsageError(
        `bsa ${command}: --${flag} ${err.path} exists and ${
          err.why.replace(/^it /, "")
        }; pass --force to replace it, or give another path`,
      );
    }
    throw err;
  }
}
