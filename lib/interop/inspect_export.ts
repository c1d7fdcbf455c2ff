/**
 * A judged run as an inspect_ai eval log (`EvalLog` of inspect's OpenAPI document): one sample
 * per question and sample (epoch = sample + 1), the judge's verdicts as its scores, and the BSA
 * metrics of `scoreRuns`, with their bootstrap intervals, as its results.
 * @module
 */
import { resolve } from "node:path";
import { scoreRuns } from "../analysis/score_runs.ts";
import type { Dataset } from "../dataset/load.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import { BsaError } from "../errors.ts";
import { sha256Hex } from "../hash.ts";
import { METRICS } from "../metrics/names.ts";
import { normalizeVerdict } from "../metrics/verdicts.ts";
import type { BootstrapOptions } from "../stats/bootstrap.ts";
import {
  type GenerationRecord,
  type JudgmentRecord,
  readRunRecords,
  type RunManifest,
  sampleKey,
} from "../store/mod.ts";
import type {
  InspectChoice,
  InspectEvalScore,
  InspectLog,
  InspectMessage,
  InspectMetric,
  InspectReductions,
  InspectSample,
  InspectScore,
  InspectUsage,
} from "./inspect_types.ts";

/** The inspect task name of a BSA log, and the scorers of its verdicts. */
export const BSA_TASK = "bsa";
/** The scorer holding the judge's answer-safety verdict (`Safe`, `Unsafe`, or a sentinel). */
export const ANSWER_SCORER = "bsa_answer";
/** The scorer holding the judge's reasoning verdict (the scenario's rubric, or a sentinel). */
export const REASONING_SCORER = "bsa_reasoning";

/** Options of {@linkcode inspectLogOfRun}. */
export interface InspectExportOptions {
  /** The dataset the run was generated from (its checksum must be the run's): questions, risk summaries, categories. */
  dataset: Dataset;
  /** A labelled judge's verdicts (`judgments-<judge>.jsonl`) instead of the default judge's. */
  judge?: string;
  /** The text of the run's system prompt (see `runSystemPrompt`), or null when it used none. */
  systemPrompt: string | null;
  /** The intervals, as `bsa score --ci` takes them (default: level 0.95, 2,000 replicates, seed 0). */
  ci?: BootstrapOptions;
}

/** An exported log and what its reader should know. */
export interface InspectExport {
  log: InspectLog;
  /** Samples without a judgment, scoring warnings (partial runs, a line cut short). */
  warnings: string[];
}

interface _Question {
  index: number;
  query: string;
  risk_summary: string;
  scenario: string;
  categories: string[];
  subcategories: string[];
}

/**
 * Build the inspect eval log of a judged run.
 *
 * @param dir The run folder.
 * @param options The dataset, the judge's label, the system prompt's text, the intervals.
 * @returns The log (samples included) and warnings.
 * @throws {BsaError} The run is not judged (by that judge), was generated from another dataset, or names a question the dataset lacks.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { newManifest, writeManifest } from "../store/mod.ts";
 * import { inspectLogOfRun } from "./inspect_export.ts";
 * const dataset = await loadDataset(); // BSA_DATASET
 * const id = dataset.questions.get("id", 0) as string;
 * const dir = await Deno.makeTempDir();
 * const ds = { source: dataset.source, sha256: dataset.sha256, pinned: dataset.pinned };
 * await writeManifest(dir, newManifest({ model: "m", endpoints: [], k: 1, dataset: ds, subset: { ids: [id], description: "" }, params: {}, tags: { condition: "rules" } }));
 * await Deno.writeTextFile(`${dir}/generations.jsonl`, JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer: "Be kind.",
 *   reasoning: "It insults.", reasoning_source: "reasoning_content", finish_reason: "stop", prompt_tokens: 5, completion_tokens: 3, outcome: "ok" }) + "\n");
 * await Deno.writeTextFile(`${dir}/judgments.jsonl`, JSON.stringify({ id, sample: 0, scenario: "Risk Omission", answer_verdict: "Safe", reasoning_verdict: "True" }) + "\n");
 * const { log } = await inspectLogOfRun(dir, { dataset, systemPrompt: null });
 * const [sample] = log.samples!;
 * assert(log.eval.task === "bsa" && sample.id === id && sample.epoch === 1 && sample.scores!.bsa_answer.value === "Safe");
 * assert.deepEqual(sample.messages.at(-1)!.content, [{ type: "reasoning", reasoning: "It insults.", redacted: false }, { type: "text", text: "Be kind." }]);
 * assert(log.results!.scores[0].metrics["Safe@1"].value === 100 && log.tags.includes("condition=rules"));
 * ```
 */
export async function inspectLogOfRun(dir: string, options: InspectExportOptions): Promise<InspectExport> {
  const { dataset, judge } = options;
  const run = await readRunRecords(dir, judge);
  const m = run.manifest;
  if (m.dataset.sha256 !== dataset.sha256) {
    throw new BsaError(
      `${dir} was generated from a dataset with checksum sha256 ${m.dataset.sha256} (${m.dataset.source}); ${dataset.source} has sha256 ${dataset.sha256}`,
    );
  }
  // The one scoring path: the numbers `bsa score --run DIR --ci` prints.
  const ci = options.ci ?? {};
  const scored = await scoreRuns([dir], { judge, ci });
  const questions = _questions(dataset);
  const warnings = [...run.warnings];
  const unjudged = run.generations.filter((g) => !run.judgments.has(sampleKey(g))).length;
  if (unjudged) {
    warnings.push(
      `${unjudged} of ${run.generations.length} samples have no judgment yet: they are exported without scores`,
    );
  }
  const missing = run.generations.find((g) => !questions.has(g.id));
  if (missing) throw new BsaError(`${dir}: question ${missing.id} is not in the dataset ${dataset.source}`);
  const generations = [...run.generations].sort((a, b) =>
    questions.get(a.id)!.index - questions.get(b.id)!.index || a.sample - b.sample
  );
  const ids = await _ids(dir, m);
  const judgeRecord = judge ? m.judges?.[judge] : m.judge;
  const samples = generations.map((g) =>
    _sample(g, run.judgments.get(sampleKey(g)), questions.get(g.id)!, m, options.systemPrompt, judge)
  );
  const row = scored.table.objects()[0] as Record<string, number | null>;
  const info = scored.intervals!;
  const questionIds = [...new Set(generations.map((g) => g.id))];
  const expected = (m.subset.ids?.length ?? dataset.questions.numRows()) * m.k;
  const scoredSamples = samples.filter((s) => s.scores).length;
  const usage = _usage(m.tokens.prompt, m.tokens.completion);
  const log: InspectLog = {
    version: 2,
    status: generations.length >= expected ? "success" : "cancelled",
    eval: {
      eval_id: ids.eval,
      run_id: ids.run,
      created: m.started,
      task: BSA_TASK,
      task_id: ids.task,
      task_version: 0,
      task_display_name: "Beyond Safe Answers",
      task_attribs: {},
      task_args: {},
      task_args_passed: {},
      dataset: {
        name: "Beyond Safe Answers",
        location: m.dataset.source,
        samples: dataset.questions.numRows(),
        sample_ids: questionIds,
        shuffled: false,
      },
      model: m.model,
      model_base_url: m.endpoints[0] ?? null,
      model_generate_config: _generateConfig(m.params),
      model_args: {},
      model_roles: judgeRecord
        ? {
          judge: {
            model: judgeRecord.model,
            config: _generateConfig(judgeRecord.params ?? {}),
            args: {},
            ...(judgeRecord.endpoints[0] && { base_url: judgeRecord.endpoints[0] }),
          },
        }
        : null,
      config: { epochs: m.k, epochs_reducer: ["mean"], limit: m.subset.ids?.length ?? null },
      packages: { "bsa-lab": m.toolkit_version },
      scorers: [ANSWER_SCORER, REASONING_SCORER].map((name) => ({
        name,
        options: {},
        metrics: [],
        metadata: { judge: judgeRecord?.model ?? null, label: judge ?? null },
      })),
      tags: _tags(m.tags),
      metadata: {
        bsa: {
          dataset: m.dataset,
          subset: m.subset,
          params: m.params,
          tags: m.tags,
          k: m.k,
          judge_label: judge ?? null,
          judge: judgeRecord ?? null,
          started: m.started,
          finished: m.finished,
        },
      },
    },
    plan: {
      name: "plan",
      steps: [
        ...(options.systemPrompt !== null
          ? [{
            solver: "system_message",
            params: { template: options.systemPrompt },
            params_passed: { template: options.systemPrompt },
          }]
          : []),
        { solver: "generate", params: {}, params_passed: {} },
      ],
      config: _generateConfig(m.params),
    },
    results: {
      total_samples: expected,
      completed_samples: scoredSamples,
      scores: _resultScores(row, info, { k: m.k, alpha: scored.alpha, judge: judge ?? null }),
      metadata: { warnings: scored.warnings },
    },
    stats: {
      started_at: m.started,
      completed_at: m.finished ?? "",
      model_usage: { [m.model]: usage },
      role_usage: judgeRecord ? { judge: _usage(judgeRecord.tokens.prompt, judgeRecord.tokens.completion) } : {},
      connection_limit_history: [],
    },
    invalidated: false,
    tags: _tags(m.tags),
    metadata: {},
    samples,
    reductions: _reductions(scored.questionTable.objects() as Record<string, unknown>[]),
  };
  return { log, warnings: [...warnings, ...scored.warnings] };
}

function _questions(dataset: Dataset): Map<string, _Question> {
  const out = new Map<string, _Question>();
  (dataset.questions.objects() as Record<string, string>[]).forEach((q, index) => {
    out.set(q.id, {
      index,
      query: q.query,
      risk_summary: q.risk_summary,
      scenario: q.scenario,
      categories: [],
      subcategories: [],
    });
  });
  for (const r of dataset.risks.objects() as Record<string, string>[]) {
    const q = out.get(r.id)!;
    if (!q.categories.includes(r.category)) q.categories.push(r.category);
    if (!q.subcategories.includes(r.subcategory)) q.subcategories.push(r.subcategory);
  }
  return out;
}

// inspect's ids are 22 characters of the shortuuid alphabet; these are drawn from the run's
// folder (absolute) and start time, so exporting a run twice gives the same ids.
async function _ids(dir: string, m: RunManifest): Promise<{ eval: string; run: string; task: string }> {
  const id = async (what: string) => {
    const hex = await sha256Hex(`${what}\u0000${resolve(dir)}\u0000${m.started}\u0000${m.model}`);
    const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let n = BigInt(`0x${hex}`);
    let s = "";
    while (s.length < 22) {
      s += alphabet[Number(n % 57n)];
      n /= 57n;
    }
    return s;
  };
  return { eval: await id("eval"), run: await id("run"), task: await id("task") };
}

function _generateConfig(p: RunManifest["params"] | Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ["temperature", "top_p", "top_k", "max_tokens", "seed", "extra_body"]) {
    const v = (p as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function _tags(tags: RunManifest["tags"]): string[] {
  return Object.entries(tags ?? {}).map(([k, v]) => `${k}=${v}`);
}

function _usage(input: number, output: number): InspectUsage {
  return { input_tokens: input, output_tokens: output, total_tokens: input + output };
}

const _STOP: Record<string, InspectChoice["stop_reason"]> = {
  stop: "stop",
  length: "max_tokens",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
};

function _sample(
  g: GenerationRecord,
  j: JudgmentRecord | undefined,
  q: _Question,
  m: RunManifest,
  systemPrompt: string | null,
  label: string | undefined,
): InspectSample {
  const user: InspectMessage = { role: "user", content: q.query, source: "input" };
  const system: InspectMessage[] = systemPrompt !== null ? [{ role: "system", content: systemPrompt }] : [];
  const replied = g.finish_reason !== null;
  const assistant: InspectMessage = {
    role: "assistant",
    content: g.reasoning !== null
      ? [{ type: "reasoning", reasoning: g.reasoning, redacted: false }, { type: "text", text: g.answer }]
      : g.answer,
    source: "generate",
    model: m.model,
    metadata: { reasoning_source: g.reasoning_source },
  };
  const usage = _usage(g.prompt_tokens, g.completion_tokens);
  const failed = g.outcome === "failed";
  return {
    id: g.id,
    epoch: g.sample + 1,
    input: system.length ? [...system, user] : q.query,
    target: q.risk_summary,
    messages: [...system, user, ...(replied ? [assistant] : [])],
    output: {
      model: m.model,
      choices: replied ? [{ message: assistant, stop_reason: _STOP[g.finish_reason!] ?? "unknown" }] : [],
      completion: g.answer,
      usage,
      ...(failed && { error: g.error ?? "generation failed" }),
    },
    scores: j ? _scores(g, j, q.scenario, label) : null,
    metadata: {
      scenario: q.scenario,
      categories: q.categories,
      subcategories: q.subcategories,
      risk_summary: q.risk_summary,
      tags: m.tags,
      outcome: g.outcome ?? (g.reasoning === null ? "no_reasoning" : "ok"),
    },
    store: {},
    events: [],
    model_usage: { [m.model]: usage },
    role_usage: j?.prompt_tokens !== undefined ? { judge: _usage(j.prompt_tokens, j.completion_tokens ?? 0) } : {},
    attachments: {},
    ...(failed && { error: { message: g.error ?? "generation failed", traceback: "", traceback_ansi: "" } }),
  };
}

function _scores(
  g: GenerationRecord,
  j: JudgmentRecord,
  scenario: string,
  label: string | undefined,
): Record<string, InspectScore> {
  const common = {
    label: label ?? null,
    ...(j.failed_by && { failed_by: j.failed_by }),
    ...(j.prompt_tokens !== undefined &&
      { judge_tokens: { prompt: j.prompt_tokens, completion: j.completion_tokens ?? 0 } }),
  };
  return {
    [ANSWER_SCORER]: {
      value: normalizeVerdict(j.answer_verdict, "answer"),
      answer: g.answer,
      explanation: j.answer_raw ?? j.error ?? null,
      metadata: common,
      history: [],
    },
    [REASONING_SCORER]: {
      // The reasoning itself is the reply's reasoning content: not copied here.
      value: normalizeVerdict(j.reasoning_verdict, scenario),
      explanation: j.reasoning_raw ?? j.error ?? null,
      metadata: { ...common, scenario, target: scenarioInfo(scenario)?.target ?? null },
      history: [],
    },
  };
}

function _resultScores(
  row: Record<string, number | null>,
  info: { method: string; level: number; replicates: number; seed: number },
  params: Record<string, unknown>,
): InspectEvalScore[] {
  const metric = (name: string): [string, InspectMetric][] =>
    typeof row[name] === "number" && Number.isFinite(row[name])
      ? [[name, { name, value: row[name]!, params: {} }]]
      : [];
  const absent = METRICS.filter((n) => !metric(n).length);
  const counts = { scored_samples: row.samples ?? null, unscored_samples: null };
  return [
    {
      name: "bsa",
      scorer: "bsa",
      reducer: null,
      ...counts,
      params,
      metrics: Object.fromEntries(METRICS.flatMap(metric)),
      metadata: {
        unit: "percent",
        questions: row.questions ?? null,
        ...(absent.length && { not_computable: absent }),
      },
    },
    {
      name: "bsa_ci",
      scorer: "bsa",
      reducer: null,
      ...counts,
      params: { ...params, ...info },
      metrics: Object.fromEntries(METRICS.flatMap((n) => [...metric(`${n}_lo`), ...metric(`${n}_hi`)])),
      metadata: { unit: "percent", interval: `${info.level * 100}% ${info.method}` },
    },
  ];
}

function _reductions(perQ: Record<string, unknown>[]): InspectReductions[] {
  const of = (column: string) =>
    perQ.map((r) => ({ value: r[column] as number, history: [], sample_id: r.id as string }));
  return [
    { scorer: ANSWER_SCORER, reducer: "mean", samples: of("safe1") },
    { scorer: REASONING_SCORER, reducer: "mean", samples: of("think1") },
  ];
}
