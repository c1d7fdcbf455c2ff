import { type Dataset, loadDataset } from "../dataset/load.ts";
import type { RunManifest } from "./manifest.ts";

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
 * ```ts ignore
 * const dataset = await loadRunDataset(await readManifest("runs/qwen3-8b"));
 * ```
 */
export async function loadRunDataset(manifest: RunManifest, path?: string): Promise<Dataset> {
  return await loadDataset({ path: path ?? Deno.env.get("BSA_DATASET") ?? manifest.dataset.source });
}
