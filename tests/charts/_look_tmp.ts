import { FIGURES, renderFigure, renderPng } from "../../lib/charts/mod.ts";
import { loadUserRuns } from "../../lib/analysis/mod.ts";
import { loadPaper } from "../../lib/paper/mod.ts";
import { taggedRuns } from "../helpers/tagged_runs.ts";
import { writeViewerRun } from "../helpers/viewer_runs.ts";
await using r = await taggedRuns({ tags: { params_b: "8" } });
// rename conditions: base / star1
const m = JSON.parse(await Deno.readTextFile(`${r.dirs[1]}/manifest.json`));
m.tags.condition = "star1";
await Deno.writeTextFile(`${r.dirs[1]}/manifest.json`, JSON.stringify(m));
const runs = await loadUserRuns(r.dirs, { replicates: 200 });
console.log(runs!.warnings.slice(0, 2));
const paper = await loadPaper();
const { svg } = await renderFigure(FIGURES.star1_absolute.build({ paper, runs }, "full")!, "full");
await Deno.writeFile(`/tmp/runs_star1.png`, renderPng(svg, 150));
