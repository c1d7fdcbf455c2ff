import { BsaError } from "../errors.ts";

/** Generation parameters a study can set at any level (defaults, model, condition, grid). */
export interface StudyParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
  max_tokens?: number;
  seed?: number;
  safety_rules?: boolean;
  extra_body?: Record<string, unknown>;
  concurrency?: number;
}

/** A study file: models × conditions × a parameter grid, each cell one run. */
export interface StudyFile {
  name: string;
  description?: string;
  /** Samples per question. */
  k: number;
  /** Folder the runs go into, one sub-folder per run. */
  out: string;
  endpoint?: { base_url?: string[]; api_key_env?: string };
  judge?: { base_url?: string[]; model?: string; api_key_env?: string; concurrency?: number };
  defaults?: StudyParams;
  models: ({ model: string; tags?: Record<string, string | number | boolean>; base_url?: string[] } & StudyParams)[];
  conditions?: ({ tags: Record<string, string | number | boolean> } & StudyParams)[];
  /** Each key is a parameter of {@linkcode StudyParams}; every combination becomes a run and a tag column. */
  grid?: Partial<Record<"temperature" | "top_p" | "top_k" | "max_tokens" | "seed", number[]>>;
  /** Question subset for quick studies. */
  limit?: number;
}

/** One run of an expanded study. */
export interface StudyRun {
  dir: string;
  model: string;
  baseUrls: string[] | undefined;
  params: StudyParams;
  tags: Record<string, string | number | boolean>;
}

const PARAM_KEYS = ["temperature", "top_p", "top_k", "max_tokens", "seed", "safety_rules", "extra_body", "concurrency"];

function _params(o: object): StudyParams {
  const out: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as StudyParams;
}

function _slug(v: unknown): string {
  return String(v).replace(/[^A-Za-z0-9._-]+/g, "-");
}

/**
 * Check a parsed study file, naming the field at fault.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateStudy } from "./study.ts";
 * assert.throws(() => validateStudy({ name: "s", k: 0, out: "runs", models: [] }, "s.json"), /s.json: 'k'/);
 * ```
 */
export function validateStudy(raw: unknown, source: string): StudyFile {
  const s = raw as StudyFile;
  const fail = (field: string, what: string) => {
    throw new BsaError(`${source}: '${field}' ${what}`);
  };
  if (!s || typeof s !== "object") throw new BsaError(`${source}: not a JSON object`);
  if (typeof s.name !== "string" || !s.name) fail("name", "must be a non-empty string");
  if (!Number.isInteger(s.k) || s.k < 1) fail("k", "must be a positive integer");
  if (typeof s.out !== "string" || !s.out) fail("out", "must be a folder path");
  if (!Array.isArray(s.models) || !s.models.length) fail("models", "must be a non-empty list");
  s.models.forEach((m, i) => {
    if (!m || typeof m.model !== "string" || !m.model) fail(`models[${i}].model`, "must be a model name");
  });
  (s.conditions ?? []).forEach((c, i) => {
    if (!c || typeof c.tags !== "object" || !Object.keys(c.tags).length) {
      fail(`conditions[${i}].tags`, 'must name the condition, e.g. {"condition": "rules"}');
    }
  });
  for (const [k, v] of Object.entries(s.grid ?? {})) {
    if (!["temperature", "top_p", "top_k", "max_tokens", "seed"].includes(k)) {
      fail(`grid.${k}`, "is not a grid parameter (temperature, top_p, top_k, max_tokens, seed)");
    }
    if (!Array.isArray(v) || !v.length || v.some((x) => typeof x !== "number")) {
      fail(`grid.${k}`, "must be a non-empty list of numbers");
    }
  }
  if (s.limit !== undefined && (!Number.isInteger(s.limit) || s.limit < 1)) fail("limit", "must be a positive integer");
  return s;
}

/**
 * Expand a study into its runs: models × conditions × grid. Parameters layer as
 * defaults < model < condition < grid; tags (the condition columns of the score table)
 * are the model's tags, the condition's tags and the grid values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { expandStudy } from "./study.ts";
 * const runs = expandStudy({
 *   name: "decoding", k: 5, out: "runs/decoding",
 *   models: [{ model: "Qwen3-32B" }], grid: { temperature: [0.4, 0.6], top_k: [1, 20] },
 * });
 * assert(runs.length === 4);
 * assert(runs[0].dir === "runs/decoding/Qwen3-32B__temperature-0.4__top_k-1");
 * assert(runs[3].tags.top_k === 20 && runs[3].params.temperature === 0.6);
 * ```
 */
export function expandStudy(study: StudyFile): StudyRun[] {
  const grid = Object.entries(study.grid ?? {}) as [string, number[]][];
  const cells: Record<string, number>[] = grid.reduce<Record<string, number>[]>(
    (acc, [key, values]) => acc.flatMap((cell) => values.map((v) => ({ ...cell, [key]: v }))),
    [{}],
  );
  const conditions = study.conditions?.length ? study.conditions : [{ tags: {} }];
  const runs: StudyRun[] = [];
  for (const m of study.models) {
    for (const c of conditions) {
      for (const cell of cells) {
        const tags = { ...(m.tags ?? {}), ...c.tags, ...cell };
        const suffix = [...Object.entries(c.tags), ...Object.entries(cell)].map(([k, v]) => `__${_slug(k)}-${_slug(v)}`)
          .join("");
        runs.push({
          dir: `${study.out.replace(/\/$/, "")}/${_slug(m.model)}${suffix}`,
          model: m.model,
          baseUrls: m.base_url,
          params: { ...study.defaults, ..._params(m), ..._params(c), ...cell },
          tags,
        });
      }
    }
  }
  const dirs = new Set(runs.map((r) => r.dir));
  if (dirs.size !== runs.length) {
    throw new BsaError(
      `study ${study.name}: two runs would share a folder; give the models or conditions distinct names`,
    );
  }
  return runs;
}
