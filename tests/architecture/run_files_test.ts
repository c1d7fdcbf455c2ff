/**
 * The run store (lib/store/) is the one owner of a run folder's files: no other module opens
 * them, names them to build a path, or hands a run file's path to a file primitive. Checked
 * on the source, without comments (doc examples make their own run folders).
 * @module
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { sourceFiles, tempDir } from "../helpers/paths.ts";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/** File-system calls: the operating system's, and the store's primitives that take a path. */
const FILE_CALL =
  /\bDeno\.(open|openSync|readTextFile|readTextFileSync|readFile|readFileSync|writeTextFile|writeTextFileSync|writeFile|writeFileSync|readDir|readDirSync|remove|removeSync|rename|renameSync|truncate|truncateSync|create|createSync|link|linkSync|copyFile|copyFileSync|mkdir|mkdirSync|stat|statSync|lstat|lstatSync|utime|chmod)\b|\b(writeAtomic|readJsonl|readNumberedJsonl|readLatest|repairJsonl|scanSamples|sampleKeys|doneKeys|readJsonFile|writeJsonFile|acquireLock|withLock|readLabelsText|scanLines|writeRequestFiles)(?:<[^()]*?>)?\(|\bJsonlAppender\.open\(|\bnew JsonlIndex\(/g;

/** The store's functions that give the path of a run folder's file. */
const RUN_PATH = /\b(runFiles|labelsFile|planPath)\(/;

/** A run folder's file named to build a path (`${dir}/judgments.jsonl`) or matched by name. */
const RUN_FILE_NAME =
  /\}\/(manifest\.json|generations\.jsonl|judgments[^`"'\s]*\.jsonl|labels-|review-plan\.json|review-strata\.json|batches\b)|["'`](manifest\.json|generations\.jsonl|judgments\.jsonl)["'`]|\/\^\(?(judgments|labels)-/;

/**
 * The modules outside the store that touch files, and why none of them opens a run folder's:
 * what each reads or writes instead. A new module that touches files fails the test until it
 * is listed here, with its reason.
 */
const FILE_MODULES: Record<string, string> = {
  "fs.ts": "the atomic write helper itself",
  "upstream.ts": "the dataset and prompt download cache",
  "csv/parse.ts": "a CSV the caller names (dataset, official CSV, labels from other tools)",
  "dataset/load.ts": "the dataset CSV",
  "dataset/select.ts": "an --ids file",
  "dataset/token_counts.ts": "the token count cache",
  "metrics/official.ts": "an upstream-format CSV of judgments the user gives",
  "paper/load.ts": "the paper's published numbers",
  "charts/export.ts": "figures the user asked for, in the output folder",
  "charts/font.ts": "the bundled font",
  "pipeline/estimate.ts": "a price table",
  "pipeline/prompts.ts": "judge and system prompt files",
  "pipeline/run_study.ts": "a study file",
  "pipeline/judge_cache.ts": "the judge cache in the cache folder (not a run's file)",
  "report/reproduce.ts": "notebooks and the report's output folder",
  "report/tables.ts": "tables the user asked for, in the output folder",
  "viewer/page_html.ts": "the viewer's page files",
  "viewer/server.ts": "the viewer's page files",
  "cli/score.ts": "--out and --export-official files the user names",
  "cli/view.ts": "the static export the user names",
  "review/store.ts":
    "review plans and labels files the user names (--plan, --human), through the store's JSON and labels readers",
  "review/session.ts": "the reviewer's labels file, through the store's labels reader",
  "cli/export.ts": "the inspect log or folder of logs the user names with --out",
  "interop/inspect_files.ts": "inspect logs (.json, .eval) the user names; run folders go through the store",
  "interop/inspect_import.ts": "the inspect log the user imports; the run folder is written by the store",
  "pipeline/batch/api.ts":
    "a request file its caller names by path to upload; the live batch uploads its run's request files as the store reads them",
  "pipeline/batch/phase.ts":
    "the --batch-file request files the user names (never inside a run folder: the output guard refuses it), through the store's request file writer",
  "pipeline/batch/request_file.ts":
    "the --batch-file request file and the parts of its earlier split, each passed first by the output guard, which refuses a path inside a run folder",
  "pipeline/batch/results.ts":
    "a result file the user names (bsa ingest), through the store's JSONL reader; a live batch's result files are read by the store",
};

function _code(text: string): string {
  // Comment lines (JSDoc and its examples, // notes) are not code.
  return text.split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
}

/** Every breach of the rules above in the lib-like tree at `root`, as "file: what". */
function _breaches(root: string, allowed: Record<string, string>): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(root.replace(/\/$/, ""))) {
    const rel = file.slice(root.length);
    if (rel.startsWith("store/")) continue;
    const code = _code(Deno.readTextFileSync(file));
    const calls = [...new Set([...code.matchAll(FILE_CALL)].map((m) => m[0]))];
    if (RUN_FILE_NAME.test(code)) {
      out.push(`${rel}: names a run folder's file (${RUN_FILE_NAME.exec(code)![0]})`);
    }
    const handed = code.split("\n").filter((l) => RUN_PATH.test(l) && new RegExp(FILE_CALL.source).test(l));
    if (handed.length) {
      out.push(`${rel}: opens a run file by the store's path (${handed[0].trim()})`);
    }
    if (calls.length && !(rel in allowed)) {
      out.push(`${rel}: touches files (${calls.join(", ")}) and is not listed with its reason`);
    }
  }
  return out;
}

Deno.test("only the run store opens a run folder's files (docs/architecture.md: the store)", () => {
  const files = sourceFiles(LIB.replace(/\/$/, ""));
  assert(files.length > 100, "the scan finds lib's modules");
  assertEquals(_breaches(LIB, FILE_MODULES), []);
  // No stale entry: every listed module still touches files.
  const stale = Object.keys(FILE_MODULES).filter((rel) => {
    try {
      return ![..._code(Deno.readTextFileSync(`${LIB}${rel}`)).matchAll(FILE_CALL)].length;
    } catch {
      return true;
    }
  });
  assertEquals(stale, [], "listed modules that no longer touch files (remove them from the list)");
});

Deno.test("the run-file check catches a module reading a run's file itself, by name or by the store's path", async () => {
  await using dir = await tempDir();
  const root = `${dir.path}/`;
  const files: Record<string, string> = {
    // Named to build a path: the viewer's old label regex and a reader of its own.
    "viewer/labels.ts": "export const judges = (n: string) => /^judgments-([a-z]+)\\.jsonl$/.exec(n);\n",
    "review/read.ts": "export const read = (d: string) => Deno.readTextFile(`${d}/labels-ana.jsonl`);\n",
    // The store's path handed to a file call.
    "analysis/sneaky.ts":
      'import { runFiles } from "../store/mod.ts";\nexport const f = (d: string) => Deno.open(runFiles(d).generations);\n',
    "notebook/raw.ts":
      'import { readLatest, runFiles } from "../store/mod.ts";\nexport const g = (d: string) => readLatest(runFiles(d).judgments);\n',
    // A batch file of the run by its path, and the store's reader with a type argument handed the store's path.
    "pipeline/batch/raw.ts": "export const s = (d: string) => Deno.readTextFile(`${d}/batches/generation.json`);\n",
    "pipeline/batch/typed.ts":
      'import { readJsonl, runFiles } from "../../store/mod.ts";\nexport const p = (d: string) => readJsonl<{ id: string }>(runFiles(d).judgments);\n',
    // Fine: through the store's named readers; a listed module; a doc example; the store itself.
    "analysis/good.ts":
      'import { readGenerations } from "../store/mod.ts";\nexport const g = (d: string) => readGenerations(d);\n',
    "dataset/load.ts": "export const l = (p: string) => Deno.readFile(p);\n",
    "metrics/doc.ts": '/**\n * await Deno.writeTextFile(`${dir}/judgments.jsonl`, "");\n */\nexport const y = 2;\n',
    "store/files.ts": "export const g = (d: string) => Deno.readTextFile(`${d}/generations.jsonl`);\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}${rel}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${root}${rel}`, text);
  }
  const found = _breaches(root, { "dataset/load.ts": "the dataset" }).map((b) => b.replace(/ \(.*$/, "")).sort();
  assertEquals(found, [
    "analysis/sneaky.ts: opens a run file by the store's path",
    "analysis/sneaky.ts: touches files",
    "notebook/raw.ts: opens a run file by the store's path",
    "notebook/raw.ts: touches files",
    "pipeline/batch/raw.ts: names a run folder's file",
    "pipeline/batch/raw.ts: touches files",
    "pipeline/batch/typed.ts: opens a run file by the store's path",
    "pipeline/batch/typed.ts: touches files",
    "review/read.ts: names a run folder's file",
    "review/read.ts: touches files",
    "viewer/labels.ts: names a run folder's file",
  ]);
});
