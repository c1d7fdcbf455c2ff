import { newManifest, writeManifest } from "../../lib/store/mod.ts";
import { scenarioInfo } from "../../lib/dataset/scenarios.ts";
import { DATASET_CSV } from "./paths.ts";

/** What one synthetic sample holds (texts are made up: no benchmark text is ever written). */
export interface SyntheticSample {
  answer: string;
  reasoning: string | null;
  outcome?: "ok" | "no_reasoning" | "truncated" | "failed";
  /** Verdicts of the default judge; omit to leave the sample unjudged. */
  verdicts?: { answer: string; reasoning: string; answer_raw?: string };
  /** Token counts the record carries (default 10 prompt, 20 completion). */
  tokens?: { prompt: number; completion: number };
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
  await writeRunManifest(dir, {
    model: o.model,
    k: o.k,
    tags: o.tags,
    subset: { ids: o.questions.map((q) => q.id), description: `${o.questions.length} questions` },
  });
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

/**
 * Create a run folder with the manifest `bsa run` starts it with (endpoint and dataset made up
 * unless given), for tests and benchmarks that write its records themselves.
 */
export async function writeRunManifest(
  dir: string,
  o: {
    model: string;
    k: number;
    tags?: Record<string, string>;
    subset: { ids: string[] | null; description: string };
    dataset?: { source: string; sha256: string; pinned: boolean };
  },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeManifest(
    dir,
    newManifest({
      model: o.model,
      endpoints: ["http://127.0.0.1/v1"],
      k: o.k,
      dataset: o.dataset ?? { source: DATASET_CSV, sha256: "test", pinned: false },
      subset: o.subset,
      params: { system_prompt: null },
      tags: o.tags ?? {},
    }),
  );
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
    prompt_tokens: x.tokens?.prompt ?? 10,
    completion_tokens: x.tokens?.completion ?? 20,
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
