import { startFakeOpenAI } from "../tests/helpers/fake_openai.ts";
import { benchEnv, cliArgs, type Figure, measure, median, warmTokenCounts } from "./_util.ts";

/** Wall time from spawning a fresh `bsa run` to the first chat request the server receives. */
async function toFirstRequest(url: string, out: string, env: Record<string, string>): Promise<number> {
  await using server = startFakeOpenAI();
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ...cliArgs(),
      ...["run", "--base-url", server.url, "--model", "bench-rc", "--k", "1", "--out", out, "--limit", "5", "--quiet"],
    ],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const status = await child.status;
  if (!status.success || !server.stats.times.length) throw new Error(`bsa run failed (${url})`);
  return (server.stats.times[0] - t0) / 1000;
}

/**
 * Lean start: `bsa run --help`, and a fresh `bsa run` to its first request, with the token
 * counts cached (the usual case) and without (the first run on a dataset builds the tokenizer).
 */
export async function startBench(tmp: string): Promise<Figure[]> {
  const env = benchEnv(`${tmp}/cache-start`);
  const help: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = await measure([...cliArgs(), "run", "--help"], env);
    if (m.code !== 0) throw new Error(m.stderr);
    help.push(m.seconds);
  }
  // The first run on a dataset counts its tokens once (and caches them).
  const cold = await toFirstRequest("cold", `${tmp}/start-cold`, env);
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) warm.push(await toFirstRequest("warm", `${tmp}/start-warm-${i}`, env));
  const h = median(help), w = median(warm);
  return [
    { benchmark: "start", figure: "bsa run --help (median of 5)", value: `${h.toFixed(2)} s`, target: "-", met: null },
    {
      benchmark: "start",
      figure: "fresh bsa run to its first request, token counts cached (median of 5)",
      value: `${w.toFixed(2)} s = ${(w / h).toFixed(1)}× --help`,
      target: "≤ 3× --help",
      met: w <= 3 * h,
    },
    {
      benchmark: "start",
      figure: "fresh bsa run to its first request, first run on the dataset (tokenizer built, counts cached)",
      value: `${cold.toFixed(2)} s`,
      target: "-",
      met: null,
    },
  ];
}

/**
 * Memory: a 2,000-sample run (every question once, 6 KB of reasoning each) at concurrency 64, no
 * heap cap, with the V8 flags of `deno task bsa`; the median of 5 runs (one run's peak depends on
 * when V8 collects, so a single figure is noisy on a shared machine).
 */
export async function leanMemoryBench(tmp: string): Promise<Figure[]> {
  await using server = startFakeOpenAI({ reasoningBytes: 6000 });
  const env = benchEnv(`${tmp}/cache-lean`);
  await warmTokenCounts(env, tmp);
  const rss: number[] = [], wall: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = await measure([
      ...cliArgs(),
      ...["run", "--base-url", server.url, "--model", "bench-rc", "--k", "1", "--out", `${tmp}/lean-run-${i}`],
      ...["--concurrency", "64", "--quiet"],
    ], env);
    if (m.code !== 0) throw new Error(m.stderr);
    rss.push(m.peakRssMB);
    wall.push(m.seconds);
  }
  const peak = median(rss);
  return [{
    benchmark: "memory",
    figure:
      "fresh 2,000-sample run (6 KB reasoning each, concurrency 64), no heap cap: peak RSS (median of 5, range), wall",
    value: `${peak.toFixed(0)} MB (${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)}), ${
      median(wall).toFixed(1)
    } s`,
    target: "< 160 MB",
    met: peak < 160,
  }];
}
