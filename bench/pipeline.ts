import { benchEnv, type Figure, generateAndJudge, startFakeServer } from "./_util.ts";

/**
 * Pipeline overhead: against the loopback server with a fixed 200 ms latency and 4–8 KB of
 * reasoning per reply, generation and judging throughput at concurrency 16, 64 and 256, as a
 * ratio of the ideal (concurrency ÷ latency). Each pass is sized to last about 4 s at the
 * ideal rate; the measured wall time includes the command's start-up and dataset load.
 */
export async function pipelineBench(tmp: string): Promise<Figure[]> {
  const latency = 0.2;
  const server = await startFakeServer({ port: 18411, latencyMs: 1000 * latency, reasoningBytes: 6000 });
  const env = { ...benchEnv(`${tmp}/cache-pipeline`), OPENAI_API_KEY: "bench" };
  const out: Figure[] = [];
  try {
    for (const c of [16, 64, 256]) {
      const k = 4;
      const questions = Math.min(2000, Math.round((c * 4) / latency / k));
      const samples = questions * k;
      const dir = `${tmp}/pipeline-c${c}`;
      const { gen, judge } = await generateAndJudge(server.url, dir, {
        k,
        concurrency: c,
        limit: questions,
        noCache: true,
      }, env);
      const ideal = c / latency;
      const g = samples / gen.seconds / ideal;
      // A judged sample takes two judge calls, sent together: the ideal is the same samples/s.
      const j = samples / judge.seconds / ideal;
      out.push(
        {
          benchmark: "pipeline",
          figure: `generation, concurrency ${c} (${samples} samples)`,
          value: `${(samples / gen.seconds).toFixed(0)}/s = ${g.toFixed(2)} of ideal`,
          target: c === 64 ? "≥ 0.8 of ideal" : c === 256 ? "no collapse" : "-",
          met: c === 64 ? g >= 0.8 : c === 256 ? g >= 0.5 : null,
        },
        {
          benchmark: "pipeline",
          figure: `judging, concurrency ${c} (${samples} samples)`,
          value: `${(samples / judge.seconds).toFixed(0)}/s = ${j.toFixed(2)} of ideal`,
          target: c === 64 ? "≥ 0.8 of ideal" : c === 256 ? "no collapse" : "-",
          met: c === 64 ? j >= 0.8 : c === 256 ? j >= 0.5 : null,
        },
      );
    }
  } finally {
    await server.stop();
  }
  return out;
}
