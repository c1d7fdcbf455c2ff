/**
 * The one gate for tests that need a tool Deno does not bring: on a machine with only Deno
 * they are registered as ignored (Deno counts them as ignored, never as passed) and the reason
 * is printed once per test run; under CI (`CI=true`) they are required: they run, and fail
 * when the tool is missing.
 *
 * ```ts ignore
 * import { chromiumPath, requires } from "../helpers/requires.ts";
 * Deno.test({ name: "the report renders in a real browser", ...requires("chromium"), fn: async () => {
 *   const browser = await chromium.launch({ executablePath: chromiumPath() });
 * } });
 * ```
 *
 * @module
 */
import { JUPYTER_INSTALL, jupyterProblem } from "../../lib/report/jupyter.ts";

/** A tool some tests need: Jupyter with the Deno kernel, a Chromium browser, poppler's PDF rasteriser, or git. */
export type Tool = "jupyter" | "chromium" | "pdftoppm" | "git";

/**
 * True when running under CI (`CI` set to anything but empty, `false` or `0`), where every gated
 * test is required.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inCI } from "./requires.ts";
 * assert.equal(inCI(), !["", "false", "0", undefined].includes(Deno.env.get("CI")?.toLowerCase()));
 * ```
 */
export function inCI(): boolean {
  const ci = Deno.env.get("CI")?.toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}

function _onPath(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").filter(Boolean)) {
    try {
      const st = Deno.statSync(`${dir}/${name}`);
      if (st.isFile && (st.mode ?? 0o111) & 0o111) return `${dir}/${name}`;
    } catch {
      // Not in this folder.
    }
  }
  return undefined;
}

/**
 * The Chromium the browser tests drive: the one `BSA_CHROMIUM` names, else `chromium` or
 * `chromium-browser` on `PATH`. Throws, naming what was looked for, when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chromiumPath } from "./requires.ts";
 * try {
 *   assert(chromiumPath().length > 0);
 * } catch (e) {
 *   assert(String(e).includes("BSA_CHROMIUM"));
 * }
 * ```
 */
export function chromiumPath(): string {
  const named = Deno.env.get("BSA_CHROMIUM");
  if (named) return named;
  const found = _onPath("chromium") ?? _onPath("chromium-browser");
  if (!found) {
    throw new Error("no Chromium: set BSA_CHROMIUM to a Chromium executable, or put chromium on PATH");
  }
  return found;
}

/** Why each tool is missing (`undefined` when present), and how to get it. */
const _tools: Record<Tool, { problem: () => string | undefined; install: string }> = {
  jupyter: { problem: jupyterProblem, install: JUPYTER_INSTALL },
  chromium: {
    problem: () => {
      const named = Deno.env.get("BSA_CHROMIUM");
      if (named) {
        try {
          return Deno.statSync(named).isFile ? undefined : `BSA_CHROMIUM=${named} is not a file`;
        } catch {
          return `BSA_CHROMIUM=${named} does not exist`;
        }
      }
      return _onPath("chromium") || _onPath("chromium-browser") ? undefined : "no chromium on PATH, BSA_CHROMIUM unset";
    },
    install: "Debian/Ubuntu: apt-get install -y chromium; or point BSA_CHROMIUM at any Chromium",
  },
  git: {
    problem: () => (_onPath("git") ? undefined : "no git on PATH"),
    install: "install git (the licence test lists the tracked files with it)",
  },
  pdftoppm: {
    problem: () => _onPath("pdftoppm") ? undefined : "no pdftoppm on PATH",
    install: "Debian/Ubuntu: apt-get install -y poppler-utils; macOS: brew install poppler",
  },
};

/** Probes are slow (Jupyter takes about a second), so each runs at most once per test module. */
const _cache = new Map<Tool, string | undefined>();

/** Test modules run in one process but separate isolates: the environment is what they share. */
const _NOTED = "BSA_TESTS_IGNORED_NOTED";

/**
 * Options to spread into `Deno.test({...})`: `{ ignore: true }` when one of `tools` is missing
 * and not under CI (printing why, once per tool per test run), else `{ ignore: false }`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inCI, requires } from "./requires.ts";
 * const gate = requires("chromium", "jupyter");
 * if (inCI()) assert.equal(gate.ignore, false);
 * assert.equal(typeof gate.ignore, "boolean"); // spread as Deno.test({ name, ...gate, fn })
 * ```
 */
export function requires(...tools: Tool[]): { ignore: boolean } {
  if (inCI()) return { ignore: false };
  let ignore = false;
  for (const tool of tools) {
    if (!_cache.has(tool)) _cache.set(tool, _tools[tool].problem());
    const problem = _cache.get(tool);
    if (problem === undefined) continue;
    ignore = true;
    const noted = (Deno.env.get(_NOTED) ?? "").split(",");
    if (!noted.includes(tool)) {
      Deno.env.set(_NOTED, [...noted.filter(Boolean), tool].join(","));
      console.warn(
        `ignored: the tests that need ${tool}, because ${problem}. To run them: ${
          _tools[tool].install
        }. Under CI=true they run (and fail without it).`,
      );
    }
  }
  return { ignore };
}

/**
 * Run `deno ARGS` in `cwd` as on a machine with only Deno: nothing inherited from the
 * environment but `HOME` and `DENO_DIR` (Deno's cache), plus `env`, and a `PATH` holding only
 * `deno` (no jupyter, python or chromium). Returns exit code, stdout and stderr.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runDenoOnly } from "./requires.ts";
 * const probe = "try { new Deno.Command('jupyter').outputSync() } catch { console.log('no jupyter') }";
 * const r = await runDenoOnly(["eval", probe], ".", { NO_COLOR: "1" });
 * assert.equal(r.stdout.trim(), "no jupyter");
 * ```
 */
export async function runDenoOnly(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = await Deno.makeTempDir({ prefix: "bsa-deno-only-bin-" });
  try {
    await Deno.symlink(Deno.execPath(), `${bin}/deno`);
    const base: Record<string, string> = { PATH: bin };
    for (const k of ["HOME", "DENO_DIR"]) {
      const v = Deno.env.get(k);
      if (v) base[k] = v;
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args,
      cwd,
      clearEnv: true,
      env: { ...base, ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
}
