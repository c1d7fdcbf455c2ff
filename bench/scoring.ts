import { loadDataset } from "../lib/dataset/load.ts";
import { rows } from "../lib/table.ts";
import { writeOfficialCsv } from "./_gen_official.ts";
import { benchEnv, cliArgs, type Figure, measure, median } from "./_util.ts";

/**
 * Scoring: `bsa score --official-csv` on 230,000 rows (23 models × 2,000 × 5), wall time
 * including start-up (median of 5); then 10× the rows two ways — 10× the samples per
 * question (k = 50) and 10× the models — for linear time and memory that grows with the
 * model × question pairs, not with the rows.
 */
export async function scoringBench(tmp: string): Promise<Figure[]> {
  const env = benchEnv(`${tmp}/cache`);
  const ds = await loadDataset({ path: env.BSA_DATASET });
  const qs = rows<{ id: string; scenario: string }>(ds.questions.select("id", "scenario"));
  const base = `${tmp}/official-230k.csv`,
    moreK = `${tmp}/official-2300k-k50.csv`,
    moreModels = `${tmp}/official-2300k-230models.csv`;
  await writeOfficialCsv(base, { models: 23, k: 5, questions: qs });
  await writeOfficialCsv(moreK, { models: 23, k: 50, questions: qs });
  await writeOfficialCsv(moreModels, { models: 230, k: 5, questions: qs });
  const args = (
    f: string,
    k: number,
  ) => [
    ...cliArgs(),
    "score",
    "--official-csv",
    f,
    "--k",
    String(k),
    "--json",
  ];
  await measure(args(base, 5), env); // warm the module cache
  const runs = [];
  for (let i = 0; i < 5; i++) runs.push(await measure(args(base, 5), env));
  if (runs.some((r) => r.code !== 0)) throw new Error(runs.find((r) => r.code !== 0)!.stderr);
  const t = median(runs.map((r) => r.seconds));
  const k50 = await measure(args(moreK, 50), env);
  const m230 = await measure(args(moreModels, 5), env);
  for (const r of [k50, m230]) if (r.code !== 0) throw new Error(r.stderr);
  const baseRss = median(runs.map((r) => r.peakRssMB));
  // Ten times the rows, one way: wall time against the base's (linear is ≈ 10×), and peak RSS.
  const tenfold = (
    how: string,
    r: { seconds: number; peakRssMB: number },
    rssTarget: string,
    rssMet: boolean | null,
  ): Figure[] => [
    {
      benchmark: "scoring",
      figure: `2,300,000 rows (${how}): wall / × of 230k`,
      value: `${r.seconds.toFixed(2)} s / ${(r.seconds / t).toFixed(1)}×`,
      target: "≈ 10× (linear)",
      met: r.seconds / t < 12,
    },
    {
      benchmark: "scoring",
      figure: `2,300,000 rows (${how}): peak RSS`,
      value: `${r.peakRssMB.toFixed(0)} MB`,
      target: rssTarget,
      met: rssMet,
    },
  ];
  return [
    {
      benchmark: "scoring",
      figure: "230,000 rows, wall incl. start-up (median of 5)",
      value: `${t.toFixed(3)} s`,
      target: "< 0.5 s",
      met: t < 0.5,
    },
    {
      benchmark: "scoring",
      figure: "230,000 rows, peak RSS",
      value: `${baseRss.toFixed(0)} MB`,
      target: "-",
      met: null,
    },
    ...tenfold("k = 50", k50, "flat (bounded by questions)", k50.peakRssMB < 2 * baseRss),
    ...tenfold("230 models", m230, "grows with model × question pairs only", null),
  ];
}
