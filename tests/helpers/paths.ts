import { fileURLToPath } from "node:url";
/** The shared benchmark files (read-only, never committed): ../shared/bsa from the project root. */
export const SHARED_BSA = fileURLToPath(new URL("../../../shared/bsa/", import.meta.url));
/** The real dataset. */
export const DATASET_CSV = `${SHARED_BSA}dataset.csv`;
/** The project root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A fresh temporary folder, removed when the returned disposer runs. */
export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix: "bsa-test-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/** Run the CLI as a real child process; returns exit code, stdout, stderr. */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
