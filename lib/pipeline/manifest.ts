import { BsaError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { withLock } from "./lock.ts";
import { VERSION } from "../version.ts";

/** A run folder's manifest: everything needed to know what the run is and to resume it. */
export interface RunManifest {
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

/**
 * The files of a run folder; `judge` names a labelled judge's judgments file.
 *
 * @param dir The run folder.
 * @param judge A judge's label (default: the default judge).
 * @returns The paths of the manifest, generations, judgments and lock files.
 * @throws {BsaError} A judge label with characters other than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFiles } from "./manifest.ts";
 * assert(runFiles("r").judgments === "r/judgments.jsonl");
 * assert(runFiles("r", "gpt4o").judgments === "r/judgments-gpt4o.jsonl");
 * ```
 */
export function runFiles(dir: string, judge?: string): RunFiles {
  if (judge !== undefined && !/^[A-Za-z0-9._-]+$/.test(judge)) {
    throw new BsaError(`judge label ${JSON.stringify(judge)} may hold only letters, digits, '.', '_' and '-'`);
  }
  const judgments = judge ? `${dir}/judgments-${judge}.jsonl` : `${dir}/judgments.jsonl`;
  return {
    manifest: `${dir}/manifest.json`,
    generations: `${dir}/generations.jsonl`,
    judgments,
    generationsLock: `${dir}/generations.jsonl.lock`,
    judgmentsLock: `${judgments}.lock`,
    manifestLock: `${dir}/manifest.json.lock`,
  };
}

/** The paths of a run folder's files, and of the locks that give each file one writer. */
export interface RunFiles {
  manifest: string;
  generations: string;
  judgments: string;
  /** Held by `run` for as long as it writes generations. */
  generationsLock: string;
  /** Held by `judge` (for its label) for as long as it writes judgments. */
  judgmentsLock: string;
  /** Held for the moment of a manifest update (read, merge, atomic write). */
  manifestLock: string;
}

/**
 * Read a run's manifest; a missing or unreadable one is an error naming the folder.
 *
 * @param dir The run folder.
 * @returns The manifest.
 * @throws {NotARunError} The folder has no manifest.json.
 * @throws {BsaError} The manifest cannot be read or is not a bsa run manifest.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newManifest, readManifest, writeManifest } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * await assert.rejects(readManifest(dir), /is not a run folder \(no manifest.json\)/);
 * const dataset = { source: "d.csv", sha256: "x", pinned: false };
 * await writeManifest(dir, newManifest({ model: "m", endpoints: [], k: 5, dataset, subset: { ids: null, description: "" }, params: {}, tags: {} }));
 * const m = await readManifest(dir);
 * assert(m.model === "m" && m.k === 5 && m.finished === null);
 * ```
 */
export async function readManifest(dir: string): Promise<RunManifest> {
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
  const m = raw as Partial<RunManifest>;
  const bad = !m || typeof m !== "object"
    ? "not a JSON object"
    : typeof m.model !== "string"
    ? "'model' is not a string"
    : !Number.isInteger(m.k) || m.k! < 1
    ? "'k' is not a positive integer"
    : typeof m.dataset?.sha256 !== "string"
    ? "'dataset.sha256' is missing"
    : !m.subset || typeof m.subset !== "object"
    ? "'subset' is missing"
    : !m.params || typeof m.params !== "object"
    ? "'params' is missing"
    : null;
  if (bad) throw new BsaError(`${path} is not a bsa run manifest: ${bad}`);
  return { ...m, tags: m.tags ?? {}, tokens: m.tokens ?? { prompt: 0, completion: 0 } } as RunManifest;
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
  await writeAtomic(runFiles(dir).manifest, JSON.stringify(manifest, null, 2) + "\n");
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
  fields: Omit<RunManifest, "toolkit_version" | "started" | "finished" | "tokens">,
): RunManifest {
  return {
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
