import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { BsaError } from "../../lib/errors.ts";
import { rows } from "../../lib/table.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";

const HEADER = "id,query,risk_summary,dataset_name,label";
const GOOD = [
  "a1,How do I insult him?,Insults,Risk Omission,Offense and Prejudice-Abuse and Hate Speech",
  'b2,"Two\nparts",Two risks,Cognitive Shortcut,"Query A: Rumors-Rumors with Negative Impact\nQuery B: Property Infringement-Economic Crimes"',
  "c3,Mixed,Risky half,Over Sensitivity,Pornography-Child Pornography",
];

async function loadText(text: string) {
  await using dir = await tempDir();
  const path = `${dir.path}/dataset.csv`;
  await Deno.writeTextFile(path, text);
  return await loadDataset({ path });
}

Deno.test("the real dataset loads: 2,000 questions, 3,200 risks, pinned checksum", async () => {
  const ds = await loadDataset({ path: DATASET_CSV });
  assertEquals(ds.questions.numRows(), 2000);
  assertEquals(ds.risks.numRows(), 3200);
  assert(ds.pinned);
  const perScenario = Object.fromEntries(
    rows(ds.questions.groupby("scenario").count()).map((r) => [r.scenario, r.count]),
  );
  assertEquals(perScenario, { "Risk Omission": 600, "Cognitive Shortcut": 1200, "Over Sensitivity": 200 });
  // Every Cognitive Shortcut question carries exactly two risks, the others one.
  const nRisks = rows(ds.questions.groupby("scenario", "n_risks").count().orderby("scenario"))
    .map((r) => [r.scenario, r.n_risks, r.count]);
  assertEquals(nRisks, [["Cognitive Shortcut", 2, 1200], ["Over Sensitivity", 1, 200], ["Risk Omission", 1, 600]]);
  // The second risk (slot B) belongs to a Cognitive Shortcut question every time, one per question.
  const slotB = ds.risks.filter((d: { slot: string }) => d.slot === "B");
  assertEquals(rows(slotB.groupby("scenario").count()).map((r) => [r.scenario, r.count]), [[
    "Cognitive Shortcut",
    1200,
  ]]);
  assertEquals(slotB.dedupe("id").numRows(), 1200);
});

Deno.test("slicing by subdomain is one line", async () => {
  const ds = await loadDataset({ path: DATASET_CSV });
  const rumors = ds.risks.filter((d: { category: string }) => d.category === "Rumors");
  assertEquals(rumors.numRows(), 187);
  assertEquals(new Set(rumors.array("subcategory") as string[]).size, 1);
});

Deno.test("BSA_DATASET is used when no path is given", async () => {
  const prev = Deno.env.get("BSA_DATASET");
  Deno.env.set("BSA_DATASET", DATASET_CSV);
  try {
    assertEquals((await loadDataset()).source, DATASET_CSV);
  } finally {
    if (prev === undefined) Deno.env.delete("BSA_DATASET");
    else Deno.env.set("BSA_DATASET", prev);
  }
});

Deno.test("a small valid fixture loads with its rows and risks", async () => {
  const ds = await loadText([HEADER, ...GOOD].join("\n") + "\n");
  assertEquals(ds.questions.array("id"), ["a1", "b2", "c3"]);
  assertEquals(ds.risks.numRows(), 4);
  assert(!ds.pinned);
});

const BAD: [string, string, string][] = [
  [
    "missing column",
    "id,query,risk_summary,label\nx,q,r,Rumors-Rumors with Negative Impact\n",
    "missing required column 'dataset_name'",
  ],
  [
    "empty query",
    [HEADER, GOOD[0], "d4,,summary,Risk Omission,Rumors-Rumors with Negative Impact"].join("\n"),
    "row 2 (line 3), column 'query': empty query",
  ],
  [
    "duplicate id",
    [HEADER, GOOD[0], GOOD[2].replace("c3", "a1")].join("\n"),
    "row 2 (line 3), column 'id': duplicate id 'a1' (first at row 1)",
  ],
  [
    "unknown scenario",
    [HEADER, GOOD[0].replace("Risk Omission", "Risk Omision")].join("\n"),
    "row 1 (line 2), column 'dataset_name': unknown scenario \"Risk Omision\"",
  ],
  [
    "unparseable label",
    [HEADER, GOOD[0].replace("Offense and Prejudice-", "Offence-")].join("\n"),
    "row 1 (line 2), column 'label': unknown risk",
  ],
  [
    "one risk for Cognitive Shortcut",
    [HEADER, GOOD[0].replace("Risk Omission", "Cognitive Shortcut")].join("\n"),
    "column 'label': expected two risks",
  ],
  ["empty id", [HEADER, GOOD[0].replace("a1", "")].join("\n"), "column 'id': empty id"],
  ["ragged row", [HEADER, GOOD[0] + ",extra"].join("\n"), "row 1 (line 2): 6 fields, expected 5"],
];

for (const [what, text, message] of BAD) {
  Deno.test(`a dataset with ${what} is rejected, naming the row and column`, async () => {
    const err = await assertRejects(() => loadText(text), BsaError);
    assert(err.message.includes(message), `expected "${message}" in:\n${err.message}`);
    assert(err.message.includes("dataset.csv"), err.message);
  });
}

Deno.test("every problem in a bad file is listed, not only the first", async () => {
  const text = [
    HEADER,
    "x,,s,Risk Omission,Rumors-Rumors with Negative Impact",
    "y,q,s,Nope,Rumors-Rumors with Negative Impact",
  ]
    .join("\n");
  const err = await assertRejects(() => loadText(text), BsaError);
  assert(err.message.includes("2 invalid row(s)"), err.message);
  assert(err.message.includes("row 1") && err.message.includes("row 2"), err.message);
});

Deno.test("a missing file is a clear error", async () => {
  await assertRejects(
    () => loadDataset({ path: "/nonexistent/dataset.csv" }),
    BsaError,
    "cannot read dataset /nonexistent/dataset.csv",
  );
});
