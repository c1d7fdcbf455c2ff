/** How to get Jupyter with the Deno kernel, for the messages that need it. */
export const JUPYTER_INSTALL =
  "Debian/Ubuntu: apt-get install -y jupyter-nbconvert jupyter-client python3-nbclient python3-ipykernel; " +
  "elsewhere: pip install nbconvert nbclient ipykernel; then: deno jupyter --install";

function _run(args: string[]): Deno.CommandOutput | null {
  try {
    return new Deno.Command("jupyter", { args, stdout: "piped", stderr: "piped" }).outputSync();
  } catch {
    // Not on PATH (or not allowed to run): the same as absent for the caller.
    return null;
  }
}

/**
 * Why the notebooks cannot be executed here, or `undefined` when `jupyter nbconvert` and the
 * Deno kernel are both present. Synchronous so that tests can decide, while registering,
 * whether a test needing Jupyter runs.
 *
 * @returns The reason, or undefined.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { jupyterProblem } from "./jupyter.ts";
 * const problem = jupyterProblem();
 * assert(problem === undefined || problem.includes("not"));
 * ```
 */
export function jupyterProblem(): string | undefined {
  const nb = _run(["nbconvert", "--version"]);
  if (!nb?.success) return "jupyter nbconvert is not installed";
  const ks = _run(["kernelspec", "list", "--json"]);
  let specs: Record<string, unknown> = {};
  try {
    specs = ks?.success ? JSON.parse(new TextDecoder().decode(ks.stdout)).kernelspecs ?? {} : {};
  } catch {
    // An unreadable kernel list is reported below as a missing kernel.
  }
  if (!("deno" in specs)) return "the Deno Jupyter kernel is not installed";
  return undefined;
}
