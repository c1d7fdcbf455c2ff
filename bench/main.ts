/**
 * `deno task bench`: every benchmark of the toolkit, each printing its figures beside its
 * target. `--only NAME[,NAME]` runs some; `--write` records the figures in bench/RESULTS.md.
 */
import { parseArgs } from "node:util";
import { type Figure, ROOT } from "./_util.ts";
import { batchBench } from "./batch.ts";
import { memoryBench } from "./memory.ts";
import { pipelineBench } from "./pipeline.ts";
import { reproduceBench } from "./reproduce.ts";
import { resumeBench } from "./resume.ts";
import { scoringBench } from "./scoring.ts";
import { leanMemoryBench, startBench } from "./start.ts";
import { viewerBench } from "./viewer.ts";

const BENCHES: Record<string, (tmp: string) => Promise<Figure[]>> = {
  pipeline: pipelineBench,
  memory: memoryBench,
  resume: resumeBench,
  scoring: scoringBench,
  reproduce: reproduceBench,
  start: startBench,
  lean: leanMemoryBench,
  batch: batchBench,
  viewer: viewerBench,
};

const { values } = parseArgs({ args: Deno.args, options: { only: { type: "string" }, write: { type: "boolean" } } });
const only = (values.only as string | undefined)?.split(",");
const tmp = await Deno.makeTempDir({ prefix: "bsa-bench-" });
const figures: Figure[] = [];
const t0 = performance.now();
try {
  for (const [name, bench] of Object.entries(BENCHES)) {
    if (only && !only.includes(name)) continue;
    console.log(`== ${name}`);
    const f = await bench(tmp);
    for (const x of f) {
      console.log(
        `  ${x.figure}: ${x.value}  (target ${x.target}${x.met === null ? "" : x.met ? ": met" : ": NOT met"})`,
      );
    }
    figures.push(...f);
  }
} finally {
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}
const total = (performance.now() - t0) / 1000;
console.log(`all benchmarks: ${total.toFixed(0)} s`);
if (values.write) {
  const cpu = /model name\s*:\s*(.+)/.exec(await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))?.[1] ??
    "unknown CPU";
  const table = [
    "| benchmark | figure | value | target | met |",
    "|---|---|---|---|---|",
    ...figures.map((f) =>
      `| ${f.benchmark} | ${f.figure} | ${f.value} | ${f.target} | ${f.met === null ? "–" : f.met ? "yes" : "**no**"} |`
    ),
  ].join("\n");
  const path = `${ROOT}bench/RESULTS.md`;
  const old = await Deno.readTextFile(path).catch(() => "");
  const marker = "<!-- figures -->";
  const block = `${marker}\nMachine: ${navigator.hardwareConcurrency} cores, ${cpu}, Deno ${Deno.version.deno}. Date: ${
    new Date().toISOString().slice(0, 10)
  }. Run time of these benchmarks: ${total.toFixed(0)} s.\n\n${table}\n${marker}`;
  const next = old.includes(marker)
    ? old.replace(new RegExp(`${marker}[\\s\\S]*${marker}`), block)
    : `${old}\n${block}\n`;
  await Deno.writeTextFile(path, next);
  console.log(`wrote ${path}`);
}
