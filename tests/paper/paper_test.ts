import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import {
  auditPaper,
  formatK,
  fScoreConvention,
  K_CANDIDATES,
  loadPaper,
  paperKFits,
  parsePaperCsv,
  possibleK,
  withRecomputedFScore,
} from "../../lib/paper/mod.ts";
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
  const decoding = findings.filter((f) => f.table === "decoding" && ["Think@k", "F-score"].includes(f.metric));
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

Deno.test("possibleK: @1 values are multiples of 100/(n·k), @k values of 100/n, at the printed precision", () => {
  assertEquals(possibleK(60.56, 600, "@1", 2), [3, 6, 8, 9]); // at k=5: 1816/3000 = 60.533, 1817/3000 = 60.567
  assertEquals(possibleK(60.43, 600, "@1", 2).includes(5), true);
  assertEquals(possibleK(82.59, 2000, "@k", 2), []);
  assertEquals(possibleK(82.6, 2000, "@k", 2), K_CANDIDATES);
  assertEquals(possibleK(49.8, 200, "@1", 1), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assertEquals(possibleK(49.8, 200, "@1", 2), [5, 10]);
});

Deno.test("the audit finds the decoding sweep's k: 14 of 16 other settings fit k=3/6/9, two fit no one k", async () => {
  const paper = await loadPaper();
  const fits = paperKFits(paper);
  const rec = fits.filter((f) => f.table === "decoding" && f.baseline === "-");
  assertEquals(rec.map((f) => f.inferredK), [5, 5]);
  const others = fits.filter((f) => f.table === "decoding" && f.baseline !== "-");
  assertEquals(others.length, 16);
  // No setting is compared with its recommended row at k=5: 14 fit k=3 (and its multiples);
  // QwQ-32B's greedy top_k=1 fits every k from 2 to 10 and T=1.2 fits 6, 9, 10: no k is determined.
  assert(others.every((f) => !f.comparable && f.baselineK === 5), JSON.stringify(others.find((f) => f.comparable)));
  assertEquals(others.filter((f) => f.inferredK === 3).length, 14);
  assertEquals(others.filter((f) => f.undetermined).map((f) => `${f.model} ${f.condition} ${formatK(f.k)}`), [
    "QwQ-32B top_k=1 top_p=0.95 T=0.6 2, 3, 4, 5, 6, 7, 8, 9, 10",
    "QwQ-32B top_k=40 top_p=0.95 T=1.2 6, 9, 10",
  ]);
  // Every main-table row fits the paper's k=5; all but Qwen3-1.7B's (2, 4–10) determine it.
  const main = fits.filter((f) => f.table === "main");
  assert(main.every((f) => f.k.includes(5)));
  assertEquals(main.filter((f) => !f.comparable).map((f) => f.model), ["Qwen3-1.7B"]);
  // The safety-rules table prints too coarsely to determine any row's k.
  assert(fits.filter((f) => f.table === "safetyRules").every((f) => f.undetermined && f.k.includes(5)));
  const findings = auditPaper(paper).filter((f) => f.metric === "k");
  assertEquals(findings.filter((f) => f.table === "decoding").length, 16);
  assert(findings.filter((f) => f.table === "decoding").every((f) => f.recomputed === 5));
  assert(findings.some((f) => f.condition === "top_k=1 top_p=0.95 T=0.6" && f.note.includes("do not determine its k")));
  assertEquals(findings.filter((f) => f.table !== "decoding").map((f) => `${f.table} ${f.model} ${f.condition}`), [
    "main Qwen3-1.7B -",
    "safetyRules QwQ-32B rules",
    "safetyRules R1-Distill-Llama-70B rules",
    "safetyRules R1-Distill-Qwen-32B rules",
    "safetyRules R1-Distill-Qwen-14B rules",
    "safetyRules R1-Distill-Llama-8B rules",
    "star1 Qwen3-1.7B star1",
  ]);
});

Deno.test("the audit flags values possible for no k and checks @k ≤ @1", async () => {
  const paper = await loadPaper();
  const impossible = auditPaper(paper).filter((f) => f.note.includes("impossible for any k"));
  assertEquals(impossible.map((f) => `${f.table}|${f.model}|${f.metric}|${f.printed}`).sort(), [
    "decoding|QwQ-32B|CS@k|3.68",
    "main|GLM-Z1-AirX|Safe@k|82.59",
  ]);
  // The published tables respect @k ≤ @1; a row that does not is named.
  assert(!auditPaper(paper).some((f) => f.note.includes("@k ≤ @1")));
  const bad = { ...paper, main: parsePaperCsv("model,Safe@1,Safe@k\nm,80.00,81.00\n", "x.csv") };
  const f = auditPaper(bad).find((x) => x.note.includes("@k ≤ @1"))!;
  assertEquals([f.model, f.metric, f.printed, f.recomputed], ["m", "Safe@k", 81, 80]);
});

Deno.test("one F-score convention: recomputed at the code's α, printed kept; Qwen3-235B-A22B ranks 7th, not 12th", async () => {
  const paper = await loadPaper();
  const main = rows(paper.main);
  const r = withRecomputedFScore(main);
  const rank = (key: "F-score" | "F-score (printed)") =>
    [...r].sort((a, b) => b[key]! - a[key]!).findIndex((x) => x.model === "Qwen3-235B-A22B") + 1;
  assertEquals([rank("F-score"), rank("F-score (printed)")], [7, 12]);
  const claude = r.find((x) => x.model === "Claude-3.7-Sonnet")!;
  assertEquals([claude["F-score"], claude["F-score (printed)"]], [62.85, 68.92]);
  // At α = 0.61 the ranking agrees: the fault is the mix, not the choice of α.
  const r61 = withRecomputedFScore(main, 0.61).sort((a, b) => b["F-score"]! - a["F-score"]!);
  assertEquals(r61.findIndex((x) => x.model === "Qwen3-235B-A22B") + 1, 7);
  assertEquals(withRecomputedFScore([{ model: "m", "Safe@1": 90 }])[0]["F-score"], null);
  // The count and the α of the mix are computed from the table: the 20 rows the audit explains by α = 0.61.
  const said = fScoreConvention(paper);
  assert(said.includes("20 main-table rows α ≈ 0.61, the rest 0.7639") && said.includes("paper audit"), said);
  const fewer = { ...paper, main: paper.main.filter((d) => d.model !== "QwQ-32B") };
  assert(fScoreConvention(fewer).includes("19 main-table rows α ≈ 0.61"), fScoreConvention(fewer));
});
