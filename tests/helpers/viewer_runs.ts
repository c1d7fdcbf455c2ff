import { newManifest, writeManifest } from "../../lib/pipeline/manifest.ts";
import { scenarioInfo } from "../../lib/dataset/scenarios.ts";
import { DATASET_CSV } from "./paths.ts";

/** What one synthetic sample holds (texts are made up: no benchmark text is ever written). */
export interface SyntheticSample {
  answer: string;
  reasoning: string | null;
  outcome?: "ok" | "no_reasoning" | "truncated" | "failed";
  /** Verdicts of the default judge; omit to leave the sample unjudged. */
  verdicts?: { answer: string; reasoning: string; answer_raw?: string };
}

/**
 * Write a run folder for viewer tests: a manifest, `generations.jsonl` and `judgments.jsonl`,
 * with `sample(q, s)` deciding each sample's texts and verdicts.
 */
export async function writeViewerRun(
  dir: string,
  o: {
    model: string;
    k: number;
    tags?: Record<string, string>;
    questions: { id: string; scenario: string }[];
    sample: (q: { id: string; scenario: string }, s: number) => SyntheticSample;
  },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeManifest(
    dir,
    newManifest({
      model: o.model,
      endpoints: ["http://127.0.0.1/v1"],
      k: o.k,
      dataset: { source: DATASET_CSV, sha256: "test", pinned: false },
      subset: { ids: o.questions.map((q) => q.id), description: `${o.questions.length} questions` },
      params: { system_prompt: null },
      tags: o.tags ?? {},
    }),
  );
  let gens = "", judgments = "";
  for (const q of o.questions) {
    for (let s = 0; s < o.k; s++) {
      const x = o.sample(q, s);
      gens += generationLine(q, s, x);
      if (x.verdicts) judgments += judgmentLine(q, s, x.verdicts);
    }
  }
  await Deno.writeTextFile(`${dir}/generations.jsonl`, gens);
  await Deno.writeTextFile(`${dir}/judgments.jsonl`, judgments);
}

/** One generation record as `bsa run` writes it. */
export function generationLine(q: { id: string; scenario: string }, s: number, x: SyntheticSample): string {
  return JSON.stringify({
    id: q.id,
    sample: s,
    scenario: q.scenario,
    answer: x.answer,
    reasoning: x.reasoning,
    reasoning_source: x.reasoning === null ? "none" : "reasoning_content",
    finish_reason: x.outcome === "truncated" ? "length" : "stop",
    prompt_tokens: 10,
    completion_tokens: 20,
    outcome: x.outcome ?? (x.reasoning === null ? "no_reasoning" : "ok"),
  }) + "\n";
}

/** One judgment record as `bsa judge` writes it. */
export function judgmentLine(
  q: { id: string; scenario: string },
  s: number,
  v: { answer: string; reasoning: string; answer_raw?: string },
): string {
  return JSON.stringify({
    id: q.id,
    sample: s,
    scenario: q.scenario,
    answer_verdict: v.answer,
    reasoning_verdict: v.reasoning,
    ...(v.answer_raw !== undefined && { answer_raw: v.answer_raw }),
  }) + "\n";
}

/** The target reasoning verdict of a scenario, and one that misses it. */
export function reasoningVerdicts(scenario: string): { right: string; wrong: string } {
  const info = scenarioInfo(scenario)!;
  return { right: info.target, wrong: info.verdicts.find((v) => v !== info.target)! };
}
