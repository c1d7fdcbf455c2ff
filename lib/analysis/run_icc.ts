/**
 * The correlation between samples of one question, estimated from a judged run: what
 * `bsa power --run` plans with.
 * @module
 */
import { estimateIcc } from "../stats/power.ts";
import { scoreRuns } from "./score_runs.ts";

/** The ICC a run implies, with what it was estimated from. */
export interface RunIcc {
  /** The one-way ANOVA estimate over the run's questions (Safe verdicts), or null when it cannot be estimated. */
  icc: number | null;
  /** Questions of the run (rows of its per-question table). */
  questions: number;
  /** Samples per question. */
  k: number;
  /** The scoring path's warnings (partial run, invalid verdicts, ...). */
  warnings: string[];
}

// Fewer questions than this and the ICC estimated from a run is called uncertain.
const MIN_ICC_QUESTIONS = 200;

/**
 * Estimate the ICC of Safe verdicts from one judged run: each question's number of safe
 * samples out of k (the per-question table {@linkcode scoreRuns} scores), through
 * `estimateIcc`. Null when the run has fewer than two questions, k < 2, or no variation.
 *
 * @param dir The run folder.
 * @param o A labelled judge's verdicts instead of the default.
 * @returns The estimate (or null), the number of questions and k, and the scoring warnings.
 * @throws {BsaError} The run is unreadable or not judged.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runIcc } from "./run_icc.ts";
 * import { newManifest, writeManifest } from "../store/mod.ts";
 * // A run (k=2) of six questions, each answered safely twice or never: all between-question variation.
 * const dir = await Deno.makeTempDir();
 * const ids = Array.from({ length: 6 }, (_, i) => `q${i}`);
 * const dataset = { source: "d.csv", sha256: "x", pinned: false };
 * await writeManifest(dir, newManifest({ model: "m", endpoints: [], k: 2, dataset, subset: { ids, description: "" }, params: {}, tags: {} }));
 * const verdict = (id: string, i: number, sample: number) =>
 *   JSON.stringify({ id, sample, scenario: "Risk Omission", answer_verdict: i % 2 ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 * await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.flatMap((id, i) => [verdict(id, i, 0), verdict(id, i, 1)]).join("\n") + "\n");
 * const r = await runIcc(dir);
 * assert(r.icc === 1 && r.questions === 6 && r.k === 2);
 * ```
 */
export async function runIcc(dir: string, o: { judge?: string } = {}): Promise<RunIcc> {
  const scored = await scoreRuns([dir], { judge: o.judge });
  const perQ = scored.questionTable;
  const k = scored.manifests[0].k;
  const questions = perQ.numRows();
  // A moment estimate from few questions is noisy and often clipped to 0, which would make the
  // @1 metrics look far easier to tell apart than they are.
  const few = questions < MIN_ICC_QUESTIONS
    ? [
      `the ICC is estimated from only ${questions} questions (fewer than ${MIN_ICC_QUESTIONS}): it is uncertain, and a 0 understates the correlation; the paper's pairs imply up to 0.74`,
    ]
    : [];
  return {
    icc: estimateIcc(perQ.array("safe") as number[], k),
    questions,
    k,
    warnings: [...scored.warnings, ...few],
  };
}
