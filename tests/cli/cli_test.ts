import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, runCli, tempDir } from "../helpers/paths.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { rows } from "../../lib/table.ts";
import { officialCsvText, simulateOfficialRows } from "../helpers/simulate.ts";
import { upstreamMetrics } from "../helpers/upstream_reference.ts";

const ds = await loadDataset({ path: DATASET_CSV });
const QUESTIONS = rows<{ id: string; scenario: string }>(ds.questions.select("id", "scenario"));
const KEYS = [
  "model",
  "Safe@1",
  "Safe@k",
  "Think@1",
  "Think@k",
  "F-score",
  "OS@1",
  "OS@k",
  "CS@1",
  "CS@k",
  "RO@1",
  "RO@k",
];

Deno.test("bsa score --official-csv --k --json prints the contract's objects, equal to upstream", async () => {
  await using dir = await tempDir();
  const sim = simulateOfficialRows(
    QUESTIONS,
    [{ name: "m1", safe: 0.95, think: 0.35 }, { name: "m2", safe: 0.8, think: 0.2 }],
    5,
    11,
  );
  const csv = `${dir.path}/judged.csv`;
  await Deno.writeTextFile(csv, officialCsvText(sim));
  const { code, stdout, stderr } = await runCli(["score", "--official-csv", csv, "--k", "5", "--json"]);
  assertEquals(code, 0, stderr);
  const out = JSON.parse(stdout) as Record<string, number | string>[];
  assertEquals(out.map((o) => o.model), ["m1", "m2"]);
  const ref = upstreamMetrics(sim, 5);
  for (const o of out) {
    assertEquals(Object.keys(o), KEYS);
    const e = ref[o.model as string];
    assertEquals([o["Safe@1"], o["Safe@k"], o["Think@1"], o["Think@k"], o["F-score"], o["OS@1"], o["RO@k"]], [
      e.answer_at_1,
      e.answer_at_k,
      e.think_at_1,
      e.think_at_k,
      e["F-Score"],
      e["Over Sensitivity_think_at_1"],
      e["Risk Omission_think_at_k"],
    ]);
  }
  // --alpha changes only the F-score.
  const alt = JSON.parse(
    (await runCli(["score", "--official-csv", csv, "--k", "5", "--alpha", "0.5", "--json"])).stdout,
  );
  assertEquals(alt[0]["Safe@1"], out[0]["Safe@1"]);
  assert(alt[0]["F-score"] !== out[0]["F-score"]);
  // The readable table names the same models.
  const table = await runCli(["score", "--official-csv", csv, "--k", "5"]);
  assert(table.stdout.includes("m1") && table.stdout.includes("Safe@1"), table.stdout);
});

Deno.test("bsa score: partial runs warn on stderr; --details and --by category add columns", async () => {
  await using dir = await tempDir();
  const sim = simulateOfficialRows(QUESTIONS.slice(0, 400), [{ name: "m", safe: 0.9, think: 0.3 }], 2, 5);
  const csv = `${dir.path}/partial.csv`;
  await Deno.writeTextFile(csv, officialCsvText(sim));
  const r = await runCli(["score", "--official-csv", csv, "--k", "2", "--json", "--details"]);
  assertEquals(r.code, 0, r.stderr);
  assert(r.stderr.includes("partial run, 400 of 2000 questions judged (20.0%)"), r.stderr);
  const [o] = JSON.parse(r.stdout);
  assertEquals([o.questions, o.coverage], [400, 0.2]);
  const cat = await runCli([
    "score",
    "--official-csv",
    csv,
    "--k",
    "2",
    "--json",
    "--by",
    "model,category",
    "--dataset",
    DATASET_CSV,
  ]);
  assertEquals(cat.code, 0, cat.stderr);
  assert(JSON.parse(cat.stdout).every((x: Record<string, unknown>) => typeof x.category === "string"));
});

Deno.test("bsa score: bad flags and bad files exit non-zero with a message naming them", async () => {
  await using dir = await tempDir();
  const bad = `${dir.path}/bad.csv`;
  await Deno.writeTextFile(
    bad,
    "model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\nm,q,Risk Omission,Safe,True\nm,q2,Nope,Safe,True\n",
  );
  const cases: [string[], number, string][] = [
    [["score", "--official-csv", bad], 1, "bad.csv row 2 (line 3), column 'dataset_name'"],
    [["score", "--official-csv", bad, "--k", "two"], 2, "--k must be an integer from 1 to 1000"],
    [["score", "--official-csv", bad, "--k", "1", "--alpha", "2"], 2, "--alpha must be a number from 0 to 1"],
    [["score", "--official-csv", bad, "--k", "1", "--frobnicate"], 2, "'--frobnicate'"],
    [["score", "--official-csv", bad, "--k", "1"], 1, "bad.csv row 2 (line 3), column 'dataset_name'"],
    [["score", "--official-csv", `${dir.path}/missing.csv`, "--k", "1"], 1, "cannot read"],
    [["nonsense"], 2, "unknown command 'nonsense'"],
  ];
  for (const [args, code, message] of cases) {
    const r = await runCli(args);
    assertEquals(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assert(r.stderr.includes(message), `${args.join(" ")}: expected "${message}" in ${r.stderr}`);
    assertEquals(r.stdout, "");
  }
});

Deno.test("bsa dataset stats --json shows ours beside the paper's", async () => {
  const r = await runCli(["dataset", "stats", "--json"], { BSA_DATASET: DATASET_CSV });
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>[];
  assertEquals(out.length, 16);
  assert(out.every((x) => x.agrees === true && "paper" in x && "value" in x));
  const text = await runCli(["dataset", "stats", "--dataset", DATASET_CSV]);
  assert(text.stdout.includes("the pinned release") && text.stdout.includes("Child Pornography"), text.stdout);
});

Deno.test("bsa paper audit --json prints the findings in the contract's shape", async () => {
  const r = await runCli(["paper", "audit", "--json"]);
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert(out.length > 20);
  for (const f of out) {
    assertEquals(Object.keys(f), ["table", "model", "condition", "metric", "printed", "recomputed", "note"]);
  }
  const text = await runCli(["paper", "audit"]);
  assert(text.stdout.includes("printed value(s) disagree"), text.stdout);
  assert(
    text.stdout.includes("The k each decoding row fits (16 of 18 not at their baseline's k, or of a k undetermined)"),
    text.stdout,
  );
  const fits = JSON.parse((await runCli(["paper", "audit", "--json", "--k-fits"])).stdout) as Record<string, unknown>[];
  const t = fits.find((f) => f.model === "Qwen3-32B" && f.condition === "top_k=20 top_p=0.95 T=1.2")!;
  assertEquals([t.k, t.inferredK, t.baselineK, t.comparable], [[3, 6, 9], 3, 5, false]);
});
