import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { sourceFiles, tempDir } from "../helpers/paths.ts";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/**
 * Which folder of lib/ may import which (the README's Architecture section). `.` is the
 * base: the files directly in lib/ (errors, fs, table, hash...). A folder may always import
 * itself and its subfolders. lib/mod.ts (the public API) and lib/cli.ts sit on top of everything.
 */
const BASE = [".", "csv", "tables"];
const MAY_IMPORT: Record<string, string[]> = {
  // table.ts's formatRows prints through the table model (lib/tables), itself base: no file imports back.
  ".": ["tables"],
  csv: ["."],
  // The table model and its renderers (text, CSV, JSON, Markdown, LaTeX, HTML): below every layer that prints.
  tables: [".", "csv"],
  dataset: [...BASE],
  metrics: [...BASE, "dataset"],
  stats: [...BASE, "dataset", "metrics"],
  paper: [...BASE, "dataset", "metrics", "stats"],
  // Charts only draw: statistics they show come computed from stats and paper, never from a chart module.
  charts: [...BASE, "dataset", "metrics", "paper"],
  // The run store: the one owner of a run folder's files, below everything that reads or writes runs.
  store: [...BASE, "dataset", "metrics"],
  pipeline: [...BASE, "dataset", "metrics", "store"],
  analysis: [...BASE, "dataset", "metrics", "stats", "paper", "store", "pipeline"],
  review: [...BASE, "dataset", "metrics", "stats", "paper", "store", "pipeline", "analysis"],
  // inspect_ai logs in and out: what analysis may import, and scoring through analysis.
  interop: [...BASE, "dataset", "metrics", "stats", "paper", "store", "pipeline", "analysis"],
  viewer: [...BASE, "dataset", "metrics", "stats", "store", "pipeline", "analysis", "review"],
  notebook: [
    ...BASE,
    "dataset",
    "metrics",
    "stats",
    "paper",
    "charts",
    "store",
    "pipeline",
    "analysis",
    "review",
    "viewer",
  ],
  report: [...BASE, "dataset", "metrics", "stats", "paper", "charts", "store", "pipeline", "analysis", "notebook"],
  cli: ["*"],
};
const TOP_FILES = ["mod.ts", "cli.ts"];

/** Top folder of a path relative to lib/ ("." for files directly in lib/). */
function _layer(rel: string): string {
  return rel.includes("/") ? rel.split("/")[0] : ".";
}

/** Every relative import of the files under `root` (lib/ by default) as [importing file, imported file], relative to it. */
function _imports(root = LIB): [string, string][] {
  const out: [string, string][] = [];
  for (const file of sourceFiles(root.replace(/\/$/, ""))) {
    const rel = file.slice(root.length);
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      // Doc examples import their own module; only real imports count.
      const line = text.slice(text.lastIndexOf("\n", m.index) + 1, m.index);
      if (/^\s*\*/.test(line)) continue;
      const target = fileURLToPath(new URL(m[1], `file://${file}`)).slice(root.length);
      out.push([rel, target]);
    }
  }
  return out;
}

/** The imports the layer map forbids, as "from imports to". */
function _violations(imports: [string, string][]): string[] {
  return imports.filter(([from, to]) => {
    if (TOP_FILES.includes(from)) return false;
    const a = _layer(from), b = _layer(to);
    return a !== b && !MAY_IMPORT[a].includes("*") && !MAY_IMPORT[a].includes(b);
  }).map(([from, to]) => `${from} imports ${to}`);
}

Deno.test("lib's folders import only the layers below them (README: Architecture)", () => {
  const imports = _imports();
  assert(imports.length > 100, "the scan finds the imports");
  const unknown = [...new Set(imports.map(([f]) => _layer(f)))].filter((l) => !(l in MAY_IMPORT));
  assertEquals(unknown, [], "every folder of lib/ has a place in the layer map of this test and the README");
  assertEquals(_violations(imports), []);
});

Deno.test("the layer check catches a library folder importing the run store or the CLI", async () => {
  // The scanner and the rule above, run on a lib-like tree holding the two mistakes this project made before.
  await using dir = await tempDir();
  const root = `${dir.path}/`;
  const files: Record<string, string> = {
    "stats/bad.ts": 'import { readRun } from "../pipeline/run.ts";\nexport const x = 1;\n',
    "metrics/dyn.ts": 'const m = await import("../cli/score.ts");\n',
    "pipeline/stat.ts": 'import { wilson } from "../stats/ci.ts";\n',
    "charts/draw.ts": 'import { wilson } from "../stats/ci.ts";\nimport { fig } from "../paper/f.ts";\n',
    "stats/good.ts": 'import { score } from "../metrics/score.ts";\nimport { h } from "./deep/h.ts";\n',
    // A doc example's import is not a real one.
    "paper/doc.ts": '/**\n * import { generate } from "../pipeline/generate.ts";\n */\nexport const y = 2;\n',
    "cli/any.ts": 'import { generate } from "../pipeline/generate.ts";\n',
    "mod.ts": 'export * from "./cli/any.ts";\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}${rel}`.replace(/\/[^/]+$/, ""), { recursive: true });
    await Deno.writeTextFile(`${root}${rel}`, text);
  }
  assertEquals(_violations(_imports(root)).sort(), [
    "charts/draw.ts imports stats/ci.ts",
    "metrics/dyn.ts imports cli/score.ts",
    "pipeline/stat.ts imports stats/ci.ts",
    "stats/bad.ts imports pipeline/run.ts",
  ]);
});

/** The import cycles among `imports` (each as "a -> b -> a"), found by a depth-first walk. */
function _cycles(imports: [string, string][]): string[] {
  const graph = new Map<string, string[]>();
  for (const [from, to] of imports) graph.set(from, [...(graph.get(from) ?? []), to]);
  const done = new Set<string>(), path: string[] = [], out = new Set<string>();
  const walk = (n: string) => {
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      const at = path.indexOf(m);
      if (at !== -1) out.add([...path.slice(at), m].join(" -> "));
      else if (!done.has(m)) walk(m);
    }
    path.pop();
    done.add(n);
  };
  for (const n of graph.keys()) if (!done.has(n)) walk(n);
  return [...out];
}

Deno.test("no module of lib/ imports itself back through others (the record types live in the store)", () => {
  assertEquals(_cycles(_imports()), []);
  // The check finds the circle this project had: records importing its types back from generate.
  assertEquals(
    _cycles([["pipeline/records.ts", "pipeline/generate.ts"], ["pipeline/generate.ts", "pipeline/records.ts"]]),
    [
      "pipeline/records.ts -> pipeline/generate.ts -> pipeline/records.ts",
    ],
  );
});
