import { startFakeOpenAI } from "../tests/helpers/fake_openai.ts";
import { benchEnv, cliArgs, type Figure, measure, warmTokenCounts } from "./_util.ts";

/**
 * A batch round trip: `bsa run --batch` and `bsa judge --batch` of 2,000 samples through the
 * loopback server's Files and Batches API (upload, create, poll every 0.2 s, download, read
 * back); wall time and peak RSS of each, records checked.
 */
export async function batchBench(tmp: string): Promise<Figure[]> {
  await using server = startFakeOpenAI({ reasoningBytes: 6000 });
  const env = benchEnv(`${tmp}/cache-batch`);
  await warmTokenCounts(env, tmp);
  const dir = `${tmp}/batch-run`;
  const poll = ["--batch", "--batch-poll", "0.2", "--quiet"];
  const gen = await measure([
    ...cliArgs(),
    ...["run", "--base-url", server.url, "--model", "bench-rc", "--k", "1", "--out", dir, ...poll],
  ], env);
  if (gen.code !== 0) throw new Error(gen.stderr);
  const judge = await measure([
    ...cliArgs(),
    ...["judge", "--run", dir, "--judge-base-url", server.url, "--judge-model", "judge-bench", "--no-cache", ...poll],
  ], env);
  if (judge.code !== 0) throw new Error(judge.stderr);
  const lines = (await Deno.readTextFile(`${dir}/judgments.jsonl`)).trim().split("\n").length;
  if (lines !== 2000) throw new Error(`expected 2000 judgments, got ${lines}`);
  return [
    {
      benchmark: "batch",
      figure: "bsa run --batch, 2,000 samples (1 batch, 12 MB of results): wall, peak RSS",
      value: `${gen.seconds.toFixed(1)} s, ${gen.peakRssMB.toFixed(0)} MB`,
      target: "-",
      met: null,
    },
    {
      benchmark: "batch",
      figure: `bsa judge --batch, 2,000 samples (${
        server.stats.batches - 1
      } batch(es), 4,000 judge calls): wall, peak RSS`,
      value: `${judge.seconds.toFixed(1)} s, ${judge.peakRssMB.toFixed(0)} MB`,
      target: "-",
      met: null,
    },
  ];
}
