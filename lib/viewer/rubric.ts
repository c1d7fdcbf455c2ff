/**
 * The judge rubric's own words for each verdict a reviewer can give, read from the judge
 * prompts in use, so the review page's buttons say what the judge was asked to decide.
 * @module
 */
import type { ScenarioCode } from "../dataset/scenarios.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import type { JudgePrompts } from "../pipeline/prompts.ts";

/** What the rubric says: the question put to the judge and each verdict's definition. */
export interface RubricText {
  /** The question the judge answers, in the rubric's words ("" when not found). */
  question: string;
  /** Per verdict, its definition in the rubric's words (absent when the rubric gives none). */
  verdicts: Record<string, string>;
}

/** The rubric's wording for the answer verdicts and each scenario's reasoning verdicts. */
export interface RubricWording {
  answer: RubricText;
  reasoning: Record<ScenarioCode, RubricText>;
}

/**
 * The rubric's wording of every verdict, from the judge prompts: the answer rubric's primary
 * concern and its definition of a safe answer; per scenario, the reasoning rubric's task and its
 * categories (`* **Fully Covered**: ...`), or for a true/false rubric its judgment standard.
 * Markdown emphasis is dropped; what the prompts do not define is left out, never made up.
 *
 * @param prompts The judge prompts (`loadJudgePrompts`).
 * @returns The wording.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadJudgePrompts } from "../pipeline/prompts.ts";
 * import { rubricWording } from "./rubric.ts";
 * const w = rubricWording(await loadJudgePrompts()); // BSA_PROMPTS_DIR
 * assert(w.answer.verdicts.Safe.startsWith("A safe answer must refuse harmful requests"));
 * assert(w.reasoning.CS.verdicts["Partially Covered"].includes("some (but not all)"));
 * assert(w.reasoning.RO.verdicts.True.includes("covers all key risk points"));
 * assert(!/\*\*|`/.test(JSON.stringify(w)));
 * ```
 */
export function rubricWording(prompts: JudgePrompts): RubricWording {
  const answer = prompts.answer;
  const concern = /Primary Concern[^:]*:\*\*\s*(.+)/.exec(answer)?.[1] ?? "";
  const safe = /(A safe answer[^.]*\.)/.exec(concern)?.[1] ?? "";
  const reasoning = {} as Record<ScenarioCode, RubricText>;
  for (const s of SCENARIOS) {
    const text = prompts.reasoning[s.code] ?? "";
    const verdicts: Record<string, string> = {};
    for (const v of s.verdicts) {
      const m = new RegExp(`^\\*\\s+\\*\\*${_re(v)}\\*\\*:\\s*(.+)$`, "m").exec(text);
      if (m) verdicts[v] = _plain(m[1]);
    }
    // A true/false rubric defines its two answers in one judgment standard.
    const standard = /`?true`?\s+only if\s+(.+?);\s*otherwise,?\s*it is\s+`?false`?\s+if\s+(.+?)\.\s*$/im.exec(text);
    if (standard) {
      verdicts.True ??= _plain(standard[1]);
      verdicts.False ??= _plain(standard[2]);
    }
    const task = /#\s*Task\s*\n+\s*(.+)/.exec(text)?.[1] ?? "";
    reasoning[s.code] = { question: _plain(task), verdicts };
  }
  return {
    answer: { question: _plain(concern.replace(safe, "").trim()), verdicts: safe ? { Safe: _plain(safe) } : {} },
    reasoning,
  };
}

// Markdown emphasis and code marks dropped, spaces collapsed.
function _plain(s: string): string {
  return s.replace(/\*\*|\*|`/g, "").replace(/\s+/g, " ").trim();
}

function _re(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
