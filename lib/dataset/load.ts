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
 * @example
 * ```ts ignore
 * import { resolveDatasetPath } from "./load.ts";
 * const path = await resolveDatasetPath({ path: "../shared/bsa/dataset.csv" });
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
 * @example
 * ```ts ignore
 * import { loadDataset } from "./load.ts";
 * const ds = await loadDataset({ path: "../shared/bsa/dataset.csv" });
 * ds.risks.filter((d) => d.category === "Rumors").numRows();
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
