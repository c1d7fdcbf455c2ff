/**
 * The judged run the documentation's examples score, compare and view: one fixture instead of
 * a copy in each example.
 * @module
 */
import { JsonlAppender } from "./jsonl.ts";
import { runFiles } from "./files.ts";
import { newManifest, writeManifest } from "./manifest.ts";

/** What {@linkcode exampleRun} writes. */
export interface ExampleRunOptions {
  /** The run's model. */
  model: string;
  /** How many of its ten questions are answered safely (the first ones). */
  safe: number;
  /** The run's tags (condition columns). */
  tags?: Record<string, string>;
  /** With it, a second judge (label `second`) whose reasoning verdict is this on every sample. */
  second?: string;
}

/**
 * A judged run in a new temporary folder, written through the run store: k = 1, ten Risk
 * Omission questions `q0`…`q9`, the first `safe` answered safely, every reasoning verdict
 * `True` (and, with `second`, a second judge's file).
 *
 * @param o Model, safe answers, tags and the optional second judge.
 * @returns The run folder.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "./example_run.ts";
 * import { loadRunJudgments } from "./judgments.ts";
 * const dir = await exampleRun({ model: "m", safe: 6, second: "False" });
 * const { table } = await loadRunJudgments([dir]);
 * assert(table.numRows() === 10 && table.get("answer_verdict", 6) === "Unsafe");
 * assert((await loadRunJudgments([dir], "second")).table.get("reasoning_verdict", 0) === "False");
 * ```
 */
export async function exampleRun(o: ExampleRunOptions): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bsa-example-" });
  const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
  await writeManifest(
    dir,
    newManifest({
      model: o.model,
      endpoints: [],
      k: 1,
      dataset: { source: "d.csv", sha256: "x", pinned: false },
      subset: { ids, description: "" },
      params: {},
      tags: o.tags ?? {},
    }),
  );
  const write = async (label: string | undefined, reasoning: string) => {
    const w = await JsonlAppender.open(runFiles(dir, label).judgments);
    try {
      for (const [i, id] of ids.entries()) {
        await w.append({
          id,
          sample: 0,
          scenario: "Risk Omission",
          answer_verdict: i < o.safe ? "Safe" : "Unsafe",
          reasoning_verdict: reasoning,
        });
      }
    } finally {
      await w.close();
    }
  };
  await write(undefined, "True");
  if (o.second !== undefined) await write("second", o.second);
  return dir;
}
