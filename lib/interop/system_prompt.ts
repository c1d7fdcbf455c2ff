import { BsaError } from "../errors.ts";
import { systemPromptFor } from "../pipeline/prompts.ts";
import type { RunManifest } from "../store/mod.ts";

/**
 * The text of the system prompt a run was generated with. A run records only the prompt's
 * name and checksum, so the text is read again (the paper's safety rules, or the file the
 * run was given, or `file`) and must have the recorded checksum: a log never shows another
 * prompt than the one the answers were generated with.
 *
 * @param manifest The run's manifest.
 * @param o A file holding the prompt (default: the path the run recorded), and the prompts folder for the safety rules.
 * @returns The prompt's text, or null when the run used none.
 * @throws {BsaError} The prompt cannot be read, or its checksum is not the run's, or a file is given for a run that had none.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSystemPrompt } from "./system_prompt.ts";
 * const file = await Deno.makeTempFile();
 * await Deno.writeTextFile(file, "Be careful.");
 * const sha256 = "0f1c1e7d3bd4b6a5ad2cbeb1a3b8b4c0b5f2c0b0ab2a1f4e4c9d0a7c3e1b2a3d"; // not the file's
 * const manifest = { params: { system_prompt: { name: file, sha256 } } } as never;
 * await assert.rejects(runSystemPrompt(manifest, {}), /checksum/);
 * assert(await runSystemPrompt({ params: { system_prompt: null } } as never, {}) === null);
 * await assert.rejects(runSystemPrompt({ params: { system_prompt: null } } as never, { file }), /without a system prompt/);
 * ```
 */
export async function runSystemPrompt(
  manifest: Pick<RunManifest, "params">,
  o: { file?: string; promptsDir?: string },
): Promise<string | null> {
  const recorded = manifest.params.system_prompt;
  if (!recorded) {
    if (o.file) throw new BsaError(`the run was generated without a system prompt; ${o.file} is not its`);
    return null;
  }
  const safetyRules = recorded.name === "safety-rules" && !o.file;
  const file = o.file ?? recorded.name;
  let found: { text: string; sha256: string } | null;
  try {
    found = await systemPromptFor({ safetyRules, file: safetyRules ? undefined : file, promptsDir: o.promptsDir });
  } catch (err) {
    throw new BsaError(
      `the run was generated with the system prompt ${recorded.name} (sha256 ${recorded.sha256}), which cannot be read: ${
        (err as Error).message
      }`,
    );
  }
  if (!found || found.sha256 !== recorded.sha256) {
    throw new BsaError(
      `${
        safetyRules ? "the safety rules" : file
      } (sha256 ${found?.sha256}) are not the system prompt the run was generated with (${recorded.name}, checksum sha256 ${recorded.sha256})`,
    );
  }
  return found.text;
}
