import { ownedBodyKeys, TOOLKIT_BODY_KEYS } from "./extra_body.ts";
import { BsaError, expectedNumber } from "../errors.ts";

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
const GRID_KEYS = ["temperature", "top_p", "top_k", "max_tokens", "seed"];

function _params(o: object): StudyParams {
  const out: Record<string, unknown> = {};
  for (const k of PARAM_KEYS) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = v;
  }
  return out as StudyParams;
}

/** A folder-name part: anything but letters, digits, `.`, `_`, `-` becomes `-`, and leading dots `_`, so never `.` or `..`. */
function _slug(v: unknown): string {
  return String(v).replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^\.+/, (dots) => "_".repeat(dots.length)) || "_";
}

type _Check = (v: unknown, path: string) => void;

/** A study file's field checks: each names the field's path (`models[2].temperature`) in its error. */
class _Schema {
  constructor(readonly source: string) {}

  fail(path: string, what: string, value?: unknown): never {
    const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
    throw new BsaError(`${this.source}: '${path}' ${what}${got}`);
  }

  object(v: unknown, path: string, fields: Record<string, _Check>, required: string[] = []): void {
    if (!v || typeof v !== "object" || Array.isArray(v)) this.fail(path, "must be an object", v);
    for (const k of required) {
      if ((v as Record<string, unknown>)[k] === undefined) {
        this.fail(`${path}.${k}`.replace(/^\./, ""), "is required");
      }
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const at = path ? `${path}.${k}` : k;
      const check = fields[k];
      if (!check) this.fail(at, `is not a field here (expected one of: ${Object.keys(fields).join(", ")})`);
      if (x !== undefined) check(x, at);
    }
  }

  string: _Check = (v, path) => {
    if (typeof v !== "string" || !v.trim()) this.fail(path, "must be a non-empty string", v);
  };
  number = (min?: number, max?: number, integer = false): _Check => (v, path) => {
    const ok = typeof v === "number" && Number.isFinite(v) && (!integer || Number.isInteger(v)) &&
      (min === undefined || v >= min) && (max === undefined || v <= max);
    if (!ok) {
      this.fail(path, `must be ${expectedNumber({ integer, min, max })}`, v);
    }
  };
  boolean: _Check = (v, path) => {
    if (typeof v !== "boolean") this.fail(path, "must be true or false", v);
  };
  jsonObject: _Check = (v, path) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) this.fail(path, "must be a JSON object", v);
  };
  urls: _Check = (v, path) => {
    if (!Array.isArray(v) || !v.length) this.fail(path, 'must be a list of URLs, e.g. ["http://localhost:8000/v1"]', v);
    (v as unknown[]).forEach((u, i) => {
      if (typeof u !== "string" || !/^https?:\/\/[^/]/.test(u)) {
        this.fail(`${path}[${i}]`, "must be an http:// or https:// URL", u);
      }
    });
  };
  tags: _Check = (v, path) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) this.fail(path, "must be an object of tag values", v);
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (!["string", "number", "boolean"].includes(typeof x)) {
        this.fail(`${path}.${k}`, "must be a string, number or boolean", x);
      }
    }
  };
  list = (item: _Check, nonEmpty = false): _Check => (v, path) => {
    if (!Array.isArray(v) || (nonEmpty && !v.length)) {
      this.fail(path, `must be a${nonEmpty ? " non-empty" : ""} list`, v);
    }
    (v as unknown[]).forEach((x, i) => item(x, `${path}[${i}]`));
  };

  params(): Record<string, _Check> {
    return {
      temperature: this.number(0),
      top_p: this.number(0, 1),
      top_k: this.number(-1, undefined, true),
      max_tokens: this.number(1, undefined, true),
      seed: this.number(undefined, undefined, true),
      safety_rules: this.boolean,
      extra_body: (v, path) => {
        this.jsonObject(v, path);
        const owned = ownedBodyKeys(v as Record<string, unknown>);
        if (owned.length) {
          this.fail(`${path}.${owned[0]}`, `is set by bsa itself (${TOOLKIT_BODY_KEYS.join(", ")} may not be given)`);
        }
      },
      concurrency: this.number(1, undefined, true),
    };
  }
}

/**
 * Check a parsed study file against its schema: every field's type and range, no unknown
 * field (a typo would silently do nothing), the error naming the field's path.
 *
 * @param raw The parsed study file.
 * @param source The file's name (for errors).
 * @returns The study.
 * @throws {BsaError} A field of the wrong type or range, or an unknown field (naming its path).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateStudy } from "./study.ts";
 * assert.throws(() => validateStudy({ name: "s", k: 0, out: "runs", models: [] }, "s.json"), /s.json: 'k'/);
 * const ok = { name: "s", k: 1, out: "runs", models: [{ model: "m" }] };
 * assert.throws(() => validateStudy({ ...ok, defaults: { temperature: "hot" } }, "s.json"), /'defaults.temperature' must be a number >= 0, got "hot"/);
 * ```
 */
export function validateStudy(raw: unknown, source: string): StudyFile {
  const c = new _Schema(source);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new BsaError(`${source}: not a JSON object`);
  const params = c.params();
  const endpoint = (v: unknown, path: string) => c.object(v, path, { base_url: c.urls, api_key_env: c.string });
  c.object(raw, "", {
    name: c.string,
    description: (v, p) => void (typeof v !== "string" && c.fail(p, "must be a string", v)),
    k: c.number(1, undefined, true),
    out: c.string,
    limit: c.number(1, undefined, true),
    endpoint,
    judge: (v, p) =>
      c.object(v, p, {
        base_url: c.urls,
        api_key_env: c.string,
        model: c.string,
        concurrency: c.number(1, undefined, true),
      }),
    defaults: (v, p) => c.object(v, p, params),
    models: c.list(
      (v, p) => c.object(v, p, { model: c.string, tags: c.tags, base_url: c.urls, ...params }, ["model"]),
      true,
    ),
    conditions: c.list((v, p) => {
      c.object(v, p, { tags: c.tags, ...params }, ["tags"]);
      if (!Object.keys((v as { tags: object }).tags).length) {
        c.fail(`${p}.tags`, 'must name the condition, e.g. {"condition": "rules"}');
      }
    }),
    grid: (v, p) =>
      c.object(
        v,
        p,
        Object.fromEntries(GRID_KEYS.map((k) => [k, c.list(params[k], true)])),
      ),
  }, ["name", "k", "out", "models"]);
  return raw as StudyFile;
}

/**
 * Expand a study into its runs: models × conditions × grid. Parameters layer as
 * defaults < model < condition < grid; tags (the condition columns of the score table)
 * are the model's tags, the condition's tags and the grid values.
 *
 * @param study The study.
 * @returns One run per model, condition and grid point.
 * @throws {BsaError} Two runs would share one folder.
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
          // Slugs never hold "/" nor start with ".", so every run folder sits inside `out`.
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
