import { BsaError, UsageError } from "../errors.ts";
import { scoreJudgments } from "../metrics/score.ts";
import { readJsonl } from "../pipeline/jsonl.ts";
import type { JudgmentRecord } from "../pipeline/judge.ts";
import { readManifest, runFiles } from "../pipeline/manifest.ts";
import { parseCsv } from "../csv/parse.ts";
import { normalizeAnswerVerdict, normalizeReasoningVerdict } from "../metrics/verdicts.ts";
import { METRICS } from "../metrics/names.ts";
import { cohensKappa, kendallTau } from "../stats/agreement.ts";
import { roundHalfEven } from "../metrics/round.ts";
import * as aq from "arquero";
import { listFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

/**
 * The text `bsa agreement --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP } from "./agreement.ts";
 * assert(HELP.startsWith("bsa agreement"));
 * ```
 */
export const HELP = `bsa agreement --run DIR [--run DIR ...] --judges A,B [--json]
bsa agreement --run DIR --judges A --human FILE [--json]

How far two judges (or a judge and human labels) agree on the same samples, per rubric
(answer safety; reasoning for RO, CS, OS): agreement, Cohen's kappa and the confusion
matrix; and, over the runs given, how far the ranking of runs by each metric moves
between the two (Kendall's tau). A judge name is a --label given to 'bsa judge', or
'default' for judgments.jsonl. Human labels: CSV with id,sample,answer_verdict,reasoning_verdict.`;

type Verdicts = Map<string, { scenario: string; answer: string; reasoning: string }>;

async function _judged(dir: string, judge: string): Promise<Verdicts> {
  const m: Verdicts = new Map();
  for await (const r of readJsonl<JudgmentRecord>(runFiles(dir, judge === "default" ? undefined : judge).judgments)) {
    m.set(`${r.id}#${r.sample}`, { scenario: r.scenario, answer: r.answer_verdict, reasoning: r.reasoning_verdict });
  }
  if (!m.size) {
    throw new BsaError(`${runFiles(dir, judge === "default" ? undefined : judge).judgments} holds no judgments`);
  }
  return m;
}

async function _human(path: string, scenarios: Map<string, string>): Promise<Verdicts> {
  const { table, lines } = parseCsv(await Deno.readTextFile(path), {
    source: path,
    required: ["id", "sample", "answer_verdict", "reasoning_verdict"],
  });
  const m: Verdicts = new Map();
  (table.objects() as Record<string, string>[]).forEach((r, i) => {
    const scenario = scenarios.get(r.id);
    if (!scenario) {
      throw new BsaError(`${path} row ${i + 1} (line ${lines[i]}): id ${r.id} is not among the run's samples`);
    }
    m.set(`${r.id}#${Number(r.sample)}`, {
      scenario,
      answer: normalizeAnswerVerdict(r.answer_verdict),
      reasoning: normalizeReasoningVerdict(r.reasoning_verdict, scenario),
    });
  });
  return m;
}

/**
 * `bsa agreement`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { agreementCommand } from "./agreement.ts";
 * assert(await agreementCommand(["--help"]) === 0);
 * ```
 */
export async function agreementCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("agreement", args, {
    run: { type: "string", multiple: true },
    judges: { type: "string" },
    human: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  const judges = listFlag(values, "judges");
  if (!runs.length) throw new UsageError("bsa agreement: --run DIR is required");
  if (values.human ? judges.length !== 1 : judges.length !== 2) {
    throw new UsageError("bsa agreement: --judges takes two names (or one with --human FILE)");
  }
  const labelB = values.human ? "human" : judges[1];
  const rubrics: Record<string, { a: string[]; b: string[] }> = {
    "answer safety": { a: [], b: [] },
    "reasoning: Risk Omission": { a: [], b: [] },
    "reasoning: Cognitive Shortcut": { a: [], b: [] },
    "reasoning: Over Sensitivity": { a: [], b: [] },
  };
  const perRun: { run: string; a: Record<string, number | null>; b: Record<string, number | null> }[] = [];
  for (const run of runs) {
    const m = await readManifest(run);
    const A = await _judged(run, judges[0]);
    const B = values.human
      ? await _human(values.human as string, new Map([...A.entries()].map(([k, v]) => [k.split("#")[0], v.scenario])))
      : await _judged(run, judges[1]);
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
    if (!values.human && shared.length === A.size && shared.length === B.size) {
      const table = (V: Verdicts) =>
        aq.from(
          [...V.entries()].map(([key, v]) => ({
            model: m.model,
            id: key.split("#")[0],
            scenario: v.scenario,
            answer_verdict: v.answer,
            reasoning_verdict: v.reasoning,
          })),
        );
      const score = (
        V: Verdicts,
      ) => (scoreJudgments(table(V), { k: m.k }).table.objects()[0] as Record<string, number | null>);
      perRun.push({ run, a: score(A), b: score(B) });
    }
  }
  const rubricRows = Object.entries(rubrics).filter(([, v]) => v.a.length).map(([rubric, v]) => {
    const r = cohensKappa(v.a, v.b);
    return {
      rubric,
      n: r.n,
      agreement: roundHalfEven(100 * r.agreement, 2),
      kappa: roundHalfEven(r.kappa, 3),
      confusion: Object.fromEntries(
        r.labels.map((
          l,
          i,
        ) => [
          `${judges[0]}=${l}`,
          Object.fromEntries(r.labels.map((l2, j) => [`${labelB}=${l2}`, r.confusion[i][j]])),
        ]),
      ),
    };
  });
  const rankRows = perRun.length >= 2
    ? METRICS.map((metric) => ({
      metric,
      runs: perRun.length,
      kendall_tau: roundHalfEven(
        kendallTau(perRun.map((p) => p.a[metric] ?? NaN), perRun.map((p) => p.b[metric] ?? NaN)),
        3,
      ),
    }))
    : [];
  if (values.json) {
    console.log(JSON.stringify({ judges: [judges[0], labelB], rubrics: rubricRows, ranking: rankRows }, null, 2));
  } else {
    console.log(formatRows(rubricRows.map(({ confusion: _, ...r }) => r)));
    for (const r of rubricRows) {
      console.log(`\n${r.rubric} (rows: ${judges[0]}, columns: ${labelB})\n${JSON.stringify(r.confusion, null, 1)}`);
    }
    if (rankRows.length) {
      console.log(`\nRanking of the ${perRun.length} runs, ${judges[0]} vs ${labelB}:\n${formatRows(rankRows)}`);
    } else console.log("\n(ranking agreement needs two or more runs judged completely by both)");
  }
  return 0;
}
