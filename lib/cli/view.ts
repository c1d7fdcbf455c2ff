import { loadDataset } from "../dataset/load.ts";
import { UsageError } from "../errors.ts";
import { writeAtomic } from "../fs.ts";
import { expandRunPaths, labelsFile } from "../store/mod.ts";
import { ReviewSession } from "../review/session.ts";
import { planPath } from "../review/store.ts";
import { DEFAULT_EXPORT_LIMIT, exportViewer } from "../viewer/export.ts";
import { FILTER_KEYS } from "../viewer/page/filter.js";
import { checkFilter, FilterError } from "../viewer/filter_check.ts";
import type { Dataset } from "../dataset/load.ts";
import { reviewRoutes } from "../viewer/review_routes.ts";
import { serveViewer } from "../viewer/server.ts";
import { RunViewer } from "../viewer/store.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { checkOutputFlag } from "./_output.ts";

/**
 * The text `bsa view --help` prints.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HELP, viewCommand } from "./view.ts";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * assert(await viewCommand(["--help"]).finally(() => (console.log = log)) === 0);
 * assert.deepEqual(printed, [HELP]);
 * ```
 */
export const HELP = `bsa view --run DIR [--run DIR ...] [--port N] [--dataset FILE]
bsa view --run DIR [--run DIR ...] --out FILE.html [--filter 'key=value&...'] [--max-mb N]
bsa view --run DIR --review PLAN --reviewer NAME [--port N]

Read the samples of run folders: question, risk summary, reasoning, answer, each judge's
verdicts, outcome flags, and the run's scores for the current filter; two runs side by side.
Serves on 127.0.0.1 (a run still being written shows new samples as they arrive) until Ctrl-C.
  --run DIR        a run folder, or a folder of runs (repeatable; several runs show side by side)
  --port N         port on 127.0.0.1 (default: a free one, printed)
  --dataset FILE   the dataset CSV (default BSA_DATASET or the pinned download)
  --out FILE.html  write the viewer as one self-contained file instead of serving (an
                   existing file only with --force; never a path inside a run folder)
  --force          with --out: replace an existing FILE.html
  --filter F       with --out: the slice to write, as the viewer's URL hash:
                   ${FILTER_KEYS.join(", ")}
                   e.g. 'category=Rumors&cell=safe-wrong'
  --max-mb N       with --out: refuse a slice above N MB of samples (default ${DEFAULT_EXPORT_LIMIT / 1024 / 1024})
  --review PLAN    label the samples of a review plan (written by 'bsa review plan', e.g. DIR/review-plan.json)
                   blind: the judge's verdicts show only after your label is saved; each label is
                   appended at once to DIR/labels-NAME.jsonl; reopening resumes where you stopped
  --reviewer NAME  with --review: who labels (letters, digits, '.', '_', '-'); one file per reviewer

Keys in the page: j/k next/previous sample, n/p next/previous question, r toggle reasoning, / search.
Review mode: a button per choice, with the judge rubric's wording (from BSA_PROMPTS_DIR or the pinned
prompts), or its key: s/u answer Safe/Unsafe, 1-3 reasoning category, Backspace back, x skip with a
reason, j/Enter next, k previous.`;

/**
 * `bsa view`.
 *
 * @param args The flags after `bsa view`.
 * @returns The exit code (0; serving runs until Ctrl-C).
 * @throws {BsaError} A bad flag ({@linkcode UsageError}), a folder that is not a run, or a slice above `--max-mb`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { viewCommand } from "./view.ts";
 * // A judged run folder (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, second = "True") => exampleRun({ model, safe, second });
 * const run = await judgedRun("m", 5);
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (s: string) => void printed.push(s);
 * const page = `${await Deno.makeTempDir()}/view.html`; // never inside a run folder
 * const code = await viewCommand(["--run", run, "--out", page]).finally(() => (console.log = log));
 * const html = await Deno.readTextFile(page);
 * assert(code === 0 && printed[0].startsWith("bsa view: wrote") && html.includes("q9")); // one self-contained file
 * ```
 */
export async function viewCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("view", args, {
    run: { type: "string", multiple: true },
    port: { type: "string" },
    dataset: { type: "string" },
    out: { type: "string" },
    filter: { type: "string" },
    "max-mb": { type: "string" },
    review: { type: "string" },
    reviewer: { type: "string" },
    force: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const given = (values.run as string[] | undefined) ?? [];
  if (!given.length) throw new UsageError("bsa view: --run DIR is required");
  const out = values.out as string | undefined;
  const filterText = values.filter as string | undefined;
  if (!out && (filterText !== undefined || values["max-mb"] !== undefined)) {
    throw new UsageError(
      "bsa view: --filter and --max-mb go with --out FILE.html (in the page, filter with the controls)",
    );
  }
  const port = numberFlag("view", values, "port", { integer: true, min: 0, max: 65535, default: 0 })!;
  const maxMb = numberFlag("view", values, "max-mb", {
    min: 0.001,
    max: 100_000,
    default: DEFAULT_EXPORT_LIMIT / 1024 / 1024,
  })!;
  // Keys and the values that need no data are checked before anything is read.
  if (filterText) _checkFilter(filterText);
  if (values.force && !out) throw new UsageError("bsa view: --force goes with --out FILE.html");
  if (out) await checkOutputFlag("view", "out", out, { force: values.force === true });
  if (values.review !== undefined || values.reviewer !== undefined) {
    return await _review(
      given,
      values,
      numberFlag("view", values, "port", { integer: true, min: 0, max: 65535, default: 0 })!,
    );
  }
  const dirs = await expandRunPaths(given);
  if (!dirs.length) throw new UsageError(`bsa view: no run folder (with manifest.json) in ${given.join(", ")}`);
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const filter = _checkFilter(filterText ?? "", dataset);
  const viewer = await RunViewer.open(dirs, dataset);
  if (out) {
    const html = await exportViewer(viewer, filter, { maxBytes: maxMb * 1024 * 1024 });
    await writeAtomic(out, html);
    console.log(`bsa view: wrote ${out} (${(html.length / 1024 / 1024).toFixed(1)} MB)`);
    return 0;
  }
  const server = await serveViewer(viewer, { port });
  console.log(`bsa view: ${server.url} (${dirs.length} run${dirs.length > 1 ? "s" : ""}; Ctrl-C to stop)`);
  await server.finished;
  return 0;
}

async function _review(given: string[], values: Record<string, unknown>, port: number): Promise<number> {
  const reviewer = values.reviewer as string | undefined;
  if (!reviewer) {
    throw new UsageError("bsa view: --review needs --reviewer NAME (each person labels into their own file)");
  }
  if (given.length !== 1) throw new UsageError("bsa view: --review labels one run: give one --run DIR");
  if (values.out !== undefined || values.filter !== undefined) {
    throw new UsageError("bsa view: --review serves the labelling page; it does not go with --out or --filter");
  }
  const run = given[0].replace(/\/$/, "");
  const plan = values.review as string | undefined;
  if (!plan) throw new UsageError(`bsa view: --reviewer needs --review PLAN (e.g. ${planPath(run)})`);
  const dataset = await loadDataset({ path: values.dataset as string | undefined });
  const session = await ReviewSession.open({ run, plan, reviewer, dataset });
  const server = await serveViewer(await RunViewer.open([run], dataset), { port, routes: reviewRoutes(session) });
  const s = session.status();
  console.log(
    `bsa view: review ${server.url} (${reviewer}: ${s.done} of ${s.total} labelled; labels in ${
      labelsFile(run, reviewer)
    }; Ctrl-C to stop)`,
  );
  await server.finished;
  return 0;
}

function _checkFilter(text: string, dataset?: Dataset) {
  try {
    return checkFilter(text, dataset);
  } catch (err) {
    if (err instanceof FilterError) throw new UsageError(`bsa view: --filter '${text}': ${err.message}`);
    throw err;
  }
}
