import { fileURLToPath } from "node:url";
/** Helpers shared by the benchmarks: child processes with wall time and peak RSS, a fake server process. */

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const SHARED = `${ROOT}../shared/bsa`;

/**
 * `deno run` arguments for the CLI exactly as `deno task bsa` runs it (same permissions and
 * V8 flags, read from deno.json so the benchmark measures what users run).
 */
export function cliArgs(): string[] {
  const task: string = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks.bsa;
  const parts = task.split(/\s+/).slice(2); // drop "deno run"
  return ["run", ...parts.slice(0, -1), `${ROOT}${parts.at(-1)}`];
}

/** Environment every benchmark child gets: the shared dataset and prompts, a private cache. */
export function benchEnv(cacheDir: string): Record<string, string> {
  return {
    BSA_DATASET: Deno.env.get("BSA_DATASET") ?? `${SHARED}/dataset.csv`,
    BSA_PROMPTS_DIR: Deno.env.get("BSA_PROMPTS_DIR") ?? `${SHARED}/prompts`,
    BSA_CACHE_DIR: cacheDir,
    NO_COLOR: "1",
  };
}

/** The result of one measured command. */
export interface Measured {
  seconds: number;
  peakRssMB: number;
  code: number;
  stdout: string;
  stderr: string;
}

function _vmHwmKB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync(`/proc/${pid}/status`));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Run `deno <args>` as a child, measuring wall time and peak resident memory (VmHWM,
 * polled every 20 ms: the last reading before exit is the peak).
 */
export async function measure(args: string[], env: Record<string, string>, cwd = ROOT): Promise<Measured> {
  const t0 = performance.now();
  const child = new Deno.Command(Deno.execPath(), { args, env, cwd, stdout: "piped", stderr: "piped" }).spawn();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, _vmHwmKB(child.pid))), 20);
  const out = await child.output();
  clearInterval(timer);
  const seconds = (performance.now() - t0) / 1000;
  const dec = new TextDecoder();
  return {
    seconds,
    peakRssMB: peak / 1024,
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

/** Start the loopback fake OpenAI-compatible server in its own process. */
export async function startFakeServer(
  opts: { port: number; latencyMs: number; reasoningBytes: number },
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}tests/helpers/fake_openai.ts`,
      "--port",
      String(opts.port),
      "--latency",
      String(opts.latencyMs),
      "--reasoning-bytes",
      String(opts.reasoningBytes),
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  if (!value?.includes("fake OpenAI-compatible server")) throw new Error(`fake server did not start: ${value}`);
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  return {
    url: `http://127.0.0.1:${opts.port}/v1`,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

/** Median of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** One benchmark figure with its target. */
export interface Figure {
  benchmark: string;
  figure: string;
  value: string;
  target: string;
  met: boolean | null;
}

/** Run `bsa run` then `bsa judge` against `url` into `dir`, measuring each; throws on failure. */
export async function generateAndJudge(
  url: string,
  dir: string,
  o: { k: number; concurrency: number; limit?: number; noCache?: boolean },
  env: Record<string, string>,
): Promise<{ gen: Measured; judge: Measured }> {
  const c = String(o.concurrency);
  const gen = await measure([
    ...cliArgs(),
    ...[
      "run",
      "--base-url",
      url,
      "--model",
      "bench-rc",
      "--k",
      String(o.k),
      "--out",
      dir,
      "--concurrency",
      c,
      "--quiet",
    ],
    ...(o.limit ? ["--limit", String(o.limit)] : []),
  ], env);
  if (gen.code !== 0) throw new Error(gen.stderr);
  const judge = await measure([
    ...cliArgs(),
    ...["judge", "--run", dir, "--judge-base-url", url, "--judge-model", "judge-bench", "--concurrency", c, "--quiet"],
    ...(o.noCache ? ["--no-cache"] : []),
  ], env);
  if (judge.code !== 0) throw new Error(judge.stderr);
  return { gen, judge };
}

/**
 * Count and cache the dataset's token counts in `env`'s cache (a `bsa run --batch-file` of one
 * question, which sends nothing), so a measured run starts as runs usually do: without a tokenizer.
 */
export async function warmTokenCounts(env: Record<string, string>, tmp: string): Promise<void> {
  const dir = await Deno.makeTempDir({ dir: tmp });
  const m = await measure([
    ...cliArgs(),
    ...["run", "--model", "warm", "--k", "1", "--out", `${dir}/run`, "--limit", "1", "--batch-file", `${dir}/r.jsonl`],
  ], env);
  if (m.code !== 0) throw new Error(m.stderr);
}
