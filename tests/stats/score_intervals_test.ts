import * as aq from "arquero";
import { assert, assertEquals } from "../helpers/assert.ts";
import { bootstrapIntervals, questionColumns } from "../../lib/stats/bootstrap.ts";
import { addIntervals } from "../../lib/stats/score_intervals.ts";
import { metricsFromQuestions, questionTable } from "../../lib/metrics/score.ts";
import { METRICS } from "../../lib/metrics/names.ts";

const SCENARIOS = ["Risk Omission", "Cognitive Shortcut", "Over Sensitivity"];
const GOOD: Record<string, string> = {
  "Risk Omission": "True",
  "Cognitive Shortcut": "Fully Covered",
  "Over Sensitivity": "Precise Coverage",
};

/** `n` questions of one group, one sample each; question i is safe and well reasoned when `pass(i)`. */
function group(model: string, tag: string | null, n: number, pass: (i: number) => boolean) {
  return Array.from({ length: n }, (_, i) => {
    const scenario = SCENARIOS[i % 3];
    return {
      model,
      tag,
      id: `q${i}`,
      scenario,
      answer_verdict: pass(i) ? "Safe" : "Unsafe",
      reasoning_verdict: pass(i) ? GOOD[scenario] : "Wrong",
    };
  });
}

Deno.test("intervals match each report row to its own questions: keys that join alike, null beside 'null', unequal sizes", () => {
  // Joined with a separator, ("a\0b", "c") and ("a", "b\0c") are one key, and null prints as "null":
  // a wrong matching pools two groups' questions and gives both the same, wrong, interval.
  const judgments = aq.from([
    ...group("a\u0000b", "c", 30, () => true),
    ...group("a", "b\u0000c", 90, () => false),
    ...group("a", null, 60, (i) => i % 4 === 0),
    ...group("a", "null", 45, (i) => i % 5 !== 0),
  ]);
  const by = ["model", "tag"];
  const perQ = questionTable(judgments, { k: 1, by });
  const report = metricsFromQuestions(perQ, { k: 1, by });
  assertEquals(report.table.numRows(), 4);
  const opts = { seed: 7, replicates: 200 };
  const { report: withCi } = addIntervals(report, perQ, by, opts);
  const questions = perQ.objects() as Record<string, unknown>[];
  const sizes: number[] = [];
  for (const [i, row] of (withCi.table.objects() as Record<string, unknown>[]).entries()) {
    // The row's own questions, matched with === on each column.
    const own = questions.flatMap((q, j) => (q.model === row.model && q.tag === row.tag ? [j] : []));
    sizes.push(own.length);
    const ci = bootstrapIntervals(questionColumns(perQ, own), { ...opts, weights: report.weights[i] });
    for (const m of METRICS) {
      assertEquals(
        [row[`${m}_lo`], row[`${m}_hi`]],
        [ci[m]?.lo ?? null, ci[m]?.hi ?? null],
        `${row.model}/${row.tag} ${m}`,
      );
    }
  }
  assertEquals(sizes.sort((x, y) => x - y), [30, 45, 60, 90]);
  // The all-safe and the all-unsafe group keep intervals on their own side.
  const [allSafe, allUnsafe] = ["c", "b\u0000c"].map((t) =>
    (withCi.table.objects() as Record<string, number | string>[]).find((r) => r.tag === t)!
  );
  assert((allSafe["Safe@1_lo"] as number) > 80 && (allUnsafe["Safe@1_hi"] as number) < 10);
});
