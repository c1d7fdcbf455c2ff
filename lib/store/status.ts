import { BENCHMARK_SIZE } from "../dataset/scenarios.ts";
import { sampleKeys } from "./samples.ts";
import { runFiles } from "./files.ts";
import { readManifest } from "./manifest.ts";

/** How far a run folder has got. */
export interface RunStatus {
  exists: boolean;
  /** Samples the run should have (questions × k); null when there is no manifest. */
  expected: number | null;
  generated: number;
  judged: number;
  generationComplete: boolean;
  judgingComplete: boolean;
}

/**
 * Count what a run folder holds, without loading its texts.
 *
 * @param dir The run folder.
 * @returns The counts of samples by outcome, judged and pending, and the tokens.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runStatus } from "./status.ts";
 * const s = await runStatus("/nonexistent/run");
 * assert(!s.exists && s.generated === 0);
 * ```
 */
export async function runStatus(dir: string): Promise<RunStatus> {
  let expected: number | null = null;
  try {
    const m = await readManifest(dir);
    expected = (m.subset.ids?.length ?? BENCHMARK_SIZE) * m.k;
  } catch {
    return {
      exists: false,
      expected: null,
      generated: 0,
      judged: 0,
      generationComplete: false,
      judgingComplete: false,
    };
  }
  const files = runFiles(dir);
  const generated = (await sampleKeys(files.generations)).size;
  const judged = (await sampleKeys(files.judgments)).size;
  return {
    exists: true,
    expected,
    generated,
    judged,
    generationComplete: generated >= expected,
    judgingComplete: generated >= expected && judged >= expected,
  };
}
