import { fileURLToPath } from "node:url";
/** The shared benchmark files (read-only, never committed): ../shared/bsa from the project root. */
export const SHARED_BSA = fileURLToPath(new URL("../../../shared/bsa/", import.meta.url));
/** The real dataset. */
export const DATASET_CSV = `${SHARED_BSA}dataset.csv`;
/** The project root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Every .ts and .js file under `dir` (absolute paths, sorted), for tests that scan lib/. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...sourceFiles(p));
    else if (/\.(ts|js)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** A fresh temporary folder, removed when the returned disposer runs. */
export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix: "bsa-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/**
 * Run the CLI as a real child process; returns exit code, stdout, stderr. A variable given as
 * `undefined` is removed from the child's environment (e.g. `OPENAI_API_KEY: undefined`).
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const unset = Object.keys(env).filter((k) => env[k] === undefined);
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const base = unset.length
    ? Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([k]) => !unset.includes(k)))
    : {};
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    cwd: ROOT,
    clearEnv: unset.length > 0,
    env: { ...base, NO_COLOR: "1", ...given },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Start the CLI as a real child process without waiting (output discarded), e.g. to kill it mid-way. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "null",
  }).spawn();
}

/** The environment CLI children get in tests: the shared dataset and prompts, a private cache. */
export function cliEnv(cacheDir: string): Record<string, string> {
  return { BSA_DATASET: DATASET_CSV, BSA_PROMPTS_DIR: `${SHARED_BSA}prompts`, BSA_CACHE_DIR: cacheDir };
}

/** The arguments of `bsa run --base-url URL --model M --k K --out DIR`, to which a test adds its own flags. */
export function runArgs(url: string, model: string, k: number | string, out: string): string[] {
  return ["run", "--base-url", url, "--model", model, "--k", String(k), "--out", out];
}

/**
 * `bsa run` then `bsa judge` into `out` against a (fake) endpoint, asserting both succeed.
 * `run` and `judge` add flags to each command; `labels` judges again under each label.
 */
export async function generateAndJudge(
  url: string,
  out: string,
  o: { model: string; k: number; limit: number; run?: string[]; judgeModel?: string; labels?: string[] },
  env: Record<string, string>,
): Promise<void> {
  const gen = await runCli([
    ...runArgs(url, o.model, o.k, out),
    ...["--limit", String(o.limit), "--quiet", ...(o.run ?? [])],
  ], env);
  if (gen.code !== 0) throw new Error(`bsa run failed: ${gen.stderr}`);
  for (const label of [undefined, ...(o.labels ?? [])]) {
    const judge = await runCli([
      ...["judge", "--run", out, "--judge-base-url", url, "--judge-model", o.judgeModel ?? "judge-1", "--quiet"],
      ...(label ? ["--label", label, "--judge-model", `${o.judgeModel ?? "judge-1"}-${label}`] : []),
    ], env);
    if (judge.code !== 0) throw new Error(`bsa judge failed: ${judge.stderr}`);
  }
}

/**
 * Write an ids file with the first `perScenario` questions of every scenario (so that Think,
 * which weights all three scenarios, is given) and return its path, for `bsa run --ids`.
 */
export async function idsOfEveryScenario(dir: string, perScenario: number): Promise<string> {
  const { loadDataset } = await import("../../lib/dataset/load.ts");
  const { SCENARIOS } = await import("../../lib/dataset/scenarios.ts");
  const ds = await loadDataset({ path: DATASET_CSV });
  const ids = SCENARIOS.flatMap((s) =>
    (ds.questions.array("id") as string[]).filter((_, i) => ds.questions.get("scenario", i) === s.name)
      .slice(0, perScenario)
  );
  const path = `${dir}/ids.txt`;
  await Deno.writeTextFile(path, ids.join("\n") + "\n");
  return path;
}
