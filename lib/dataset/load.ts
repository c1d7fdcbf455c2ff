import type { ColumnTable } from "arquero";
import { parseCsv } from "../csv/parse.ts";
import { BsaError } from "../errors.ts";
import { sha256Hex } from "../hash.ts";
import { fetchPinned, type FetchPinnedOptions, UPSTREAM_FILES } from "../upstream.ts";
import { DATASET_COLUMNS, validateDataset } from "./validate.ts";

/** The BSA dataset, validated, as Arquero tables. */
export interface Dataset {
  /** Where it was read from (a path). */
  source: string;
  /** Hex SHA-256 of the file's bytes, recorded in run manifests. */
  sha256: string;
  /** Whether the bytes are exactly the pinned upstream release. */
  pinned: boolean;
  /** One row per question: id, query, risk_summary, scenario, label, n_risks. */
  questions: ColumnTable;
  /**
   * One row per annotated risk (a Cognitive Shortcut question has two):
   * id, scenario, slot, category, subcategory, query, risk_summary.
   */
  risks: ColumnTable;
}

/** Where {@linkcode loadDataset} looks for the dataset. */
export interface LoadDatasetOptions extends FetchPinnedOptions {
  /** A local CSV path; wins over `BSA_DATASET` and the download. */
  path?: string;
}

/**
 * Resolve the dataset's path: an explicit path, else `BSA_DATASET`, else the
 * pinned upstream file (downloaded once and cached, checksum-verified).
 *
 * @param options An explicit `path`, or where to download and cache the pinned file.
 * @returns The dataset's local path.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveDatasetPath } from "./load.ts";
 * assert(await resolveDatasetPath({ path: "my/dataset.csv" }) === "my/dataset.csv");
 * assert(await resolveDatasetPath() === Deno.env.get("BSA_DATASET")); // set: no download
 * ```
 */
export async function resolveDatasetPath(options: LoadDatasetOptions = {}): Promise<string> {
  const explicit = options.path ?? Deno.env.get("BSA_DATASET");
  if (explicit) return explicit;
  return await fetchPinned(UPSTREAM_FILES.dataset, options);
}

/**
 * Load and validate the BSA dataset.
 *
 * @param options An explicit `path` (else `BSA_DATASET`, else the pinned download).
 * @returns The validated questions and risks, with the file's SHA-256.
 * @throws {BsaError} The file cannot be read, is not the dataset's CSV shape, or a row is invalid (naming the row).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadDataset } from "./load.ts";
 * const path = await Deno.makeTempFile({ suffix: ".csv" });
 * await Deno.writeTextFile(
 *   path,
 *   "id,query,risk_summary,dataset_name,label\n" +
 *     "q1,Hi,Insult,Risk Omission,Rumors-Rumors with Negative Impact\n" +
 *     'q2,Mix,Two risks,Cognitive Shortcut,"Query A: Rumors-Rumors with Negative Impact\nQuery B: Rumors-Fake News"\n',
 * );
 * const ds = await loadDataset({ path });
 * assert(ds.questions.numRows() === 2 && ds.risks.numRows() === 3 && !ds.pinned); // a CS question has two risks
 * await Deno.writeTextFile(path, "id,query\nq1,Hi\n");
 * await assert.rejects(loadDataset({ path }), /risk_summary/); // the error names the missing column
 * ```
 */
export async function loadDataset(options: LoadDatasetOptions = {}): Promise<Dataset> {
  const source = await resolveDatasetPath(options);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(source);
  } catch (err) {
    throw new BsaError(`cannot read dataset ${source}: ${(err as Error).message}`, { cause: err });
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  const csv = parseCsv(text, { source, required: DATASET_COLUMNS });
  if (csv.table.numRows() === 0) throw new BsaError(`${source}: no questions (the file holds no data rows)`);
  const { questions, risks } = validateDataset(csv.table, csv.lines, source);
  const sha256 = await sha256Hex(bytes);
  return { source, sha256, pinned: sha256 === UPSTREAM_FILES.dataset.sha256, questions, risks };
}
