import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { BsaError, NoJudgmentsError } from "../errors.ts";
import { normalizeVerdict } from "../metrics/verdicts.ts";
import type { JudgmentRecord } from "./judge.ts";
import { readJsonl, readLatest, sampleKey } from "./jsonl.ts";
import { readManifest, runFiles, type RunManifest } from "./manifest.ts";

/** What the newest record of one sample says, as the run store tracks it (no texts). */
export interface SampleState {
  /** Generation records: `outcome` (absent in older folders: read as `ok`). */
  outcome?: string;
  answer_verdict?: string;
  reasoning_verdict?: string;
  failed_by?: string;
}

/** The samples of a generations or judgments file: newest state per sample, and the tokens of every record. */
export interface SampleScan {
  /** Newest state by {@linkcode sampleKey}. */
  latest: Map<string, SampleState>;
  /** Tokens of every record in the file, superseded ones included (they were paid for). */
  tokens: { prompt: number; completion: number };
}

/**
 * The state the run store keeps of a record: its outcome and verdicts, never its texts (a
 * judgment's raw reply, a generation's answer), so tracking every sample of a run stays small.
 *
 * @param r A generation or judgment record (or a state).
 * @returns Its outcome, verdicts and who failed it, nothing else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleState } from "./runs.ts";
 * const record = { id: "q", answer_verdict: "invalid", reasoning_verdict: "Safe", answer_raw: "a long reply" };
 * const s = sampleState(record);
 * assert(s.answer_verdict === "invalid" && !("answer_raw" in s) && !("id" in s));
 * ```
 */
export function sampleState(r: SampleState): SampleState {
  return {
    outcome: r.outcome,
    answer_verdict: r.answer_verdict,
    reasoning_verdict: r.reasoning_verdict,
    failed_by: r.failed_by,
  };
}

/**
 * Scan a run file (generations or judgments) without holding its texts: the newest state
 * of each sample (the last record wins, see {@linkcode readLatest}) and the tokens all its
 * records account for, so totals survive a kill before the manifest was updated.
 *
 * @param path A generations or judgments file.
 * @param options `warnings`: where a last line cut short (skipped) is noted.
 * @returns The newest record's state of each sample and the token totals.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanSamples } from "./runs.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0,"outcome":"failed","prompt_tokens":3}\n{"id":"q","sample":0,"outcome":"ok","prompt_tokens":5}\n');
 * const s = await scanSamples(p);
 * assert(s.latest.size === 1 && s.latest.get("q\u00000")!.outcome === "ok" && s.tokens.prompt === 8);
 * ```
 */
export async function scanSamples(path: string, options: { warnings?: string[] } = {}): Promise<SampleScan> {
  const latest = new Map<string, SampleState>();
  const tokens = { prompt: 0, completion: 0 };
  for await (
    const r of readJsonl<
      SampleState & { id: string; sample: number; prompt_tokens?: number; completion_tokens?: number }
    >(
      path,
      options,
    )
  ) {
    latest.set(sampleKey(r), sampleState(r));
    tokens.prompt += r.prompt_tokens ?? 0;
    tokens.completion += r.completion_tokens ?? 0;
  }
  return { latest, tokens };
}

/**
 * Keys ({@linkcode sampleKey}) of the samples a JSONL file of records holds.
 *
 * @param path A JSONL file of records.
 * @returns The sample keys.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { doneKeys } from "./runs.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0}\n{"id":"q","sample":1}\n{"id":"q","sample":0}\n');
 * assert((await doneKeys(p)).size === 2);
 * ```
 */
export async function doneKeys(path: string): Promise<Set<string>> {
  return new Set((await scanSamples(path)).latest.keys());
}

/**
 * The error for a run folder whose judgments file (of `judge`, a label) holds nothing yet:
 * every reader of judgments says it the same way (the CLI adds what to run).
 *
 * @param dir The run folder.
 * @param judge The judge's label; none for the default judge.
 * @returns The error, naming the judgments file and carrying the folder and label.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { noJudgmentsError } from "./runs.ts";
 * const e = noJudgmentsError("runs/a", "second");
 * assert(e.message === "runs/a/judgments-second.jsonl holds no judgments yet: runs/a is not judged by judge second");
 * assert(e.run === "runs/a" && e.judge === "second");
 * ```
 */
export function noJudgmentsError(dir: string, judge?: string): NoJudgmentsError {
  return new NoJudgmentsError(dir, runFiles(dir, judge).judgments, judge);
}

/** Judgments of one or more runs as one table, with each run's tags as columns. */
export interface RunJudgments {
  table: ColumnTable;
  k: number;
  manifests: RunManifest[];
  /** The tag columns (condition columns) found across the runs. */
  tags: string[];
  /** Things a reader should know (a cut-short last line skipped). */
  warnings: string[];
}

/**
 * Read the judgments of run folders into one table:
 * `model, <tags...>, run, id, scenario, sample, answer_verdict, reasoning_verdict`.
 * Verdicts go through the one normaliser (`**Safe**` reads as `Safe`; anything off the rubric
 * as `invalid`). All runs must share k. When a sample has several records (a `--retry-failed` or
 * `--retry-invalid` appended a newer one), the last one wins.
 *
 * @param dirs Run folders, or folders holding run folders.
 * @param judge A judge's label (default: the default judge).
 * @returns The judgments table, k, the manifests and the tag columns.
 * @throws {BsaError} No folder given, a folder that is not a run, runs with different k.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadRunJudgments } from "./runs.ts";
 * import { newManifest, writeManifest } from "./manifest.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = async (model: string, safe: number, tags: Record<string, string> = {}) => {
 *   const dir = await Deno.makeTempDir();
 *   const ids = Array.from({ length: 10 }, (_, i) => `q${i}`);
 *   const dataset = { source: "d.csv", sha256: "x", pinned: false };
 *   await writeManifest(dir, newManifest({ model, endpoints: [], k: 1, dataset, subset: { ids, description: "" }, params: {}, tags }));
 *   const verdict = (id: string, i: number) =>
 *     JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: i < safe ? "Safe" : "Unsafe", reasoning_verdict: "True" });
 *   await Deno.writeTextFile(`${dir}/judgments.jsonl`, ids.map(verdict).join("\n") + "\n");
 *   return dir;
 * };
 * const dir = await judgedRun("m", 3, { condition: "rules" });
 * // A retry appended a newer record for q9: the last one wins.
 * const retry = { id: "q9", sample: 0, scenario: "Risk Omission", answer_verdict: "**Safe**", reasoning_verdict: "True" };
 * await Deno.writeTextFile(`${dir}/judgments.jsonl`, JSON.stringify(retry) + "\n", { append: true });
 * const { table, k, tags } = await loadRunJudgments([dir]);
 * assert(k === 1 && table.numRows() === 10 && tags.includes("condition"));
 * const safe = table.filter((d: { answer_verdict: string }) => d.answer_verdict === "Safe").array("id");
 * assert.deepEqual(safe, ["q0", "q1", "q2", "q9"]); // `**Safe**` normalised
 * ```
 */
export async function loadRunJudgments(dirs: string[], judge?: string): Promise<RunJudgments> {
  if (!dirs.length) throw new BsaError("no run folder given");
  const manifests: RunManifest[] = [];
  const tags = new Set<string>();
  for (const d of dirs) {
    const m = await readManifest(d);
    manifests.push(m);
    Object.keys(m.tags ?? {}).forEach((t) => tags.add(t));
  }
  const ks = new Set(manifests.map((m) => m.k));
  if (ks.size > 1) throw new BsaError(`runs have different k (${[...ks].join(", ")}); score them separately`);
  const cols: Record<string, unknown[]> = {
    model: [],
    run: [],
    id: [],
    scenario: [],
    sample: [],
    answer_verdict: [],
    reasoning_verdict: [],
  };
  for (const t of tags) cols[t] = [];
  const warnings: string[] = [];
  for (const [i, d] of dirs.entries()) {
    const m = manifests[i];
    let n = 0;
    for await (const r of readLatest<JudgmentRecord>(runFiles(d, judge).judgments, { warnings })) {
      cols.model.push(m.model);
      cols.run.push(d);
      cols.id.push(r.id);
      cols.scenario.push(r.scenario);
      cols.sample.push(r.sample);
      cols.answer_verdict.push(normalizeVerdict(r.answer_verdict, "answer"));
      cols.reasoning_verdict.push(normalizeVerdict(r.reasoning_verdict, r.scenario));
      for (const t of tags) cols[t].push(m.tags?.[t] ?? null);
      n++;
    }
    if (n === 0) throw noJudgmentsError(d, judge);
  }
  return { table: aq.table(cols), k: [...ks][0], manifests, tags: [...tags], warnings };
}
