/**
 * People's labels beside a run (`labels-<reviewer>.jsonl`): appended one at a time under the
 * file's lock, read with a cut last line skipped (and removed by the next append).
 * @module
 */
import { labelsFile } from "./files.ts";
import { JsonlAppender } from "./jsonl.ts";
import { withLock } from "./lock.ts";
import type { LabelRecord } from "./records.ts";
import { sampleKeys } from "./samples.ts";

/**
 * Append one label to the reviewer's labels file beside the run, at once (opened, written,
 * closed: a closed tab or a killed server loses nothing already answered). Under the file's
 * lock, the file is read first: a label of a sample this reviewer labelled before is written
 * as a revision, so one reviewer in two sessions at once never writes two first labels of
 * one sample. A last line cut short by a crash is removed first.
 *
 * @param run The run folder.
 * @param record The label (`revision` is set by the store).
 * @returns The labels file's path and the record as written.
 * @throws {BsaError} A reviewer name that is not a file name; the file cannot be written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { appendLabel } from "./labels.ts";
 * const run = await Deno.makeTempDir();
 * const label = { id: "q", sample: 0, reviewer: "ana", answer_verdict: "Safe", reasoning_verdict: "True", time: "t", seconds: 2 };
 * const [a, b] = await Promise.all([appendLabel(run, label), appendLabel(run, label)]); // two sessions at once
 * assert.deepEqual([a.record.revision, b.record.revision].sort(), [true, undefined]);
 * await Deno.writeTextFile(a.path, '{"id":"q","sam', { append: true }); // a write cut short
 * await appendLabel(run, { ...label, id: "r" });
 * const lines = (await Deno.readTextFile(a.path)).trim().split("\n").map((l) => JSON.parse(l));
 * assert.deepEqual(lines.map((l) => l.id), ["q", "q", "r"]);
 * ```
 */
export async function appendLabel(run: string, record: LabelRecord): Promise<{ path: string; record: LabelRecord }> {
  const path = labelsFile(run, record.reviewer);
  return await withLock(`${path}.lock`, `a label of ${record.reviewer}`, async () => {
    // Opening repairs a cut last line; the keys are read after that.
    const w = await JsonlAppender.open(path);
    try {
      const { revision: _, ...rest } = record;
      const seen = (await sampleKeys(path)).has(`${record.id}\u0000${record.sample}`);
      const written: LabelRecord = seen ? { ...rest, revision: true } : rest;
      await w.append(written);
      return { path, record: written };
    } finally {
      await w.close();
    }
  });
}

/**
 * The text of a labels file as readers check it: a last line cut short (no newline, not
 * JSON: a write interrupted by a crash) is left out with a warning instead of blocking the
 * file (the next {@linkcode appendLabel} removes it). CSV files are returned as they are.
 *
 * @param path A labels file (`.jsonl`, or `.csv` from another tool).
 * @param warnings Where the note on a cut line goes.
 * @returns The text; empty for a missing file.
 * @throws {Deno.errors.PermissionDenied} And other read errors than a missing file.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLabelsText } from "./labels.ts";
 * const p = `${await Deno.makeTempDir()}/labels-ana.jsonl`;
 * await Deno.writeTextFile(p, '{"id":"q","sample":0}\n{"id":"r","sam');
 * const warnings: string[] = [];
 * assert.equal(await readLabelsText(p, warnings), '{"id":"q","sample":0}\n');
 * assert.match(warnings[0], /line 2: the last line is cut short/);
 * ```
 */
export async function readLabelsText(path: string, warnings?: string[]): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "";
    throw err;
  }
  if (/\.csv$/i.test(path) || text === "" || text.endsWith("\n")) return text;
  const cut = text.lastIndexOf("\n") + 1;
  try {
    JSON.parse(text.slice(cut));
    return text;
  } catch {
    const line = text.slice(0, cut).split("\n").length;
    warnings?.push(
      `${path} line ${line}: the last line is cut short (an interrupted write) and was skipped; the next label repairs it`,
    );
    return text.slice(0, cut);
  }
}
