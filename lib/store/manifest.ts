/**
 * The run manifest (`manifest.json`): what a run is, how to resume it, who judged it. It
 * carries a format version and is checked against {@linkcode MANIFEST_SCHEMA} on every read.
 * @module
 */
import { BsaError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { VERSION } from "../version.ts";
import { runFiles } from "./files.ts";
import { withLock } from "./lock.ts";
import { type Schema, validate } from "./schema.ts";

/**
 * The run folder format this version writes. Format 1 is every folder written before the
 * manifest carried `format_version` (read as it is, with a note; the next `run` or `judge`
 * records format 2). Format 2 adds `format_version` and nothing a format-1 reader misses.
 */
export const FORMAT_VERSION = 2;

/** A run folder's manifest: everything needed to know what the run is and to resume it. */
export interface RunManifest {
  /** The run folder format ({@linkcode FORMAT_VERSION}); absent in folders of format 1. */
  format_version?: number;
  toolkit_version: string;
  model: string;
  /** Base URLs without credentials. */
  endpoints: string[];
  k: number;
  dataset: { source: string; sha256: string; pinned: boolean };
  /** Question ids of the run, when a subset was chosen (null: the whole dataset). */
  subset: { ids: string[] | null; description: string };
  /** Decoding and prompt parameters sent with every request. */
  params: {
    temperature?: number;
    top_p?: number;
    top_k?: number;
    max_tokens?: number;
    seed?: number;
    extra_body?: Record<string, unknown>;
    system_prompt?: { name: string; sha256: string } | null;
  };
  /** Condition columns this run contributes to a score table (e.g. `{condition: "rules"}`). */
  tags: Record<string, string | number | boolean>;
  started: string;
  finished: string | null;
  tokens: { prompt: number; completion: number };
  /** The default judge's record (`judgments.jsonl`). */
  judge?: JudgeRecord;
  /** Further judges of the same samples, by label (`judgments-<label>.jsonl`), e.g. for agreement studies. */
  judges?: Record<string, JudgeRecord>;
}

/** Every request parameter a judge sends besides its prompt: part of the judge's identity. */
export interface JudgeParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  seed?: number;
  extra_body?: Record<string, unknown>;
}

/**
 * Who judged a run and how. `model`, `endpoints`, `params` and the prompts' hashes are the
 * judge's identity: a judgments file is only ever resumed by the same judge.
 */
export interface JudgeRecord {
  model: string;
  endpoints: string[];
  prompts: { source: string; sha256: { answer: string; reasoning: string } };
  /** Request parameters (absent in folders judged before they were recorded). */
  params?: JudgeParams;
  started: string;
  finished: string | null;
  tokens: { prompt: number; completion: number };
}

const _tokens: Schema = {
  type: "object",
  required: ["prompt", "completion"],
  properties: { prompt: { type: "number", minimum: 0 }, completion: { type: "number", minimum: 0 } },
};
const _strings: Schema = { type: "array", items: { type: "string" } };
const _time: Schema = { type: "string", minLength: 1 };
const _judgeParams: Schema = {
  type: "object",
  properties: {
    temperature: { type: "number", minimum: 0 },
    top_p: { type: "number", minimum: 0 },
    max_tokens: { type: "integer", minimum: 1 },
    seed: { type: "integer" },
    extra_body: { type: "object" },
  },
};
const _judge: Schema = {
  type: "object",
  required: ["model", "endpoints", "prompts", "started", "finished"],
  properties: {
    model: { type: "string", minLength: 1 },
    endpoints: _strings,
    prompts: {
      type: "object",
      required: ["sha256"],
      properties: {
        source: { type: "string" },
        sha256: {
          type: "object",
          required: ["answer", "reasoning"],
          properties: { answer: { type: "string" }, reasoning: { type: "string" } },
        },
      },
    },
    params: _judgeParams,
    started: _time,
    finished: { type: ["string", "null"] },
    tokens: _tokens,
  },
};

/**
 * The written schema of `manifest.json` (format 2; a JSON Schema). Format 1 folders are read
 * with the same field types but only `model`, `k`, `dataset.sha256`, `subset` and `params`
 * required (older versions wrote no `format_version`, and some no `tags` or `tokens`).
 */
export const MANIFEST_SCHEMA: Schema = {
  type: "object",
  required: [
    "format_version",
    "toolkit_version",
    "model",
    "endpoints",
    "k",
    "dataset",
    "subset",
    "params",
    "tags",
    "started",
    "finished",
    "tokens",
  ],
  properties: {
    format_version: { type: "integer", minimum: 1 },
    toolkit_version: { type: "string" },
    model: { type: "string", minLength: 1 },
    endpoints: _strings,
    k: { type: "integer", minimum: 1 },
    dataset: {
      type: "object",
      required: ["source", "sha256", "pinned"],
      properties: { source: { type: "string" }, sha256: { type: "string", minLength: 1 }, pinned: { type: "boolean" } },
    },
    subset: {
      type: "object",
      required: ["ids", "description"],
      properties: { ids: { type: ["array", "null"], items: { type: "string" } }, description: { type: "string" } },
    },
    params: {
      type: "object",
      properties: {
        ...(_judgeParams.properties),
        top_k: { type: "integer", minimum: -1 },
        system_prompt: {
          type: ["object", "null"],
          required: ["name", "sha256"],
          properties: { name: { type: "string" }, sha256: { type: "string" } },
        },
      },
    },
    tags: { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } },
    started: _time,
    finished: { type: ["string", "null"] },
    tokens: _tokens,
    judge: _judge,
    judges: { type: "object", additionalProperties: _judge },
  },
};

/** What format 1 requires (folders of older versions); the field types are those of format 2. */
const _FORMAT1: Schema = {
  ...MANIFEST_SCHEMA,
  required: ["model", "k", "dataset", "subset", "params"],
  properties: {
    ...MANIFEST_SCHEMA.properties,
    dataset: { ...MANIFEST_SCHEMA.properties!.dataset, required: ["sha256"] },
    subset: { ...MANIFEST_SCHEMA.properties!.subset, required: [] },
  },
};

/** Options of {@linkcode readManifest}. */
export interface ReadManifestOptions {
  /** Where a note goes when the folder is of an older format (read as it is). */
  warnings?: string[];
}

/**
 * Read a run's manifest and check it against {@linkcode MANIFEST_SCHEMA}: a missing folder or
 * manifest, invalid JSON or any field of the wrong type is an error naming the file and every
 * such field. A folder of an older format (no `format_version`) is read, with a note in
 * `options.warnings`; one of a newer format is refused.
 *
 * @param dir The run folder.
 * @param options Where a note on an older format goes.
 * @returns The manifest.
 * @throws {NotARunError} The folder has no manifest.json.
 * @throws {BsaError} The manifest cannot be read, is not a bsa run manifest, or is of a newer format.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newManifest, readManifest, writeManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * await assert.rejects(readManifest(dir), /is not a run folder \(no manifest.json\)/);
 * const dataset = { source: "d.csv", sha256: "x", pinned: false };
 * await writeManifest(dir, newManifest({ model: "m", endpoints: [], k: 5, dataset, subset: { ids: null, description: "" }, params: {}, tags: {} }));
 * const m = await readManifest(dir);
 * assert(m.model === "m" && m.k === 5 && m.finished === null && m.format_version === 2);
 * // Each field of the wrong type is named.
 * await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify({ ...m, k: 0, endpoints: "x" }));
 * await assert.rejects(readManifest(dir), /'endpoints' must be a list, got "x"; 'k' must be at least 1, got 0/);
 * // An older folder (no format_version) is read, with a note.
 * const { format_version: _, ...old } = m;
 * await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(old));
 * const warnings: string[] = [];
 * assert((await readManifest(dir, { warnings })).model === "m");
 * assert.match(warnings[0], /format 1/);
 * ```
 */
export async function readManifest(dir: string, options: ReadManifestOptions = {}): Promise<RunManifest> {
  const path = runFiles(dir).manifest;
  let raw: unknown;
  try {
    raw = JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      const exists = await Deno.stat(dir).then(() => true, () => false);
      throw new NotARunError(`${dir} is not a run folder (${exists ? "no manifest.json" : "no such folder"})`);
    }
    throw new BsaError(`${path}: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new BsaError(`${path} is not a bsa run manifest: not a JSON object`);
  }
  const version = (raw as { format_version?: unknown }).format_version;
  if (typeof version === "number" && Number.isInteger(version) && version > FORMAT_VERSION) {
    throw new BsaError(
      `${path} is of run format ${version}, written by a newer bsa-lab; this version (${VERSION}) reads formats up to ${FORMAT_VERSION}: update bsa-lab`,
    );
  }
  const old = version === undefined;
  const problems = validate(raw, old ? _FORMAT1 : MANIFEST_SCHEMA);
  if (problems.length) throw new BsaError(`${path} is not a bsa run manifest: ${problems.join("; ")}`);
  if (old) {
    options.warnings?.push(
      `${dir}: a run folder of format 1 (written before run folders carried a format version); read as it is, and the next run or judge of it records format ${FORMAT_VERSION}`,
    );
  }
  const m = raw as Partial<RunManifest>;
  return {
    ...m,
    endpoints: m.endpoints ?? [],
    tags: m.tags ?? {},
    tokens: m.tokens ?? { prompt: 0, completion: 0 },
  } as RunManifest;
}

/**
 * The folder has no manifest: not a run (yet).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotARunError, readManifest } from "./manifest.ts";
 * await assert.rejects(readManifest(await Deno.makeTempDir()), NotARunError);
 * ```
 */
export class NotARunError extends BsaError {}

/**
 * The folder is not empty and holds no run: writing a run into it would mix the run's files
 * with someone else's (`--out .` in a project folder).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ForeignFolderError } from "./manifest.ts";
 * import { BsaError } from "../errors.ts";
 * assert(new ForeignFolderError("x") instanceof BsaError);
 * ```
 */
export class ForeignFolderError extends BsaError {}

/**
 * What a folder is before a run is written into it: `"new"` (absent or empty, or holding only
 * the files a run interrupted before its manifest leaves), or `"run"` (it has a manifest: resume it).
 *
 * @param dir The folder a run is to be written into.
 * @returns `"new"` or `"run"`.
 * @throws {ForeignFolderError} The folder holds other files and no manifest.
 *
 * @throws {BsaError} The folder cannot be read, is a file, or holds files that are not a run's ({@linkcode ForeignFolderError}).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFolderState } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * assert(await runFolderState(`${dir}/absent`) === "new");
 * await Deno.writeTextFile(`${dir}/notes.txt`, "mine");
 * await assert.rejects(runFolderState(dir), /is not empty and is not a run folder \(no manifest.json\); it holds notes.txt/);
 * ```
 */
export async function runFolderState(dir: string): Promise<"new" | "run"> {
  const files = runFiles(dir);
  if (await Deno.stat(files.manifest).then(() => true, () => false)) return "run";
  const others: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      // A run's own files (a lock, a first line) may precede its manifest after a crash.
      if (!/^(manifest\.json|generations\.jsonl|judgments.*\.jsonl|batches$)/.test(e.name)) others.push(e.name);
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "new";
    if (err instanceof Deno.errors.NotADirectory) throw new ForeignFolderError(`${dir} is a file, not a folder`);
    throw new BsaError(`cannot read ${dir}: ${(err as Error).message}`);
  }
  if (!others.length) return "new";
  others.sort();
  throw new ForeignFolderError(
    `${dir} is not empty and is not a run folder (no manifest.json); it holds ${others.slice(0, 3).join(", ")}${
      others.length > 3 ? ` and ${others.length - 3} more` : ""
    }`,
  );
}

/**
 * Update a manifest under its lock: re-read it, apply `change` (which edits only its own
 * section), write it atomically. Another writer's section (a judge's record while `run`
 * updates its tokens, or the reverse) is never erased. `change` gets `null` when there is
 * no manifest yet.
 *
 * @param dir The run folder.
 * @param change Edits its own section of the current manifest (null when there is none yet).
 * @returns The manifest written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newManifest, readManifest, updateManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * const m = newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} });
 * await updateManifest(dir, () => m);
 * await updateManifest(dir, (cur) => ({ ...cur!, finished: "now" }));
 * assert((await readManifest(dir)).finished === "now");
 * ```
 */
export async function updateManifest(
  dir: string,
  change: (current: RunManifest | null) => RunManifest,
): Promise<RunManifest> {
  return await withLock(runFiles(dir).manifestLock, "a manifest update", async () => {
    let current: RunManifest | null = null;
    try {
      current = await readManifest(dir);
    } catch (err) {
      if (!(err instanceof NotARunError)) throw err;
    }
    const next = change(current);
    await writeManifest(dir, next);
    return next;
  });
}

/**
 * Write a manifest atomically (temp file then rename), so a crash never leaves half of one.
 *
 * @param dir The run folder.
 * @param manifest The manifest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newManifest, readManifest, writeManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * const m = newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} });
 * await writeManifest(dir, m);
 * assert((await readManifest(dir)).model === "m");
 * ```
 */
export async function writeManifest(dir: string, manifest: RunManifest): Promise<void> {
  // Written in the current format: a folder of an older one is migrated by its next update.
  const { format_version: _, ...rest } = manifest;
  const current = { format_version: FORMAT_VERSION, ...rest };
  await writeAtomic(runFiles(dir).manifest, JSON.stringify(current, null, 2) + "\n");
}

/**
 * Make the folder of a new run: its parents as needed, the folder itself only if it does not
 * exist yet, so that of two commands starting one run at once exactly one is its creator (and
 * only the creator ever removes it, see {@linkcode removeUnstartedRun}).
 *
 * @param dir The run folder.
 * @returns True when this call made the folder, false when it was there already.
 * @throws {BsaError} The folder cannot be made.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRunFolder } from "./manifest.ts";
 * const root = await Deno.makeTempDir();
 * const made = await Promise.all([createRunFolder(`${root}/a/run`), createRunFolder(`${root}/a/run`)]);
 * assert.deepEqual(made.sort(), [false, true]);
 * ```
 */
export async function createRunFolder(dir: string): Promise<boolean> {
  const parent = dir.replace(/\/+$/, "").replace(/\/[^/]*$/, "");
  try {
    if (parent && parent !== dir) await Deno.mkdir(parent, { recursive: true });
    await Deno.mkdir(dir);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return false;
    throw new BsaError(`cannot make the run folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Remove a run folder its creator left before anything was recorded (no manifest): a refused
 * start leaves nothing behind. Call it only as the folder's creator ({@linkcode createRunFolder}
 * returned true) and while holding its generations lock, so no other writer is inside.
 *
 * @param dir The run folder.
 * @param options `refused`: the endpoint refused the first requests, so a folder whose
 *   generations file holds no sample goes too (the manifest was written, nothing else).
 * @returns True when the folder was removed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRunFolder, removeUnstartedRun } from "./manifest.ts";
 * const dir = `${await Deno.makeTempDir()}/run`;
 * assert(await createRunFolder(dir));
 * assert(await removeUnstartedRun(dir));
 * assert(!(await Deno.stat(dir).then(() => true, () => false)));
 * ```
 */
export async function removeUnstartedRun(dir: string, options: { refused?: boolean } = {}): Promise<boolean> {
  const has = (p: string) => Deno.stat(p).then((s) => s.size > 0, () => false);
  const files = runFiles(dir);
  if (await has(files.manifest) && !(options.refused && !(await has(files.generations)))) return false;
  return await Deno.remove(dir, { recursive: true }).then(() => true, () => false);
}

/**
 * A new manifest with the toolkit version and start time filled in.
 *
 * @param fields Everything but the version, start time, end time and tokens.
 * @returns The manifest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newManifest } from "./manifest.ts";
 * const m = newManifest({ model: "m", endpoints: [], k: 5, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} });
 * assert(m.finished === null && m.tokens.prompt === 0);
 * ```
 */
export function newManifest(
  fields: Omit<RunManifest, "format_version" | "toolkit_version" | "started" | "finished" | "tokens">,
): RunManifest {
  return {
    format_version: FORMAT_VERSION,
    toolkit_version: VERSION,
    ...fields,
    started: new Date().toISOString(),
    finished: null,
    tokens: { prompt: 0, completion: 0 },
  };
}

/**
 * Refuse to resume a run folder with different settings: the samples would not be comparable.
 * Returns a list of differences (empty when compatible).
 *
 * @param existing The folder's manifest.
 * @param wanted The manifest the command would write.
 * @returns One line per setting that differs.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { manifestConflicts, newManifest } from "./manifest.ts";
 * const base = { model: "m", endpoints: [], k: 5, dataset: { source: "d", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} };
 * assert(manifestConflicts(newManifest(base), newManifest({ ...base, k: 3 })).length === 1);
 * ```
 */
export function manifestConflicts(existing: RunManifest, wanted: RunManifest): string[] {
  const out: string[] = [];
  const cmp = (name: string, a: unknown, b: unknown) => {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      out.push(`${name}: ${JSON.stringify(a)} in the folder, ${JSON.stringify(b)} now`);
    }
  };
  cmp("model", existing.model, wanted.model);
  cmp("k", existing.k, wanted.k);
  cmp("dataset sha256", existing.dataset.sha256, wanted.dataset.sha256);
  cmp("params", existing.params, wanted.params);
  cmp("subset", existing.subset.ids, wanted.subset.ids);
  return out;
}
