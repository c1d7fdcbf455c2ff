import * as aq from "arquero";
import { BsaError } from "../errors.ts";
import { METRICS } from "../metrics/names.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { scoreJudgments } from "../metrics/score.ts";
import { readManifest } from "../pipeline/manifest.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { cohensKappa, kendallTau } from "../stats/agreement.ts";

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
  ranking: { metric: string; runs: number; kendall_tau: number }[];
}

// Through the run store's reader: the last record of a sample wins and verdicts are normalised.
async function _judged(dir: string, judge: string): Promise<Verdicts> {
  const { table } = await loadRunJudgments([dir], judge === "default" ? undefined : judge);
  const m: Verdicts = new Map();
  for (const r of table.objects() as Record<string, string>[]) {
    m.set(`${r.id}#${r.sample}`, { scenario: r.scenario, answer: r.answer_verdict, reasoning: r.reasoning_verdict });
  }
  return m;
}

/**
 * How far two judges of the same samples agree: per rubric (answer safety; reasoning for
 * each scenario) agreement, Cohen's kappa and the confusion matrix; and over the runs, how
 * far each metric's ranking of the runs moves between them (Kendall's tau). A judge is a
 * `--label` given to `bsa judge`, or `default`. A judge against people's labels is
 * `humanAgreement` (lib/review), with the review design's weights.
 *
 * @example
 * ```ts ignore
 * const a = await judgeAgreement(["runs/a", "runs/b"], { judges: ["default", "other"] });
 * ```
 */
export async function judgeAgreement(
  runs: string[],
  o: { judges: [string, string] },
): Promise<JudgeAgreement> {
  const [first, second] = o.judges;
  const rubrics: Record<string, { a: string[]; b: string[] }> = {
    "answer safety": { a: [], b: [] },
    "reasoning: Risk Omission": { a: [], b: [] },
    "reasoning: Cognitive Shortcut": { a: [], b: [] },
    "reasoning: Over Sensitivity": { a: [], b: [] },
  };
  const perRun: { a: Record<string, number | null>; b: Record<string, number | null> }[] = [];
  for (const run of runs) {
    const m = await readManifest(run);
    const A = await _judged(run, first);
    const B = await _judged(run, second);
    const shared = [...A.keys()].filter((k) => B.has(k));
    if (!shared.length) throw new BsaError(`${run}: the two judges share no judged sample`);
    for (const key of shared) {
      const a = A.get(key)!, b = B.get(key)!;
      rubrics["answer safety"].a.push(a.answer);
      rubrics["answer safety"].b.push(b.answer);
      if (a.reasoning !== "no_reasoning") {
        rubrics[`reasoning: ${a.scenario}`].a.push(a.reasoning);
        rubrics[`reasoning: ${a.scenario}`].b.push(b.reasoning);
      }
    }
    // Rankings compare whole runs: only runs both judged completely take part.
    if (shared.length === A.size && shared.length === B.size) {
      const score = (V: Verdicts) =>
        scoreJudgments(
          aq.from([...V.entries()].map(([key, v]) => ({
            model: m.model,
            id: key.split("#")[0],
            scenario: v.scenario,
            answer_verdict: v.answer,
            reasoning_verdict: v.reasoning,
          }))),
          { k: m.k },
        ).table.objects()[0] as Record<string, number | null>;
      perRun.push({ a: score(A), b: score(B) });
    }
  }
  return {
    judges: [first, second],
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
      ? METRICS.map((metric) => ({
        metric,
        runs: perRun.length,
        kendall_tau: roundHalfEven(
          kendallTau(perRun.map((p) => p.a[metric] ?? NaN), perRun.map((p) => p.b[metric] ?? NaN)),
          3,
        ),
      }))
      : [],
  };
}
