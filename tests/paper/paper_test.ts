import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import { auditPaper, loadPaper, parsePaperCsv } from "../../lib/paper/mod.ts";
import { rows } from "../../lib/table.ts";
import { ROOT } from "../helpers/paths.ts";

const SHARED_PAPER = `${ROOT}../shared/paper/`;

Deno.test("data/paper holds the shared published numbers unchanged", async () => {
  for (const f of ["main_results", "safety_rules", "star1_finetune", "decoding_sweeps", "dataset_stats"]) {
    assertEquals(
      await Deno.readTextFile(`${ROOT}data/paper/${f}.csv`),
      await Deno.readTextFile(`${SHARED_PAPER}${f}.csv`),
      f,
    );
  }
});

Deno.test("paper tables load with typed columns", async () => {
  const p = await loadPaper();
  assertEquals(p.main.numRows(), 23);
  assertEquals(p.safetyRules.numRows(), 10);
  assertEquals(p.star1.numRows(), 12);
  assertEquals(p.decoding.numRows(), 18);
  const claude = rows(p.main.filter((d: { model: string }) => d.model === "Claude-3.7-Sonnet"))[0];
  assertEquals(claude["Safe@1"], 98.05 + 1.23); // 99.28, a number, not a string
  assertEquals(claude.total_params_b, null);
  const qwen = rows(p.main.filter((d: { model: string }) => d.model === "Qwen3-30B-A3B"))[0];
  assertEquals([qwen.total_params_b, qwen.active_params_b], [30, 3]);
  assertEquals(rows(p.decoding.filter((d: { recommended: boolean }) => d.recommended)).length, 2);
});

Deno.test("a non-numeric value in a paper table names file, row and column", () => {
  assertThrows(
    () => parsePaperCsv("model,Safe@1\nm,93.5\nn,abc\n", "x.csv"),
    BsaError,
    "x.csv row 2 (line 3), column 'Safe@1': not a number: abc",
  );
});

Deno.test("the audit recomputes Think and F-score and explains the main table's F-score weight", async () => {
  const findings = auditPaper(await loadPaper());
  const mainF = findings.filter((f) => f.table === "main" && f.metric === "F-score");
  // 20 of the 23 main-table F-scores use α = 0.61; GLM-Z1-AirX, Kimi-K1.5 and Qwen3-235B-A22B use the code's α.
  assertEquals(mainF.length, 20);
  assert(mainF.every((f) => f.note.includes("explained by α=0.61")), JSON.stringify(mainF[0]));
  const agreeing = ["GLM-Z1-AirX", "Kimi-K1.5", "Qwen3-235B-A22B"];
  assert(!mainF.some((f) => agreeing.includes(f.model)));
  const claude = mainF.find((f) => f.model === "Claude-3.7-Sonnet")!;
  assertEquals([claude.printed, claude.recomputed], [68.92, 62.85]);
  // Think is consistent throughout the main table.
  assert(!findings.some((f) => f.table === "main" && f.metric.startsWith("Think")));
});

Deno.test("the audit lists the decoding table's inconsistent values", async () => {
  const findings = auditPaper(await loadPaper());
  const decoding = findings.filter((f) => f.table === "decoding");
  const keys = decoding.map((f) => `${f.model}|${f.condition}|${f.metric}`).sort();
  assertEquals(keys, [
    "QwQ-32B|top_k=40 top_p=0.95 T=1.2|F-score",
    "QwQ-32B|top_k=40 top_p=0.95 T=1|Think@k",
    "Qwen3-32B|top_k=1 top_p=0.95 T=0.6|Think@k",
    "Qwen3-32B|top_k=20 top_p=0.95 T=0.4|Think@k",
    "Qwen3-32B|top_k=20 top_p=0.95 T=1.2|Think@k",
  ]);
  const big = decoding.find((f) => f.condition === "top_k=20 top_p=0.95 T=0.4")!;
  assertEquals([big.printed, big.recomputed], [15.95, 16.749]);
  const f = decoding.find((f) => f.metric === "F-score")!;
  assert(f.note.includes("no two-decimal α reproduces it"), f.note);
});

Deno.test("the audit compares the same model across tables", async () => {
  const cross = auditPaper(await loadPaper()).filter((f) => f.table === "cross-table");
  assertEquals(cross.map((f) => `${f.model}|${f.condition}|${f.metric}`).sort(), [
    "QwQ-32B|decoding default|F-score",
    "QwQ-32B|safety-rules base|CS@1",
    "Qwen3-32B|decoding default|F-score",
  ]);
});

Deno.test("with the α that the main table used, its F-scores are no longer findings", async () => {
  const findings = auditPaper(await loadPaper(), 0.61);
  const mainF = findings.filter((f) => f.table === "main" && f.metric === "F-score");
  assertEquals(mainF.map((f) => f.model).sort(), ["GLM-Z1-AirX", "Kimi-K1.5", "Qwen3-235B-A22B"]);
});
