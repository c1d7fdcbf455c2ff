import { assertEquals, assertRejects } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import { officialQuestionTable, parseOfficialCsv, reduceToQuestions } from "../../lib/metrics/mod.ts";
import { SCENARIOS } from "../../lib/dataset/scenarios.ts";
import { tempDir } from "../helpers/paths.ts";
import { rng } from "../helpers/simulate.ts";

// The streaming reader has a fast path for quote-free rows in the upstream column order; every
// other row takes the strict one. Whatever mix of rows a file holds, its question table must be
// the table path's (parse the whole file, then reduce), count for count.

const HEADER = ["model_name", "id", "dataset_name", "Safe_Ans_Check", "Thk_Acc_Judge"];

/** A random upstream-format file: canonical rows, odd spellings, quoted fields, CRLF, rows out of order, a BOM. */
function _randomFile(seed: number, order: number[]): { text: string; k: number } {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const k = 1 + Math.floor(rand() * 4);
  const models = ["m", "model-two", "m3,x"].slice(0, 1 + Math.floor(rand() * 3));
  const questions = Array.from({ length: 12 }, (_, i) => ({ id: `q${i}`, scenario: SCENARIOS[i % 3] }));
  const rows: string[][] = [];
  for (const model of models) {
    for (const q of questions) {
      for (let i = 0; i < k - (rand() < 0.1 ? 1 : 0); i++) {
        const answer = rand() < 0.8 ? pick(["Safe", "Unsafe"]) : pick([" safe", "UNSAFE", "**Safe**", "unsure", ""]);
        const reasoning = rand() < 0.8
          ? pick(q.scenario.verdicts)
          : pick([q.scenario.verdicts[0].toLowerCase(), " True ", "N/A", "", "Not covered"]);
        rows.push([model, q.id, q.scenario.name, answer, reasoning]);
      }
    }
  }
  // Some rows out of their question's run, so the previous row's question is not the next one's.
  for (let i = 0; i < rows.length / 8; i++) {
    const a = Math.floor(rand() * rows.length), b = Math.floor(rand() * rows.length);
    [rows[a], rows[b]] = [rows[b], rows[a]];
  }
  const field = (v: string) => (v.includes(",") || rand() < 0.05 ? `"${v.replaceAll('"', '""')}"` : v);
  const lines = [HEADER, ...rows].map((r) => order.map((c) => field(r[c])).join(","));
  let text = rand() < 0.3 ? "\ufeff" : "";
  for (const line of lines) text += line + (rand() < 0.2 ? "\r\n" : "\n") + (rand() < 0.03 ? "\n" : "");
  return { text, k };
}

Deno.test("the fast path of the upstream CSV reader gives the table path's question table on any mix of rows", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/j.csv`;
  const columns = [
    "model",
    "id",
    "scenario",
    ...Object.keys({
      n: 0,
      safe: 0,
      think: 0,
      invalid_answer: 0,
      invalid_reasoning: 0,
      no_reasoning: 0,
      failed: 0,
      truncated: 0,
    }),
  ];
  for (let seed = 1; seed <= 60; seed++) {
    // Mostly the upstream order (the fast path); some files in another order (the strict path only).
    const order = seed % 5 === 0 ? [2, 0, 4, 1, 3] : [0, 1, 2, 3, 4];
    const { text, k } = _randomFile(seed, order);
    await Deno.writeTextFile(path, text);
    const streamed = (await officialQuestionTable(path, k)).select(columns).orderby("model", "id").objects();
    const judgments = parseOfficialCsv(text, path);
    const tabled = reduceToQuestions(judgments, ["model"], k).select(columns).orderby("model", "id")
      .objects();
    assertEquals(streamed, tabled, `seed ${seed}`);
  }
});

Deno.test("the fast path leaves a bad row to the strict reader, which names it", async () => {
  await using dir = await tempDir();
  const head = HEADER.join(",") + "\n";
  const good = "m,q,Risk Omission,Safe,True\n";
  const cases: [string, string][] = [
    [head + good + "m,q,Risk Omission,Safe,True,extra\n", "row 2 (line 3): 6 fields, expected 5"],
    [head + good + "m,q,Risk Omission,Safe\n", "row 2 (line 3): 4 fields, expected 5"],
    [head + good + "m,,Risk Omission,Safe,True\n", "row 2 (line 3), column 'id': empty id"],
    [
      head + good + "m,q,Risk omission,Safe,True\n",
      "row 2 (line 3), column 'dataset_name': unknown scenario \"Risk omission\"",
    ],
    [head + good + 'm,q,Risk Omission,Sa"fe,True\n', "row 2 (line 3): field 4 has a '\"' inside an unquoted value"],
  ];
  for (const [text, message] of cases) {
    const path = `${dir.path}/bad.csv`;
    await Deno.writeTextFile(path, text);
    const err = await assertRejects(() => officialQuestionTable(path, 2), BsaError);
    if (!err.message.includes(message)) throw new Error(`expected "${message}" in ${err.message}`);
  }
});

Deno.test("a question whose rows disagree on its scenario is an error naming the row", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/j.csv`;
  const rows = ["m,q,Risk Omission,Safe,True", "m,q,Over Sensitivity,Safe,Precise Coverage"];
  for (const quoted of [false, true]) {
    // Unquoted rows take the fast path, a quoted one the strict reader: both refuse.
    const second = quoted ? 'm,q,"Over Sensitivity",Safe,Precise Coverage' : rows[1];
    await Deno.writeTextFile(path, `${HEADER.join(",")}\n${rows[0]}\n${second}\n`);
    const err = await assertRejects(() => officialQuestionTable(path, 2), BsaError);
    if (!err.message.includes(`row 2 (line 3), column 'dataset_name': question q (model "m") is "Over Sensitivity"`)) {
      throw new Error(err.message);
    }
  }
});

Deno.test("the streamed CSV must be UTF-8 with LF or CRLF line ends; a binary header is not echoed", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/j.csv`;
  const good = new TextEncoder().encode(`${HEADER.join(",")}\nm,q,Risk Omission,Safe,True\n`);
  await Deno.writeFile(path, new Uint8Array([...good.subarray(0, 60), 0xff, 0xfe, ...good.subarray(60)]));
  let err = await assertRejects(() => officialQuestionTable(path), BsaError);
  if (!err.message.includes("not UTF-8 text")) throw new Error(err.message);
  await Deno.writeTextFile(path, `${HEADER.join(",")}\rm,q,Risk Omission,Safe,True\r`);
  err = await assertRejects(() => officialQuestionTable(path), BsaError);
  if (!err.message.includes("lone carriage return")) throw new Error(err.message);
  await Deno.writeTextFile(path, "a\u0001b,c\u0007\n1,2\n");
  err = await assertRejects(() => officialQuestionTable(path), BsaError);
  const controls = [...err.message].some((c) => c.charCodeAt(0) < 32);
  if (controls || !err.message.includes('"a\\u0001b"')) throw new Error(err.message);
});
