import { loadDataset } from "../lib/dataset/load.ts";
import { rows } from "../lib/table.ts";
import { startFakeOpenAI } from "../tests/helpers/fake_openai.ts";
import { writeSyntheticRun } from "./_synthetic_run.ts";
import { benchEnv, cliArgs, type Figure } from "./_util.ts";

/**
 * Resume cost: a 32,000-sample run (2,000 × k = 16, 8 KB reasoning) that is 90% done is
 * restarted; the time from spawning `bsa run` to the server receiving its first new request.
 */
export async function resumeBench(tmp: string): Promise<Figure[]> {
  const env = benchEnv(`${tmp}/cache-resume`);
  const ds = await loadDataset({ path: env.BSA_DATASET });
  const qs = rows<{ id: string; scenario: string }>(ds.questions.select("id", "scenario"));
  const dir = `${tmp}/resume-run`;
  await writeSyntheticRun(dir, {
    model: "bench-rc",
    k: 16,
    questions: qs,
    done: 28_800,
    reasoningBytes: 8000,
    dataset: { source: ds.source, sha256: ds.sha256, pinned: ds.pinned },
  });
  const server = startFakeOpenAI({ latencyMs: 50 });
  try {
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...cliArgs(),
        "run",
        "--base-url",
        server.url,
        "--model",
        "bench-rc",
        "--k",
        "16",
        "--out",
        dir,
        "--concurrency",
        "4",
        "--quiet",
      ],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
    while (server.stats.chat === 0 && performance.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
    const first = (server.stats.times[0] - t0) / 1000;
    child.kill("SIGKILL");
    await child.status;
    return [{
      benchmark: "resume",
      figure: "90%-done 32,000-sample run (237 MB JSONL): start to first new request",
      value: `${first.toFixed(2)} s`,
      target: "< 2 s",
      met: first < 2,
    }];
  } finally {
    await server.close();
  }
}
