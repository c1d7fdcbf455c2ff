import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { sourceFiles } from "../helpers/paths.ts";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/**
 * Which folder of lib/ may import which (the README's Architecture section). `.` is the
 * base: the files directly in lib/ (errors, fs, table, hash...). A folder may always import
 * itself and its subfolders. lib/mod.ts (the public API) and lib/cli.ts sit on top of everything.
 */
const BASE = [".", "csv"];
const MAY_IMPORT: Record<string, string[]> = {
  ".": [],
  csv: ["."],
  dataset: [...BASE],
  metrics: [...BASE, "dataset"],
  stats: [...BASE, "dataset", "metrics"],
  paper: [...BASE, "dataset", "metrics", "stats"],
  // Charts only draw: statistics they show come computed from stats and paper, never from a chart module.
  charts: [...BASE, "dataset", "metrics", "paper"],
  pipeline: [...BASE, "dataset", "metrics"],
  analysis: [...BASE, "dataset", "metrics", "stats", "paper", "pipeline"],
  review: [...BASE, "dataset", "metrics", "stats", "paper", "pipeline", "analysis"],
  viewer: [...BASE, "dataset", "metrics", "stats", "pipeline", "analysis", "review"],
  notebook: [...BASE, "dataset", "metrics", "stats", "paper", "charts", "pipeline", "analysis", "review", "viewer"],
  report: [...BASE, "dataset", "metrics", "stats", "paper", "charts", "pipeline", "analysis", "notebook"],
  cli: ["*"],
};
const TOP_FILES = ["mod.ts", "cli.ts"];

/** Top folder of a path relative to lib/ ("." for files directly in lib/). */
function _layer(rel: string): string {
  return rel.includes("/") ? rel.split("/")[0] : ".";
}

/** Every relative import of lib's files as [importing file, imported file], relative to lib/. */
function _imports(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of sourceFiles(LIB.replace(/\/$/, ""))) {
    const rel = file.slice(LIB.length);
    const text = Deno.readTextFileSync(file);
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      // Doc examples import their own module; only real imports count.
      const line = text.slice(text.lastIndexOf("\n", m.index) + 1, m.index);
      if (/^\s*\*/.test(line)) continue;
      const target = fileURLToPath(new URL(m[1], `file://${file}`)).slice(LIB.length);
      out.push([rel, target]);
    }
  }
  return out;
}

Deno.test("lib's folders import only the layers below them (README: Architecture)", () => {
  const imports = _imports();
  assert(imports.length > 100, "the scan finds the imports");
  const unknown = [...new Set(imports.map(([f]) => _layer(f)))].filter((l) => !(l in MAY_IMPORT));
  assertEquals(unknown, [], "every folder of lib/ has a place in the layer map of this test and the README");
  const wrong = imports.filter(([from, to]) => {
    if (TOP_FILES.includes(from)) return false;
    const a = _layer(from), b = _layer(to);
    return a !== b && !MAY_IMPORT[a].includes("*") && !MAY_IMPORT[a].includes(b);
  }).map(([from, to]) => `${from} imports ${to}`);
  assertEquals(wrong, []);
});

Deno.test("the layer check catches a library folder importing the run store or the CLI", () => {
  // The rule the test applies, on the two mistakes this project made before.
  const allowed = (a: string, b: string) => a === b || MAY_IMPORT[a].includes("*") || MAY_IMPORT[a].includes(b);
  assert(!allowed("stats", "pipeline"), "stats reading run folders");
  assert(!allowed("pipeline", "stats"), "the run store computing statistics");
  assert(!allowed("metrics", "cli"));
  assert(!allowed("charts", "stats"), "a chart module computing statistics");
  assert(allowed("analysis", "pipeline") && allowed("cli", "analysis"));
});
