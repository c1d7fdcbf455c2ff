import type { HumanAgreementReport } from "./agreement.ts";

const _pts = (x: number) => `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(x).toFixed(2)}`;

/**
 * The claims a reader should take from a judge validation, computed from its numbers: the
 * judge's answer-safety accuracy with its interval, and for each corrected metric how far it
 * could move under the measured judge error (the shift's interval), or why it cannot be said.
 * Markdown, for notebooks and reports.
 *
 * @param r The judge against people.
 * @returns The Markdown.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { humanAgreement, judgeValidationSummary } from "./mod.ts";
 * const judged = [0, 1, 2, 3].map((i) => ({ id: `q${i}`, sample: 0, scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }));
 * const labels = judged.map((s, i) => ({ ...s, reviewer: "ana", answer_verdict: i ? "Safe" : "Unsafe", time: "", seconds: 1, source: "l", line: i + 1 }));
 * const text = judgeValidationSummary(humanAgreement({ judge: "default", judged, plan: null, labels, judgeScores: { "Safe@1": 100 } }));
 * assert(text.includes("75.00%") && text.includes("Safe@1"));
 * ```
 */
export function judgeValidationSummary(r: HumanAgreementReport): string {
  const level = `${Math.round(100 * r.level)}%`;
  const all = r.rubrics.find((x) => x.rubric === "answer safety" && x.scenario === "all");
  const out: string[] = [];
  if (all) {
    out.push(
      `The judge \`${r.judge}\` agrees with ${r.reviewers.join(", ")} on answer safety in ${
        all.agreement.toFixed(2)
      }% of the run's samples (${level} interval ${all.lo.toFixed(2)}–${all.hi.toFixed(2)}, ${all.n} labelled, ` +
        `design-weighted Cohen's kappa ${
          all.kappa === null ? "undefined" : all.kappa.toFixed(3)
        }; design: ${r.design}).`,
    );
  }
  for (const row of r.rubrics.filter((x) => x.rubric === "reasoning")) {
    out.push(
      `- Reasoning, ${row.scenario}: ${row.agreement.toFixed(2)}% (${row.lo.toFixed(2)}–${row.hi.toFixed(2)}, ` +
        `${row.n} labelled).`,
    );
  }
  const moved = r.metrics.filter((m) => m.corrected !== null);
  if (moved.length) out.push("", `Under the measured judge error (${level} intervals, points):`);
  for (const m of moved) {
    out.push(
      `- ${m.metric}: the judge's ${m.judge!.toFixed(2)} would be ${m.corrected!.toFixed(2)} as people score it ` +
        `(${m.lo!.toFixed(2)}–${m.hi!.toFixed(2)}): it could move by ${_pts(m.shift_lo!)} to ${_pts(m.shift_hi!)}.`,
    );
  }
  const not = r.metrics.filter((m) => m.corrected === null);
  if (not.length) out.push("", `Not corrected: ${not.map((m) => `${m.metric} (${m.note})`).join("; ")}.`);
  if (r.warnings.length) out.push("", ...r.warnings.map((w) => `- ⚠ ${w}`));
  return out.join("\n");
}
