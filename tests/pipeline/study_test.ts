import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { BsaError } from "../../lib/errors.ts";
import { estimateRun } from "../../lib/pipeline/estimate.ts";
import { readJsonl } from "../../lib/store/mod.ts";
import { expandStudy, validateStudy } from "../../lib/pipeline/study.ts";
import { cliEnv, DATASET_CSV, ROOT, runCli, SHARED_BSA, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";

const ENV = { BSA_DATASET: DATASET_CSV, BSA_PROMPTS_DIR: `${SHARED_BSA}prompts` };

Deno.test("the paper's four studies ship as study files that expand into the right runs", async () => {
  const load = async (f: string) => validateStudy(JSON.parse(await Deno.readTextFile(`${ROOT}studies/${f}.json`)), f);
  const rules = expandStudy(await load("safety-rules"));
  assertEquals(rules.length, 10);
  assertEquals(rules.filter((r) => r.params.safety_rules).map((r) => r.tags.condition), Array(5).fill("rules"));
  const star = expandStudy(await load("star1-finetune"));
  assertEquals(star.length, 12);
  assertEquals(new Set(star.map((r) => r.tags.params_b)).size, 6);
  for (const m of ["QwQ-32B", "Qwen3-32B"]) {
    const dec = expandStudy(await load(`decoding-${m}`));
    assertEquals(dec.length, 9);
    assertEquals(dec.filter((r) => r.tags.recommended).length, 1);
  }
  const scaling = expandStudy(await load("scaling"));
  assertEquals(scaling.length, 16);
  assert(scaling.every((r) => typeof r.tags.params_b === "number" && typeof r.tags.active_params_b === "number"));
});

Deno.test("a study file's errors name the field", () => {
  const ok = { name: "s", k: 2, out: "runs/s", models: [{ model: "m" }] };
  validateStudy(ok, "s.json");
  assertThrows(() => validateStudy({ ...ok, models: [{}] }, "s.json"), BsaError, "s.json: 'models[0].model'");
  assertThrows(
    () => validateStudy({ ...ok, grid: { temp: [1] } }, "s.json"),
    BsaError,
    "'grid.temp' is not a field here",
  );
  assertThrows(
    () => validateStudy({ ...ok, grid: { temperature: [] } }, "s.json"),
    BsaError,
    "'grid.temperature' must be",
  );
  assertThrows(() => validateStudy({ ...ok, conditions: [{ tags: {} }] }, "s.json"), BsaError, "'conditions[0].tags'");
  // An extra body may not replace what bsa sends itself.
  assertThrows(
    () => validateStudy({ ...ok, models: [{ model: "m", extra_body: { top_k: 2, n: 4 } }] }, "s.json"),
    BsaError,
    "'models[0].extra_body.n' is set by bsa itself",
  );
  assertThrows(() => expandStudy({ ...ok, models: [{ model: "m" }, { model: "m" }] }), BsaError, "share a folder");
});

Deno.test("a study runs every cell, tags it, skips what is complete, and scores all runs in one table", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const study = {
    name: "mini",
    k: 2,
    limit: 6,
    out: `${dir.path}/runs`,
    endpoint: { base_url: [server.url] },
    judge: { base_url: [server.url], model: "judge-s" },
    defaults: { temperature: 0.6 },
    models: [{ model: "m-rc", tags: { params_b: 8 } }],
    conditions: [{ tags: { condition: "base" } }, { tags: { condition: "rules" }, safety_rules: true }],
    grid: { top_k: [1, 20] },
  };
  const file = `${dir.path}/mini.json`;
  await Deno.writeTextFile(file, JSON.stringify(study));
  const env = cliEnv(`${dir.path}/cache`);
  const r = await runCli(["study", file, "--json", "--quiet"], env);
  assertEquals(r.code, 0, r.stderr);
  const table = JSON.parse(r.stdout) as Record<string, unknown>[];
  assertEquals(table.length, 4);
  assertEquals(table.map((t) => `${t.condition}/${t.top_k}/${t.params_b}`).sort(), [
    "base/1/8",
    "base/20/8",
    "rules/1/8",
    "rules/20/8",
  ]);
  assertEquals(server.stats.generate, 4 * 6 * 2);
  const rulesRun = `${dir.path}/runs/m-rc__condition-rules__top_k-20`;
  const manifest = JSON.parse(await Deno.readTextFile(`${rulesRun}/manifest.json`));
  assertEquals(manifest.params.system_prompt.name, "safety-rules");
  assertEquals([manifest.params.top_k, manifest.params.temperature, manifest.tags.condition], [20, 0.6, "rules"]);
  let n = 0;
  for await (const _ of readJsonl(`${rulesRun}/judgments.jsonl`)) n++;
  assertEquals(n, 12);
  // Second invocation: everything is complete, no request is sent.
  const before = server.stats.chat;
  const again = await runCli(["study", file, "--json", "--quiet"], env);
  assertEquals(again.code, 0, again.stderr);
  assertEquals(server.stats.chat, before);
  assertEquals(JSON.parse(again.stdout), table);
  const dry = await runCli(["study", file, "--dry-run", "--json"], env);
  assert((JSON.parse(dry.stdout) as { status: string }[]).every((x) => x.status === "complete"), dry.stdout);
});

Deno.test("estimates count real prompt tokens and price them from the user's table", async () => {
  const qs = [{ query: "hello world", risk_summary: "a risk" }, { query: "one two three", risk_summary: "b" }];
  const e = estimateRun(qs, {
    model: "m",
    judgeModel: "j",
    k: 4,
    systemPrompt: "be safe",
    completionTokens: 1000,
    prices: { m: { input_per_mtok: 1, output_per_mtok: 10 }, j: { input_per_mtok: 2, output_per_mtok: 2 } },
  });
  assertEquals([e.requests, e.judge_requests], [8, 16]);
  // "be safe" = 2 tokens; "hello world" = 2; "one two three" = 3.
  assertEquals(e.prompt_tokens, 4 * (2 + 2) + 4 * (2 + 3));
  assertEquals(e.cost, (e.prompt_tokens * 1 + 8000 * 10) / 1e6);
  assert(e.judge_cost! > 0);
  await using dir = await tempDir();
  await Deno.writeTextFile(
    `${dir.path}/prices.json`,
    JSON.stringify({ m: { input_per_mtok: 0.5, output_per_mtok: 2 } }),
  );
  const r = await runCli([
    "estimate",
    "--model",
    "m",
    "--k",
    "2",
    "--limit",
    "10",
    "--prices",
    `${dir.path}/prices.json`,
    "--json",
  ], ENV);
  assertEquals(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assertEquals(out.requests, 20);
  assert(out.cost > 0);
  await Deno.writeTextFile(`${dir.path}/bad.json`, JSON.stringify({ m: { input_per_mtok: "x" } }));
  const bad = await runCli(["estimate", "--model", "m", "--prices", `${dir.path}/bad.json`], ENV);
  assertEquals(bad.code, 1);
  assert(bad.stderr.includes("m.input_per_mtok must be a non-negative number"), bad.stderr);
});

Deno.test("two bsa study of one study file at once: nothing lost, nothing asked twice, no stack trace, no folder removed", async () => {
  for (let trial = 0; trial < 2; trial++) {
    await using dir = await tempDir();
    // Slow enough that the two processes overlap on the same cells.
    await using server = startFakeOpenAI({ latencyMs: 60 });
    const study = {
      name: "race",
      k: 2,
      limit: 6,
      out: `${dir.path}/runs`,
      endpoint: { base_url: [server.url] },
      judge: { base_url: [server.url], model: "judge-s", concurrency: 1 },
      defaults: { concurrency: 1 },
      models: [{ model: "m-rc" }, { model: "m-think" }],
    };
    const file = `${dir.path}/race.json`;
    await Deno.writeTextFile(file, JSON.stringify(study));
    const env = cliEnv(`${dir.path}/cache`);
    const both = await Promise.all([0, 1].map(() => runCli(["study", file, "--json", "--quiet"], env)));
    for (const r of both) {
      assert(!r.stderr.includes("    at "), r.stderr);
      assert(r.code === 0 || (r.code === 1 && r.stderr.includes("were left to it")), `${r.code}: ${r.stderr}`);
    }
    // Whatever each got to, a third run finishes the study, and no sample was asked or recorded twice.
    const last = await runCli(["study", file, "--json", "--quiet"], env);
    assertEquals(last.code, 0, last.stderr);
    assertEquals(server.stats.generate, 2 * 6 * 2, "every sample asked exactly once");
    for (const model of ["m-rc", "m-think"]) {
      for (const f of ["generations.jsonl", "judgments.jsonl"]) {
        const keys: string[] = [];
        for await (const r of readJsonl<{ id: string; sample: number }>(`${dir.path}/runs/${model}/${f}`)) {
          keys.push(`${r.id}#${r.sample}`);
        }
        assertEquals(keys.length, 12, `${model}/${f}`);
        assertEquals(new Set(keys).size, 12, `${model}/${f}: no duplicate`);
      }
    }
    assertEquals((JSON.parse(last.stdout) as unknown[]).length, 2);
  }
});
