import { exportFigures } from "../charts/export.ts";
import { FIGURES } from "../charts/figures.ts";
import { FONT_FAMILY, FONT_SOURCE } from "../charts/font.ts";
import { isPrintSize } from "../charts/size.ts";
import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { loadPaper } from "../paper/load.ts";
import { loadUserRuns } from "../analysis/user_runs.ts";
import { listFlag, parseFlags } from "./_flags.ts";
import { checkOutputFlag } from "./_output.ts";

/**
 * The text `bsa figures --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, figuresCommand } from "./figures.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await figuresCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa figures [--out DIR] [--only NAME,...] [--size column|full] [--runs PATH,...]

Render every figure of the reproduction at its print size to DIR/<name>.svg,
.png (300 dpi) and .pdf (font embedded) (default DIR: figures). The same spec
builders draw the notebooks' charts.
--size column draws every figure 3.3 in wide (one column), --size full 7 in
(the text width); without it each figure has its own size (listed below).
Text is ${FONT_FAMILY} (npm ${FONT_SOURCE}), 6 pt or larger at that size.
--runs (or BSA_RUNS) overlays your judged runs where a figure supports it.
Figures: ${Object.entries(FIGURES).map(([n, f]) => `${n} (${f.size})`).join(", ")}`;

/**
 * `bsa figures`.
 *
 * @param args The flags after `bsa figures`.
 * @returns The exit code (0).
 * @throws {BsaError} A bad flag or an unknown figure ({@linkcode UsageError}), or a file that cannot be written.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { figuresCommand } from "./figures.ts";
 * const out = await Deno.makeTempDir();
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const code = await figuresCommand(["--out", out, "--only", "query_lengths"]).finally(() => (console.log = log));
 * const files = [...Deno.readDirSync(out)].map((e) => e.name).sort();
 * assert(code === 0 && files.join(" ") === "query_lengths.pdf query_lengths.png query_lengths.svg");
 * assert((await Deno.readTextFile(`${out}/query_lengths.svg`)).startsWith("<svg"));
 * ```
 */
export async function figuresCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("figures", args, {
    out: { type: "string" },
    only: { type: "string", multiple: true },
    runs: { type: "string", multiple: true },
    dataset: { type: "string" },
    size: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const only = listFlag(values, "only");
  const unknown = only.filter((n) => !(n in FIGURES));
  if (unknown.length) {
    throw new UsageError(
      `bsa figures: --only: unknown figure(s) ${unknown.join(", ")}; known: ${Object.keys(FIGURES).join(", ")}`,
    );
  }
  const size = values.size as string | undefined;
  if (size !== undefined && !isPrintSize(size)) {
    throw new UsageError(`bsa figures: --size: expected column or full, got "${size}"`);
  }
  const runPaths = listFlag(values, "runs");
  await checkOutputFlag("figures", "out", (values.out as string | undefined) ?? "figures", { folder: true });
  const ctx = {
    paper: await loadPaper(),
    dataset: await loadDataset({ path: values.dataset as string | undefined }),
    runs: await loadUserRuns(runPaths.length ? runPaths : undefined),
  };
  for (const w of ctx.runs?.warnings ?? []) console.error(`warning: ${w}`);
  const out = (values.out as string | undefined) ?? "figures";
  const done = await exportFigures(ctx, out, { only: only.length ? only : undefined, size });
  for (const f of done) {
    console.log(`${f.name} (${f.size}): ${f.files.map((p) => p.slice(p.lastIndexOf("/") + 1)).join(", ")}`);
    if (f.warning) console.error(`warning: ${f.warning}`);
  }
  console.log(`${done.length} figures in ${out}/`);
  return 0;
}
