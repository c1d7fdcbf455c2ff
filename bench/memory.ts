import { benchEnv, cliArgs, type Figure, generateAndJudge, measure, startFakeServer } from "./_util.ts";

/**
 * Memory: a full run of 2,000 questions × k = 16 with 8 KB of reasoning per sample (about
 * 256 MB of text) generated, judged and scored; peak resident memory of each command.
 */
export async function memoryBench(tmp: string): Promise<Figure[]> {
  const server = await startFakeServer({ port: 18412, latencyMs: 0, reasoningBytes: 8000 });
  const env = { ...benchEnv(`${tmp}/cache-memory`), OPENAI_API_KEY: "bench" };
  const dir = `${tmp}/memory-run`;
  try {
    const { gen, judge } = await generateAndJudge(server.url, dir, { k: 16, concurrency: 64 }, env);
    const score = await measure([...cliArgs(), "score", "--run", dir, "--json"], env);
    if (score.code !== 0) throw new Error(score.stderr);
    const size = (await Deno.stat(`${dir}/generations.jsonl`)).size / 1e6;
    return [
      {
        benchmark: "memory",
        figure: `generate 32,000 samples (generations.jsonl ${size.toFixed(0)} MB): peak RSS, wall`,
        value: `${gen.peakRssMB.toFixed(0)} MB, ${gen.seconds.toFixed(0)} s`,
        target: "< 300 MB",
        met: gen.peakRssMB < 300,
      },
      {
        benchmark: "memory",
        figure: "judge 32,000 samples (64,000 judge calls): peak RSS, wall",
        value: `${judge.peakRssMB.toFixed(0)} MB, ${judge.seconds.toFixed(0)} s`,
        target: "< 300 MB",
        met: judge.peakRssMB < 300,
      },
      {
        benchmark: "memory",
        figure: "score the run: peak RSS, wall",
        value: `${score.peakRssMB.toFixed(0)} MB, ${score.seconds.toFixed(2)} s`,
        target: "< 300 MB",
        met: score.peakRssMB < 300,
      },
    ];
  } finally {
    await server.stop();
  }
}
