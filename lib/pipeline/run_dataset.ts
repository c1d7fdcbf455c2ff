import { type Dataset, loadDataset } from "../dataset/load.ts";
import type { RunManifest } from "../store/mod.ts";

/**
 * The dataset a run's questions come from, for judging it: the path given, else
 * `BSA_DATASET`, else the source the run's manifest recorded.
 *
 * @param manifest The run's manifest.
 * @param path A dataset path chosen by the caller, if any.
 * @returns The loaded dataset.
 * @throws {BsaError} The dataset cannot be read or is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadRunDataset } from "./run_dataset.ts";
 * import { newManifest } from "../store/mod.ts";
 * const source = Deno.env.get("BSA_DATASET")!;
 * const manifest = newManifest({ model: "m", endpoints: [], k: 1, dataset: { source: "gone.csv", sha256: "x", pinned: false }, subset: { ids: null, description: "" }, params: {}, tags: {} });
 * assert((await loadRunDataset(manifest, source)).questions.numRows() === 2000); // the path given wins
 * await assert.rejects(loadRunDataset(manifest, "gone.csv"), /gone\.csv/); // an error names the file
 * ```
 */
export async function loadRunDataset(manifest: RunManifest, path?: string): Promise<Dataset> {
  return await loadDataset({ path: path ?? Deno.env.get("BSA_DATASET") ?? manifest.dataset.source });
}
