/**
 * Two judged runs of one model, base and with safety rules, tagged as `studies/*.json` tags them
 * (`condition`, then `paper_model`): what a researcher's own runs look like to the charts.
 */
import { loadDataset } from "../../lib/dataset/mod.ts";
import { rows } from "../../lib/table.ts";
import { DATASET_CSV } from "./paths.ts";
import { reasoningVerdicts, writeViewerRun } from "./viewer_runs.ts";

/** The folder holding both runs and each run's folder. */
export interface TaggedRuns {
  root: string;
  dirs: string[];
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Write the two runs: `base` and `rules` of `gen-model` at k = 2, on the first questions of each
 * scenario in every category but one (`Rumors` has none, so its row is empty), with the rules run
 * safer; `tags` adds tags to both. Verdicts are a fixed function of the question's position, so every number is reproducible.
 */
export async function taggedRuns(
  o: { perScenario?: number; skipCategory?: string; tags?: Record<string, string> } = {},
): Promise<TaggedRuns> {
  const root = await Deno.makeTempDir({ prefix: "bsa-tagged-runs-" });
  const ds = await loadDataset({ path: DATASET_CSV });
  const skip = o.skipCategory ?? "Rumors";
  const risks = rows<{ id: string; category: string }>(ds.risks);
  const skipIds = new Set(risks.filter((r) => r.category === skip).map((r) => r.id));
  const qs = rows<{ id: string; scenario: string }>(ds.questions).filter((q) => !skipIds.has(q.id));
  const byScenario = new Map<string, { id: string; scenario: string }[]>();
  for (const q of qs) byScenario.set(q.scenario, [...(byScenario.get(q.scenario) ?? []), q]);
  const questions = [...byScenario.values()].flatMap((l) => l.slice(0, o.perScenario ?? 60));
  const dirs: string[] = [];
  for (const [condition, safer] of [["base", 0], ["rules", 1]] as const) {
    const dir = `${root}/${condition}`;
    await writeViewerRun(dir, {
      model: "gen-model",
      k: 2,
      tags: { condition, paper_model: "Qwen3-8B", ...o.tags },
      questions,
      sample: (q, s) => {
        const i = questions.indexOf(q);
        const v = reasoningVerdicts(q.scenario);
        const safe = (i + s + safer) % 3 !== 0;
        return {
          answer: "made-up answer",
          reasoning: "made-up reasoning",
          verdicts: { answer: safe ? "Safe" : "Unsafe", reasoning: (i + s) % (2 + safer) === 0 ? v.wrong : v.right },
        };
      },
    });
    dirs.push(dir);
  }
  return { root, dirs, [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }) };
}
