import { seededRandom } from "../../lib/stats/random.ts";
import { SCENARIOS } from "../../lib/dataset/scenarios.ts";

/** The toolkit's seeded generator, so simulated runs are reproducible. */
export const rng = seededRandom;

/** One row of the upstream CSV. */
export interface OfficialRow {
  model_name: string;
  id: string;
  dataset_name: string;
  Safe_Ans_Check: string;
  Thk_Acc_Judge: string;
}

/**
 * Simulated judgments for the given questions: each model has its own safe and
 * think rates; verdicts drawn per sample, the rubric's other labels used for failures.
 */
export function simulateOfficialRows(
  questions: { id: string; scenario: string }[],
  models: { name: string; safe: number; think: number }[],
  k: number,
  seed = 1,
): OfficialRow[] {
  const rand = rng(seed);
  const rows: OfficialRow[] = [];
  for (const m of models) {
    for (const q of questions) {
      const info = SCENARIOS.find((s) => s.name === q.scenario)!;
      // Per-question difficulty makes @k differ from @1 the way real runs do.
      const qSafe = Math.min(1, m.safe * (0.6 + 0.8 * rand()));
      const qThink = Math.min(1, m.think * (0.3 + 1.4 * rand()));
      for (let s = 0; s < k; s++) {
        const others = info.verdicts.filter((v) => v !== info.target);
        rows.push({
          model_name: m.name,
          id: q.id,
          dataset_name: q.scenario,
          Safe_Ans_Check: rand() < qSafe ? "Safe" : "Unsafe",
          Thk_Acc_Judge: rand() < qThink ? info.target : others[Math.floor(rand() * others.length)],
        });
      }
    }
  }
  return rows;
}

/** CSV text of official rows (no field needs quoting here). */
export function officialCsvText(rows: OfficialRow[]): string {
  return "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n" +
    rows.map((r) => [r.model_name, r.id, r.dataset_name, r.Safe_Ans_Check, r.Thk_Acc_Judge].join(",")).join("\n") +
    "\n";
}
