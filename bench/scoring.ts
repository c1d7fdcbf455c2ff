import { loadDataset } from "../lib/dataset/load.ts";
import { rows } from "../lib/table.ts";
import { writeOfficialCsv } from "./_gen_official.ts";
import { benchEnv, cliArgs, type Figure, measure, type Measured, median, ROOT } from "./_util.ts";

/**
 * Scoring: `bsa score --official-csv` against its two peers, measured in the same run and
 * interleaved (so load on the machine falls on all alike):
 * - a naive single pass (`bench/_naive_score.ts`: read, split, count; no checks), the floor;
 * - upstream's `evaluate.py` (pandas), where `BSA_UPSTREAM_EVALUATE` names a copy of it and a
 *   Python with pandas is found (`BSA_PYTHON`, else `python3`); otherwise its rows say why not.
 * At 230,000 rows (23 models × 2,000 × k = 5) and 2,300,000 rows (k = 50); then 230 models
 * (2.3 M rows) for memory that grows with model × question pairs, not with the rows.
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
  const upstream = await _upstream(env);
  const figures: Figure[] = [];
  let base230: Measured[] = [];
  for (
    const [label, file, k, times] of [["230,000 rows", base, 5, 5], ["2,300,000 rows (k = 50)", moreK, 50, 3]] as const
  ) {
    const peers = await _interleaved(file, k, times, env, upstream);
    if (file === base) base230 = peers.bsa;
    const t = median(peers.bsa.map((r) => r.seconds));
    const naive = median(peers.naive.map((r) => r.seconds));
    figures.push(
      {
        benchmark: "scoring",
        figure: `${label}: bsa score / naive single pass, wall incl. start-up (median of ${times})`,
        value: `${t.toFixed(3)} s / ${naive.toFixed(3)} s = ${(t / naive).toFixed(2)}×`,
        target: "≤ 1.5× the naive pass",
        met: t / naive <= 1.5,
      },
      {
        benchmark: "scoring",
        figure: `${label}: upstream evaluate.py (pandas), wall`,
        value: peers.upstream.length
          ? `${median(peers.upstream.map((r) => r.seconds)).toFixed(2)} s (bsa ${
            (median(peers.upstream.map((r) => r.seconds)) / t).toFixed(1)
          }× faster)`
          : `not measured: ${upstream.why}`,
        target: "bsa faster",
        met: peers.upstream.length ? t < median(peers.upstream.map((r) => r.seconds)) : null,
      },
      {
        benchmark: "scoring",
        figure: `${label}: peak RSS, bsa / naive`,
        value: `${median(peers.bsa.map((r) => r.peakRssMB)).toFixed(0)} MB / ${
          median(peers.naive.map((r) => r.peakRssMB)).toFixed(0)
        } MB`,
        target: file === base ? "-" : "flat (bounded by questions)",
        met: file === base
          ? null
          : median(peers.bsa.map((r) => r.peakRssMB)) < 2 * median(base230.map((r) => r.peakRssMB)),
      },
    );
  }
  const m230 = await measure(_bsa(moreModels, 5), env);
  if (m230.code !== 0) throw new Error(m230.stderr);
  const t230 = median(base230.map((r) => r.seconds));
  figures.push({
    benchmark: "scoring",
    figure: "2,300,000 rows (230 models): wall / × of 230k; peak RSS",
    value: `${m230.seconds.toFixed(2)} s / ${(m230.seconds / t230).toFixed(1)}×; ${m230.peakRssMB.toFixed(0)} MB`,
    target: "≤ 10× (linear); memory grows with model × question pairs only",
    met: m230.seconds / t230 < 12,
  });
  return figures;
}

const _bsa = (f: string, k: number) => [...cliArgs(), "score", "--official-csv", f, "--k", String(k), "--json"];
const _naive = (f: string, k: number) => ["run", "--allow-read", `${ROOT}bench/_naive_score.ts`, f, String(k)];

/** Each tool `times` times, in turn, after one warm-up each; every run must succeed. */
async function _interleaved(
  file: string,
  k: number,
  times: number,
  env: Record<string, string>,
  upstream: { python?: string; script?: string },
): Promise<{ bsa: Measured[]; naive: Measured[]; upstream: Measured[] }> {
  const out = { bsa: [] as Measured[], naive: [] as Measured[], upstream: [] as Measured[] };
  const check = (r: Measured, who: string) => {
    if (r.code !== 0) throw new Error(`${who} failed on ${file}: ${r.stderr}`);
    return r;
  };
  check(await measure(_bsa(file, k), env), "bsa score"); // warm the module cache
  check(await measure(_naive(file, k), env), "the naive pass");
  for (let i = 0; i < times; i++) {
    out.bsa.push(check(await measure(_bsa(file, k), env), "bsa score"));
    out.naive.push(check(await measure(_naive(file, k), env), "the naive pass"));
    if (upstream.python && upstream.script && i < 3) {
      out.upstream.push(
        check(
          await _measureCommand(upstream.python, [upstream.script, "--input", file, "--k", String(k)]),
          "evaluate.py",
        ),
      );
    }
  }
  return out;
}

/** Where upstream's script and a Python with pandas are, or why they are not used. */
async function _upstream(env: Record<string, string>): Promise<{ python?: string; script?: string; why: string }> {
  const script = Deno.env.get("BSA_UPSTREAM_EVALUATE");
  if (!script) return { why: "set BSA_UPSTREAM_EVALUATE to a copy of upstream's Evaluation_Metric/evaluate.py" };
  try {
    await Deno.stat(script);
  } catch {
    return { why: `BSA_UPSTREAM_EVALUATE=${script} does not exist` };
  }
  for (const python of [Deno.env.get("BSA_PYTHON"), "python3", "/usr/bin/python3"].filter((p): p is string => !!p)) {
    try {
      const r = await new Deno.Command(python, { args: ["-c", "import pandas"], env, stdout: "null", stderr: "null" })
        .output();
      if (r.success) return { python, script, why: "" };
    } catch { /* not installed: try the next */ }
  }
  return { why: "no Python with pandas (set BSA_PYTHON)" };
}

/** Wall time and peak RSS of a command that is not Deno (`measure` runs `deno <args>`). */
async function _measureCommand(cmd: string, args: string[]): Promise<Measured> {
  const timed = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  const t0 = performance.now();
  const child = new Deno.Command(timed ? "/usr/bin/time" : cmd, {
    args: timed ? ["-f", "%M", cmd, ...args] : args,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = await child.output();
  const seconds = (performance.now() - t0) / 1000;
  const stderr = new TextDecoder().decode(out.stderr);
  const kb = timed ? Number(/(\d+)\s*$/.exec(stderr)?.[1] ?? 0) : 0;
  return { seconds, peakRssMB: kb / 1024, code: out.code, stdout: new TextDecoder().decode(out.stdout), stderr };
}
