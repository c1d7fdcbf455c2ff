/**
 * The names of a run folder's files: the one place that knows them. Everything else asks
 * the store for a file's records, never for its path to open it.
 * @module
 */
import { BsaError } from "../errors.ts";

/** The judge label of the default judge, whose verdicts are `judgments.jsonl`. */
export const DEFAULT_JUDGE = "default";

const _NAME = /^[A-Za-z0-9._-]+$/;

/**
 * A judge's label as the store files it: `undefined` for the default judge (no label, or the
 * reserved label `default`, both `judgments.jsonl`), the label otherwise.
 *
 * @param label A judge's label, or none.
 * @returns The label, or undefined for the default judge.
 * @throws {BsaError} A label with characters other than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeLabel } from "./files.ts";
 * assert.equal(judgeLabel("default"), undefined);
 * assert.equal(judgeLabel(undefined), undefined);
 * assert.equal(judgeLabel("gpt4o"), "gpt4o");
 * assert.throws(() => judgeLabel("../x"), /may hold only letters/);
 * ```
 */
export function judgeLabel(label?: string): string | undefined {
  if (label === undefined || label === "" || label === DEFAULT_JUDGE) return undefined;
  if (!_NAME.test(label)) {
    throw new BsaError(`judge label ${JSON.stringify(label)} may hold only letters, digits, '.', '_' and '-'`);
  }
  return label;
}

/** The paths of a run folder's files, and of the locks that give each file one writer. */
export interface RunFiles {
  manifest: string;
  generations: string;
  /** The judgments file of the judge asked for (`judgments.jsonl` for the default judge). */
  judgments: string;
  /** Held by `run` for as long as it writes generations. */
  generationsLock: string;
  /** Held by `judge` (for its label) for as long as it writes judgments. */
  judgmentsLock: string;
  /** Held for the moment of a manifest update (read, merge, atomic write). */
  manifestLock: string;
  /** The review plan a reviewer works through (`bsa review`). */
  reviewPlan: string;
  /** The design of the review plan (its strata and weights), kept apart from what reviewers see. */
  reviewStrata: string;
  /** The batch state folder (requests, results, state per phase). */
  batches: string;
}

/**
 * The files of a run folder; `judge` names a labelled judge's judgments file (`default`, or
 * none, is `judgments.jsonl`).
 *
 * @param dir The run folder.
 * @param judge A judge's label (default: the default judge).
 * @returns The paths of the manifest, generations, judgments, review plan, batches and lock files.
 * @throws {BsaError} A judge label with characters other than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runFiles } from "./files.ts";
 * assert(runFiles("r").judgments === "r/judgments.jsonl");
 * assert(runFiles("r", "default").judgments === "r/judgments.jsonl");
 * assert(runFiles("r", "gpt4o").judgments === "r/judgments-gpt4o.jsonl");
 * ```
 */
export function runFiles(dir: string, judge?: string): RunFiles {
  const label = judgeLabel(judge);
  const judgments = label ? `${dir}/judgments-${label}.jsonl` : `${dir}/judgments.jsonl`;
  return {
    manifest: `${dir}/manifest.json`,
    generations: `${dir}/generations.jsonl`,
    judgments,
    generationsLock: `${dir}/generations.jsonl.lock`,
    judgmentsLock: `${judgments}.lock`,
    manifestLock: `${dir}/manifest.json.lock`,
    reviewPlan: `${dir}/review-plan.json`,
    reviewStrata: `${dir}/review-plan.design.json`,
    batches: `${dir}/batches`,
  };
}

/**
 * The labels file of one reviewer beside a run.
 *
 * @param run The run folder.
 * @param reviewer The reviewer's name.
 * @returns `<run>/labels-<reviewer>.jsonl`.
 * @throws {BsaError} A name with characters other than letters, digits, `.`, `_` and `-`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelsFile } from "./files.ts";
 * assert.equal(labelsFile("runs/a", "ana"), "runs/a/labels-ana.jsonl");
 * assert.throws(() => labelsFile("runs/a", "a b"), /may hold only/);
 * ```
 */
export function labelsFile(run: string, reviewer: string): string {
  if (!_NAME.test(reviewer)) {
    throw new BsaError(`reviewer name ${JSON.stringify(reviewer)} may hold only letters, digits, '.', '_' and '-'`);
  }
  return `${run}/labels-${reviewer}.jsonl`;
}

/** What a file name in a run folder is, for the listings below. */
function _kind(name: string): { judge: string } | { reviewer: string } | null {
  if (name === "judgments.jsonl") return { judge: DEFAULT_JUDGE };
  const j = /^judgments-([A-Za-z0-9._-]+)\.jsonl$/.exec(name);
  if (j) return j[1] === DEFAULT_JUDGE ? null : { judge: j[1] };
  const l = /^labels-([A-Za-z0-9._-]+)\.jsonl$/.exec(name);
  return l ? { reviewer: l[1] } : null;
}

/**
 * The judges with a judgments file in a run folder, by label (`default` first, the others
 * sorted). A stray `judgments-default.jsonl` (written by older versions for `--label default`)
 * is not a judge: `default` is `judgments.jsonl`.
 *
 * @param dir The run folder.
 * @returns The judge labels.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeLabels } from "./files.ts";
 * const dir = await Deno.makeTempDir();
 * for (const f of ["judgments-b.jsonl", "judgments.jsonl", "judgments.jsonl.lock", "judgments-default.jsonl"]) await Deno.writeTextFile(`${dir}/${f}`, "");
 * assert.deepEqual(judgeLabels(dir), ["default", "b"]);
 * assert.deepEqual(judgeLabels(`${dir}/absent`), []);
 * ```
 */
export function judgeLabels(dir: string): string[] {
  const out: string[] = [];
  try {
    for (const e of Deno.readDirSync(dir)) {
      const k = e.isFile ? _kind(e.name) : null;
      if (k && "judge" in k) out.push(k.judge);
    }
  } catch {
    return [];
  }
  return out.sort((a, b) => a === DEFAULT_JUDGE ? -1 : b === DEFAULT_JUDGE ? 1 : a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The labels files beside a run (`labels-*.jsonl`), sorted.
 *
 * @param run The run folder.
 * @returns The labels files' paths.
 * @throws {BsaError} The folder cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { labelFiles } from "./files.ts";
 * const run = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${run}/labels-ana.jsonl`, "");
 * await Deno.writeTextFile(`${run}/labels-ana.jsonl.lock`, "");
 * assert.deepEqual(await labelFiles(run), [`${run}/labels-ana.jsonl`]);
 * ```
 */
export async function labelFiles(run: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(run)) {
      const k = e.isFile ? _kind(e.name) : null;
      if (k && "reviewer" in k) out.push(`${run}/${e.name}`);
    }
  } catch (err) {
    throw new BsaError(`cannot read the run folder ${run}: ${(err as Error).message}`);
  }
  return out.sort();
}
