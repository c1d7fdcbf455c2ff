import { startFakeOpenAI } from "../tests/helpers/fake_openai.ts";
import { benchEnv, cliArgs, type Figure, measure, median, warmTokenCounts } from "./_util.ts";

/** Model latency of the start benchmark's server: what "one model round trip" is here. */
const LATENCY_MS = 200;

/**
 * A fresh `bsa run` against a server with {@linkcode LATENCY_MS} per completion: the wall time
 * from spawning it to the first chat request the server receives, and the gap between the
 * first request of any kind (the preflight's `GET /models`) and that first chat request (a
 * preflight that sent a completion of its own would add one model round trip there).
 */
async function toFirstRequest(out: string, env: Record<string, string>): Promise<{ first: number; gap: number }> {
  await using server = startFakeOpenAI({ latencyMs: LATENCY_MS });
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
  if (!status.success || !server.stats.times.length) throw new Error(`bsa run failed (${out})`);
  return {
    first: (server.stats.times[0] - t0) / 1000,
    gap: (server.stats.times[0] - (server.stats.firstRequestAt ?? server.stats.times[0])) / 1000,
  };
}

/**
 * Lean start: `bsa run --help`, and a fresh `bsa run` to its first request, with the token
 * counts cached (the usual case) and on a cold cache (the first run on a dataset: the counts
 * are made in a child process while the run starts).
 */
export async function startBench(tmp: string): Promise<Figure[]> {
  const env = benchEnv(`${tmp}/cache-start`);
  const help: number[] = [];
  for (let i = 0; i < 5; i++) {
    const m = await measure([...cliArgs(), "run", "--help"], env);
    if (m.code !== 0) throw new Error(m.stderr);
    help.push(m.seconds);
  }
  // Cold: each run with a cache of its own, so each counts the dataset's tokens.
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    cold.push((await toFirstRequest(`${tmp}/start-cold-${i}`, benchEnv(`${tmp}/cache-start-cold-${i}`))).first);
  }
  await warmTokenCounts(env, tmp);
  const warm: number[] = [], gaps: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await toFirstRequest(`${tmp}/start-warm-${i}`, env);
    warm.push(r.first);
    gaps.push(r.gap);
  }
  const h = median(help), w = median(warm), c = median(cold), g = median(gaps);
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
      figure: "fresh bsa run to its first request, cold cache (tokens counted in a child meanwhile; median of 3)",
      value: `${c.toFixed(2)} s = ${(c / h).toFixed(1)}× --help`,
      target: "≤ 3× --help",
      met: c <= 3 * h,
    },
    {
      benchmark: "start",
      figure: `preflight's first request to the first generation request, ${LATENCY_MS} ms model latency (median of 5)`,
      value: `${(g * 1000).toFixed(0)} ms`,
      target: `< ${LATENCY_MS} ms (one model round trip)`,
      met: g * 1000 < LATENCY_MS,
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
  // The same run on a cold cache (a cache folder of its own each time): the first run on a dataset.
  const coldRss: number[] = [], coldWall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const m = await measure([
      ...cliArgs(),
      ...["run", "--base-url", server.url, "--model", "bench-rc", "--k", "1", "--out", `${tmp}/lean-cold-${i}`],
      ...["--concurrency", "64", "--quiet"],
    ], benchEnv(`${tmp}/cache-lean-cold-${i}`));
    if (m.code !== 0) throw new Error(m.stderr);
    coldRss.push(m.peakRssMB);
    coldWall.push(m.seconds);
  }
  const peak = median(rss), coldPeak = median(coldRss);
  const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  return [{
    benchmark: "memory",
    figure:
      "fresh 2,000-sample run (6 KB reasoning each, concurrency 64), no heap cap: peak RSS (median of 5, range), wall",
    value: `${peak.toFixed(0)} MB (${range(rss)}), ${median(wall).toFixed(1)} s`,
    target: "< 160 MB",
    met: peak < 160,
  }, {
    benchmark: "memory",
    figure:
      "the same run on a cold cache (token counts made meanwhile in a child): peak RSS (median of 3, range), wall",
    value: `${coldPeak.toFixed(0)} MB (${range(coldRss)}), ${median(coldWall).toFixed(1)} s`,
    target: "< 160 MB",
    met: coldPeak < 160,
  }];
}
