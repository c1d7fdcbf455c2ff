/**
 * An inspect_ai eval log of BSA questions as a run folder, ready for `bsa judge`: each sample
 * is matched to a dataset question (by its id, else by its input text), its output becomes a
 * generation record (reasoning from inspect's reasoning content, or `<think>` tags), and its
 * BSA verdict scores, when it has them, the judgments of a judge label of their own.
 * @module
 */
import type { Dataset } from "../dataset/load.ts";
import { BsaError } from "../errors.ts";
import { sha256Hex } from "../hash.ts";
import { FAILED, INVALID, normalizeVerdict } from "../metrics/verdicts.ts";
import { type ReasoningSource, splitReasoning } from "../pipeline/reasoning.ts";
import {
  type GenerationRecord,
  type JudgmentRecord,
  newManifest,
  type RunManifest,
  writeRunFolder,
} from "../store/mod.ts";
import { ANSWER_SCORER, REASONING_SCORER } from "./inspect_export.ts";
import { messageText, parseInspectLog } from "./inspect_files.ts";
import type { InspectLog, InspectMessage, InspectSample, InspectScore } from "./inspect_types.ts";

/** Options of {@linkcode importInspectLog}. */
export interface InspectImportOptions {
  /** The dataset whose questions the samples must be. */
  dataset: Dataset;
  /** The judge label the log's verdict scores are written under (default `inspect`). */
  label?: string;
}

/** What an import wrote. */
export interface InspectImport {
  /** The run folder written. */
  out: string;
  model: string;
  k: number;
  samples: number;
  questions: number;
  /** How many samples were matched to their question by id, and how many by input text. */
  matchedBy: { id: number; text: number };
  /** Generation outcomes of the samples. */
  outcomes: Record<"ok" | "no_reasoning" | "truncated" | "failed", number>;
  /** The verdict scores imported: the label and the samples judged; null when the log has none. */
  verdicts: { label: string; samples: number } | null;
  /** Scorers of the log that hold no BSA verdicts (left out). */
  otherScorers: string[];
  warnings: string[];
}

// More samples per question than any BSA run takes: a log's claim beyond it is not believed.
const MAX_EPOCHS = 1000;

const _SOURCES: readonly ReasoningSource[] = ["reasoning_content", "reasoning", "think_tag", "unterminated_think"];

/**
 * Read an inspect log (`.json` or `.eval`) of BSA questions into a new run folder. A log of
 * another task is refused with an error that names what it lacks, before anything is written;
 * the folder is written whole or not at all.
 *
 * @param path The log file.
 * @param out The run folder to create (absent or empty).
 * @param options The dataset, and the label for the log's verdicts.
 * @returns What was imported.
 * @throws {BsaError} The file is not an inspect log, holds no samples, or holds samples that are not BSA questions; `out` holds files.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "../dataset/load.ts";
 * import { importInspectLog } from "./inspect_import.ts";
 * const dataset = await loadDataset(); // BSA_DATASET
 * const [id, query] = [dataset.questions.get("id", 0) as string, dataset.questions.get("query", 0) as string];
 * const answer = { role: "assistant", content: [{ type: "reasoning", reasoning: "It insults.", redacted: false }, { type: "text", text: "Be kind." }] };
 * const sample = { id: 7, epoch: 1, input: query, target: "", messages: [answer], metadata: {},
 *   output: { model: "m", choices: [{ message: answer, stop_reason: "stop" }], completion: "Be kind." } };
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/log.json`, JSON.stringify({ version: 2, status: "success", eval: { task: "mine", model: "m" }, samples: [sample] }));
 * const r = await importInspectLog(`${dir}/log.json`, `${dir}/run`, { dataset });
 * assert(r.matchedBy.text === 1 && r.outcomes.ok === 1 && r.verdicts === null);
 * const g = JSON.parse(await Deno.readTextFile(`${dir}/run/generations.jsonl`));
 * assert(g.id === id && g.reasoning === "It insults." && g.answer === "Be kind.");
 * ```
 */
export async function importInspectLog(
  path: string,
  out: string,
  options: InspectImportOptions,
): Promise<InspectImport> {
  const label = options.label ?? "inspect";
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new BsaError(`cannot read ${path}: ${(err as Error).message}`);
  }
  const log = parseInspectLog(path, bytes);
  const task = typeof log.eval.task === "string" ? log.eval.task : "(none)";
  const samples = log.samples ?? [];
  if (!samples.length) {
    throw new BsaError(
      `${path} holds no samples (task ${task}, status ${log.status}): a run needs the samples' answers (log it with samples, or pass the .eval file that holds them)`,
    );
  }
  const { dataset } = options;
  const matched = _match(path, task, samples, dataset);
  // k: the epochs the log was run with (a cancelled log may lack some), at least the epochs it holds.
  const epochs = log.eval.config?.epochs;
  const k = Math.max(
    ...samples.map((s) => s.epoch),
    Number.isInteger(epochs) && (epochs as number) <= MAX_EPOCHS ? epochs as number : 0,
  );
  if (k > MAX_EPOCHS) {
    throw new BsaError(`${path}: epoch ${k} is beyond ${MAX_EPOCHS}, not a run of samples per question`);
  }
  const model = typeof log.eval.model === "string" && log.eval.model ? log.eval.model : "unknown";
  const generations: GenerationRecord[] = [];
  const judgments: JudgmentRecord[] = [];
  const outcomes = { ok: 0, no_reasoning: 0, truncated: 0, failed: 0 };
  const otherScorers = new Set<string>();
  let withoutVerdicts = 0;
  for (const [i, s] of samples.entries()) {
    const q = matched.questions[i];
    const g = _generation(s, q.id, q.scenario);
    generations.push(g);
    outcomes[g.outcome!]++;
    for (const name of Object.keys(s.scores ?? {})) {
      if (name !== ANSWER_SCORER && name !== REASONING_SCORER) otherScorers.add(name);
    }
    const j = _judgment(s.scores ?? {}, g);
    if (j) judgments.push(j);
    else withoutVerdicts++;
  }
  const order = new Map((dataset.questions.array("id") as string[]).map((id, i) => [id, i]));
  const ids = [...new Set(generations.map((g) => g.id))].sort((a, b) => order.get(a)! - order.get(b)!);
  const manifest = await _manifest(log, path, { model, k, ids, dataset, generations });
  const warnings: string[] = [];
  if (judgments.length) {
    manifest.judges = { [label]: _judgeRecord(log, path, judgments) };
    if (withoutVerdicts) {
      warnings.push(
        `${withoutVerdicts} of ${samples.length} samples carry no BSA verdicts and are not judged by ${label}`,
      );
    }
  }
  const missing = ids.length * k - samples.length;
  if (missing > 0) {
    warnings.push(`${missing} of ${ids.length * k} samples (${ids.length} questions × k=${k}) are not in the log`);
  }
  await writeRunFolder(out, { manifest, generations, judgments: judgments.length ? { [label]: judgments } : {} });
  return {
    out,
    model,
    k,
    samples: samples.length,
    questions: ids.length,
    matchedBy: matched.by,
    outcomes,
    verdicts: judgments.length ? { label, samples: judgments.length } : null,
    otherScorers: [...otherScorers].sort(),
    warnings,
  };
}

interface _Matched {
  questions: { id: string; scenario: string }[];
  by: { id: number; text: number };
}

function _match(path: string, task: string, samples: InspectSample[], dataset: Dataset): _Matched {
  const byId = new Map<string, { id: string; scenario: string }>();
  const byText = new Map<string, { id: string; scenario: string } | null>();
  for (const q of dataset.questions.objects() as { id: string; query: string; scenario: string }[]) {
    byId.set(q.id, { id: q.id, scenario: q.scenario });
    const key = q.query.trim();
    // A text two questions share cannot tell them apart.
    byText.set(key, byText.has(key) ? null : { id: q.id, scenario: q.scenario });
  }
  const questions: { id: string; scenario: string }[] = [];
  const by = { id: 0, text: 0 };
  const unmatched: string[] = [];
  const seen = new Map<string, string | number>();
  for (const [i, s] of samples.entries()) {
    if (!s || typeof s !== "object" || Array.isArray(s)) {
      throw new BsaError(`${path}: sample ${i + 1} of ${samples.length} is not an object (an EvalSample)`);
    }
    if (!Number.isInteger(s.epoch) || s.epoch < 1) {
      throw new BsaError(`${path}: sample ${s.id} has epoch ${JSON.stringify(s.epoch)}, not an integer >= 1`);
    }
    let q = byId.get(String(s.id));
    if (q) by.id++;
    else {
      q = byText.get(_userText(s).trim()) ?? undefined;
      if (q) by.text++;
    }
    if (!q) {
      unmatched.push(String(s.id));
      continue;
    }
    const key = `${q.id} epoch ${s.epoch}`;
    if (seen.has(key)) {
      throw new BsaError(`${path}: samples ${seen.get(key)} and ${s.id} are both question ${q.id}, epoch ${s.epoch}`);
    }
    seen.set(key, s.id);
    questions.push(q);
  }
  if (unmatched.length) {
    const list = unmatched.slice(0, 5).join(", ") + (unmatched.length > 5 ? ", ..." : "");
    throw new BsaError(
      `${path} is not a log of BSA questions (task ${task}): ${unmatched.length} of ${samples.length} samples (id ${list}) have neither the id nor the input text of a question of the dataset ${dataset.source}`,
    );
  }
  return { questions, by };
}

// The question a sample asked: its input's last user message (or the input string).
function _userText(s: InspectSample): string {
  if (typeof s.input === "string") return s.input;
  if (!Array.isArray(s.input)) return "";
  const user = s.input.filter((m) => m?.role === "user").at(-1);
  return user ? messageText(user) : "";
}

function _systemText(s: InspectSample): string | null {
  const all = [...(Array.isArray(s.input) ? s.input : []), ...(Array.isArray(s.messages) ? s.messages : [])];
  const system = all.find((m) => m?.role === "system");
  return system ? messageText(system) : null;
}

const _FINISH: Record<string, string | null> = {
  stop: "stop",
  max_tokens: "length",
  model_length: "length",
  content_filter: "content_filter",
  tool_calls: "tool_calls",
  unknown: null,
};

function _generation(s: InspectSample, id: string, scenario: string): GenerationRecord {
  const choice = Array.isArray(s.output?.choices) ? s.output.choices[0] : undefined;
  const message: InspectMessage | undefined = choice?.message ??
    (Array.isArray(s.messages) ? s.messages.filter((m) => m?.role === "assistant").at(-1) : undefined);
  const items = (message && Array.isArray(message.content) ? message.content : []) as Record<string, unknown>[];
  const reasoning = items.filter((c) => c?.type === "reasoning" && !c.redacted && typeof c.reasoning === "string")
    .map((c) => c.reasoning as string).join("\n\n");
  const split = splitReasoning({ content: message ? messageText(message) : "", reasoning_content: reasoning || null });
  const recorded = message?.metadata?.reasoning_source as ReasoningSource | undefined;
  const source = split.source === "reasoning_content" && recorded && _SOURCES.includes(recorded)
    ? recorded
    : split.source;
  const usage = s.output?.usage;
  const finish = choice ? _FINISH[choice.stop_reason] ?? null : null;
  const error = s.error?.message ?? (typeof s.output?.error === "string" ? s.output.error : undefined);
  const outcome = error !== undefined || finish === "content_filter"
    ? "failed"
    : finish === "length"
    ? "truncated"
    : split.reasoning === null
    ? "no_reasoning"
    : "ok";
  return {
    id,
    sample: s.epoch - 1,
    scenario,
    answer: split.answer,
    reasoning: split.reasoning,
    reasoning_source: source,
    finish_reason: finish,
    prompt_tokens: Number.isInteger(usage?.input_tokens) ? usage!.input_tokens : 0,
    completion_tokens: Number.isInteger(usage?.output_tokens) ? usage!.output_tokens : 0,
    outcome,
    ...(outcome === "failed" && {
      error: String(error ?? "the provider's content filter stopped the reply (finish_reason content_filter)").slice(
        0,
        500,
      ),
    }),
  };
}

// A sample's BSA verdicts, when it has both verdict scores with text values.
function _judgment(scores: Record<string, InspectScore>, g: GenerationRecord): JudgmentRecord | null {
  const a = scores[ANSWER_SCORER], r = scores[REASONING_SCORER];
  if (typeof a?.value !== "string" || typeof r?.value !== "string") return null;
  const answer = normalizeVerdict(a.value, "answer");
  const reasoning = normalizeVerdict(r.value, g.scenario);
  const meta = (a.metadata ?? {}) as Record<string, unknown>;
  const tokens = meta.judge_tokens as { prompt?: unknown; completion?: unknown } | undefined;
  const failedBy = meta.failed_by === "model" || meta.failed_by === "judge" ? meta.failed_by : undefined;
  const text = (s: InspectScore) => (typeof s.explanation === "string" ? s.explanation : undefined);
  return {
    id: g.id,
    sample: g.sample,
    scenario: g.scenario,
    answer_verdict: answer,
    reasoning_verdict: reasoning,
    ...(answer === INVALID && text(a) !== undefined && { answer_raw: text(a) }),
    ...(reasoning === INVALID && text(r) !== undefined && { reasoning_raw: text(r) }),
    ...(answer === FAILED && {
      failed_by: failedBy ?? (g.outcome === "failed" ? "model" : "judge"),
      error: text(a) ?? g.error ?? "failed",
    }),
    ...(Number.isInteger(tokens?.prompt) && {
      prompt_tokens: tokens!.prompt as number,
      completion_tokens: Number.isInteger(tokens!.completion) ? tokens!.completion as number : 0,
    }),
  };
}

function _bsaMeta(log: InspectLog): Record<string, unknown> {
  const bsa = (log.eval.metadata as Record<string, unknown> | null | undefined)?.bsa;
  return bsa && typeof bsa === "object" && !Array.isArray(bsa) ? bsa as Record<string, unknown> : {};
}

async function _manifest(
  log: InspectLog,
  path: string,
  o: { model: string; k: number; ids: string[]; dataset: Dataset; generations: GenerationRecord[] },
): Promise<RunManifest> {
  const bsa = _bsaMeta(log);
  const config = (log.eval.model_generate_config ?? {}) as Record<string, unknown>;
  const params: RunManifest["params"] = {};
  for (const key of ["temperature", "top_p", "top_k", "max_tokens", "seed"] as const) {
    if (typeof config[key] === "number") params[key] = config[key] as number;
  }
  if (config.extra_body && typeof config.extra_body === "object") {
    params.extra_body = config.extra_body as Record<string, unknown>;
  }
  const first = (log.samples ?? [])[0];
  const system = first ? _systemText(first) : null;
  const recorded = (bsa.params as RunManifest["params"] | undefined)?.system_prompt;
  params.system_prompt = system === null
    ? null
    : recorded && typeof recorded.name === "string" && typeof recorded.sha256 === "string"
    ? { name: recorded.name, sha256: recorded.sha256 }
    : { name: `the system message of ${path}`, sha256: await sha256Hex(system) };
  const name = path.split("/").at(-1);
  const manifest = newManifest({
    model: o.model,
    endpoints: typeof log.eval.model_base_url === "string" ? [log.eval.model_base_url] : [],
    k: o.k,
    dataset: { source: o.dataset.source, sha256: o.dataset.sha256, pinned: o.dataset.pinned },
    subset: { ids: o.ids, description: `imported from the inspect log ${name} (${o.ids.length} questions)` },
    params,
    tags: _tags(log, bsa),
  });
  const sum = (f: "prompt_tokens" | "completion_tokens") => o.generations.reduce((n, g) => n + g[f], 0);
  return {
    ...manifest,
    started: typeof log.eval.created === "string" ? log.eval.created : manifest.started,
    finished: typeof log.stats?.completed_at === "string" && log.stats.completed_at ? log.stats.completed_at : null,
    tokens: { prompt: sum("prompt_tokens"), completion: sum("completion_tokens") },
  };
}

// The run's tags: those bsa recorded, else the log's `key=value` tags.
function _tags(log: InspectLog, bsa: Record<string, unknown>): RunManifest["tags"] {
  const out: RunManifest["tags"] = {};
  const recorded = bsa.tags;
  if (recorded && typeof recorded === "object" && !Array.isArray(recorded)) {
    for (const [k, v] of Object.entries(recorded)) {
      if (["string", "number", "boolean"].includes(typeof v)) out[k] = v as string | number | boolean;
    }
    return out;
  }
  for (const t of Array.isArray(log.tags) ? log.tags : []) {
    const m = typeof t === "string" ? /^([^=]+)=(.*)$/.exec(t) : null;
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function _judgeRecord(log: InspectLog, path: string, judgments: JudgmentRecord[]) {
  const recorded = (_bsaMeta(log).judge ?? {}) as Partial<NonNullable<RunManifest["judge"]>>;
  const role = log.eval.model_roles?.judge;
  const scorer = log.eval.scorers?.find((s) => s?.name === ANSWER_SCORER)?.metadata as { judge?: unknown } | undefined;
  const model = role?.model ?? recorded.model ?? (typeof scorer?.judge === "string" ? scorer.judge : null);
  const prompts = recorded.prompts && typeof recorded.prompts.source === "string"
    ? recorded.prompts
    : { source: `the scorers of ${path}`, sha256: { answer: "", reasoning: "" } };
  const sum = (f: "prompt_tokens" | "completion_tokens") => judgments.reduce((n, j) => n + (j[f] ?? 0), 0);
  return {
    model: typeof model === "string" ? model : `unknown (the scorers of ${path})`,
    endpoints: Array.isArray(recorded.endpoints) ? recorded.endpoints.filter((e) => typeof e === "string") : [],
    prompts,
    ...(recorded.params && typeof recorded.params === "object" && { params: recorded.params }),
    started: typeof recorded.started === "string" ? recorded.started : new Date().toISOString(),
    finished: typeof recorded.finished === "string" ? recorded.finished : new Date().toISOString(),
    tokens: { prompt: sum("prompt_tokens"), completion: sum("completion_tokens") },
  };
}
