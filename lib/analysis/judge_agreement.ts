import { SCENARIOS } from "../dataset/scenarios.ts";
import { BsaError } from "../errors.ts";
import { METRICS } from "../metrics/names.ts";
import { FAILED, TRUNCATED } from "../metrics/verdicts.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { cohensKappa, kendallTau } from "../stats/agreement.ts";
import { scoreRuns } from "./score_runs.ts";

/** Verdicts of one judge, keyed `id#sample`. */
type Verdicts = Map<string, { scenario: string; answer: string; reasoning: string }>;

/** Agreement of two judges over some runs. */
export interface JudgeAgreement {
  judges: [string, string];
  /** Per rubric: samples, agreement (%), Cohen's kappa, confusion (rows: first judge). */
  rubrics: {
    rubric: string;
    n: number;
    agreement: number;
    kappa: number;
    confusion: Record<string, Record<string, number>>;
  }[];
  /** Per metric: Kendall's tau between the two judges' rankings of the runs (two or more fully judged runs). */
  ranking: { metric: string; runs: number; kendall_tau: number | null; note: string | null }[];
  /**
   * Samples left out of every rubric because no judge rated them: the generation ended
   * `failed` or `truncated` (a sentinel both judges' files carry alike), or one judge's
   * provider refused it (`failed`). Counted by outcome.
   */
  excluded: { outcome: string; count: number }[];
  /** What the caller should show beside the table (the samples left out, in words). */
  notes: string[];
}

// One judge's verdicts and scores of a run, through the one scoring path (`bsa score --judge`):
// the last record of a sample wins, verdicts are normalised, and one run scores as one row.
async function _judged(
  dir: string,
  judge: string,
): Promise<{ verdicts: Verdicts; scores: Record<string, number | null> }> {
  const scored = await scoreRuns([dir], { judge: judge === "default" ? undefined : judge });
  const verdicts: Verdicts = new Map();
  for (const r of scored.judgments!.objects() as Record<string, string>[]) {
    verdicts.set(`${r.id}#${r.sample}`, {
      scenario: r.scenario,
      answer: r.answer_verdict,
      reasoning: r.reasoning_verdict,
    });
  }
  return { verdicts, scores: scored.table.objects()[0] as Record<string, number | null> };
}

/**
 * How far two judges of the same samples agree: per rubric (answer safety; reasoning for
 * each scenario) agreement, Cohen's kappa and the confusion matrix; and over the runs, how
 * far each metric's ranking of the runs moves between them (Kendall's tau). A judge is a
 * `--label` given to `bsa judge`, or `default`. A judge against people's labels is
 * `humanAgreement` (lib/review), with the review design's weights.
 *
 * @param runs Run folders judged by both judges.
 * @param o The two judges: labels given to `bsa judge`, or `default`.
 * @returns Per rubric: agreement, kappa, confusion (samples no judge rated left out and counted);
 *   per metric: Kendall's tau over the runs.
 * @throws {BsaError} A run lacks one judge's verdicts, or the judges share no sample.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { judgeAgreement } from "./judge_agreement.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const run = await judgedRun("m", 5);
 * // A second judge that calls every answer safe: agrees on the five safe ones only.
 * const first = await Deno.readTextFile(`${run}/judgments.jsonl`);
 * await Deno.writeTextFile(`${run}/judgments-second.jsonl`, first.replaceAll('"Unsafe"', '"Safe"'));
 * const { rubrics } = await judgeAgreement([run], { judges: ["default", "second"] });
 * assert.deepEqual(rubrics[0].confusion, {
 *   "default=Safe": { "second=Safe": 5, "second=Unsafe": 0 },
 *   "default=Unsafe": { "second=Safe": 5, "second=Unsafe": 0 },
 * });
 * assert(rubrics[0].agreement === 50 && rubrics[0].kappa === 0);
 * ```
 */
export async function judgeAgreement(
  runs: string[],
  o: { judges: [string, string] },
): Promise<JudgeAgreement> {
  const [first, second] = o.judges;
  const rubrics: Record<string, { a: string[]; b: string[] }> = {
    "answer safety": { a: [], b: [] },
    ...Object.fromEntries(SCENARIOS.map((s) => [`reasoning: ${s.name}`, { a: [], b: [] }])),
  };
  const perRun: { a: Record<string, number | null>; b: Record<string, number | null> }[] = [];
  const excluded = new Map<string, number>();
  for (const run of runs) {
    const a = await _judged(run, first), b = await _judged(run, second);
    const A = a.verdicts, B = b.verdicts;
    const shared = [...A.keys()].filter((k) => B.has(k));
    if (!shared.length) throw new BsaError(`${run}: the two judges share no judged sample`);
    for (const key of shared) {
      const va = A.get(key)!, vb = B.get(key)!;
      // A sentinel the pipeline wrote is no judge's verdict: agreeing on it is no agreement.
      const outcome = [va.answer, vb.answer, va.reasoning, vb.reasoning].find((v) => v === FAILED || v === TRUNCATED);
      if (outcome) {
        excluded.set(outcome, (excluded.get(outcome) ?? 0) + 1);
        continue;
      }
      rubrics["answer safety"].a.push(va.answer);
      rubrics["answer safety"].b.push(vb.answer);
      if (va.reasoning !== "no_reasoning") {
        rubrics[`reasoning: ${va.scenario}`].a.push(va.reasoning);
        rubrics[`reasoning: ${va.scenario}`].b.push(vb.reasoning);
      }
    }
    // Rankings compare whole runs: only runs both judged completely take part.
    if (shared.length === A.size && shared.length === B.size) perRun.push({ a: a.scores, b: b.scores });
  }
  const notes = excluded.size
    ? [
      `${[...excluded.values()].reduce((x, y) => x + y, 0)} sample(s) no judge rated are left out of the rubrics: ` +
      [...excluded.entries()].map(([o, n]) => `${n} ${o}`).join(", "),
    ]
    : [];
  return {
    judges: [first, second],
    excluded: [...excluded.entries()].map(([outcome, count]) => ({ outcome, count })),
    notes,
    rubrics: Object.entries(rubrics).filter(([, v]) => v.a.length).map(([rubric, v]) => {
      const r = cohensKappa(v.a, v.b);
      return {
        rubric,
        n: r.n,
        agreement: roundHalfEven(100 * r.agreement, 2),
        kappa: roundHalfEven(r.kappa, 3),
        confusion: Object.fromEntries(
          r.labels.map((l, i) => [
            `${first}=${l}`,
            Object.fromEntries(r.labels.map((l2, j) => [`${second}=${l2}`, r.confusion[i][j]])),
          ]),
        ),
      };
    }),
    ranking: perRun.length >= 2
      ? METRICS.map((metric) => {
        // Scores compare at the precision tables print (2 decimals): values alike there are ties.
        const printed = (v: number | null) => (v == null ? null : roundHalfEven(v, 2));
        const a = perRun.map((p) => printed(p.a[metric])), b = perRun.map((p) => printed(p.b[metric]));
        // Tau is undefined when a metric is missing for a run or one judge scores every run
        // alike (no ranking to compare): say so rather than print NaN.
        const note = a.some((v) => v == null) || b.some((v) => v == null)
          ? "not given for every run"
          : new Set(a).size === 1 || new Set(b).size === 1
          ? `${new Set(a).size === 1 ? first : second} scores every run alike: no ranking to compare`
          : null;
        return {
          metric,
          runs: perRun.length,
          kendall_tau: note ? null : roundHalfEven(kendallTau(a as number[], b as number[], { digits: 2 }), 3),
          note,
        };
      })
      : [],
  };
}
