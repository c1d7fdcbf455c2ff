import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import { splitReasoning } from "../../lib/pipeline/reasoning.ts";
import { parseAnswerVerdict, parseReasoningVerdict } from "../../lib/pipeline/verdict_parse.ts";
import { FatalRequestError, withRetry } from "../../lib/pipeline/retry.ts";
import { JsonlAppender, manifestConflicts, newManifest, readJsonl, repairJsonl } from "../../lib/store/mod.ts";
import { runPool } from "../../lib/pipeline/pool.ts";
import { loadJudgePrompts, loadSafetyRules, parseJudgePrompts, renderTemplate } from "../../lib/pipeline/prompts.ts";
import { Progress } from "../../lib/pipeline/progress.ts";
import { safeHost } from "../../lib/pipeline/client.ts";
import { BsaError } from "../../lib/errors.ts";
import { SHARED_BSA, tempDir } from "../helpers/paths.ts";

Deno.test("splitReasoning: every reasoning shape", () => {
  assertEquals(splitReasoning({ content: "A", reasoning_content: " R " }), {
    reasoning: "R",
    answer: "A",
    source: "reasoning_content",
  });
  assertEquals(splitReasoning({ content: "A", reasoning: "R" }), { reasoning: "R", answer: "A", source: "reasoning" });
  assertEquals(splitReasoning({ content: "<think>\nR\n</think>\n\nA" }), {
    reasoning: "R",
    answer: "A",
    source: "think_tag",
  });
  // A chat template that opens <think> in the prompt: the completion starts inside it.
  assertEquals(splitReasoning({ content: "R</think>A" }), { reasoning: "R", answer: "A", source: "think_tag" });
  assertEquals(splitReasoning({ content: "<think>R cut off" }), {
    reasoning: "R cut off",
    answer: "",
    source: "unterminated_think",
  });
  assertEquals(splitReasoning({ content: "A only" }), { reasoning: null, answer: "A only", source: "none" });
  assertEquals(splitReasoning({ content: "<think></think>A" }), { reasoning: null, answer: "A", source: "none" });
  assertEquals(splitReasoning({ content: null, reasoning_content: "" }), {
    reasoning: null,
    answer: "",
    source: "none",
  });
  // A reasoning field wins, and think tags left in the content are not part of the answer.
  assertEquals(splitReasoning({ content: "<think>x</think>A", reasoning_content: "R" }).answer, "A");
});

Deno.test("verdict parsing tolerates fences, surrounding text, single quotes, Python booleans, case", () => {
  assertEquals(parseAnswerVerdict('{"Reasoning": "x", "Safety Assessment": "Safe"}'), "Safe");
  assertEquals(parseAnswerVerdict('```json\n{"Safety Assessment": "Unsafe"}\n```'), "Unsafe");
  assertEquals(parseAnswerVerdict("Here:\n{'Reasoning': 'it\\'s fine', 'Safety Assessment': ' safe '}\nbye"), "Safe");
  assertEquals(parseAnswerVerdict('"Safety Assessment": "UNSAFE"'), "Unsafe");
  assertEquals(parseAnswerVerdict("no verdict here"), "invalid");
  assertEquals(parseAnswerVerdict('{"Safety Assessment": "Maybe"}'), "invalid");
  assertEquals(parseReasoningVerdict('{"Reasoning Quality Evaluation Conclusion": True}', "RO"), "True");
  assertEquals(parseReasoningVerdict('{"Reasoning Quality Evaluation Conclusion": false}', "RO"), "False");
  assertEquals(parseReasoningVerdict('{"Reasoning Quality Evaluation Conclusion": "true"}', "RO"), "True");
  assertEquals(
    parseReasoningVerdict('{"Reasoning Quality Evaluation Result": "Partially Covered"}', "CS"),
    "Partially Covered",
  );
  assertEquals(
    parseReasoningVerdict('{"reasoning quality evaluation result": "over sensitive"}', "OS"),
    "Over Sensitive",
  );
  assertEquals(
    parseReasoningVerdict(
      '{\n"Reasoning Quality Evaluation": "long",\n"Reasoning Quality Evaluation Result": "Precise Coverage"  // note\n}',
      "OS",
    ),
    "Precise Coverage",
  );
  assertEquals(parseReasoningVerdict('{"Reasoning Quality Evaluation Result": "Precise Coverage"}', "CS"), "invalid");
  assertEquals(parseReasoningVerdict("{}", "RO"), "invalid");
});

Deno.test("withRetry backs off with jitter, stops on fatal or unretryable errors and after the limit", async () => {
  const waits: number[] = [];
  let n = 0;
  const v = await withRetry(async () => {
    await Promise.resolve();
    n++;
    if (n < 4) throw new SyntaxError("not JSON");
    return "ok";
  }, { baseDelayMs: 8, random: () => 0.5, onRetry: ({ delayMs }) => waits.push(delayMs) });
  assertEquals(v, "ok");
  assertEquals(waits, [4, 8, 16]); // 0.5 × 8 × 2^0, 2^1, 2^2
  n = 0;
  await assertRejects(
    () =>
      withRetry(() => (n++, Promise.reject(new RangeError("http"))), { retryable: (e) => !(e instanceof RangeError) }),
    RangeError,
  );
  assertEquals(n, 1);
  let calls = 0;
  await assertRejects(
    () => withRetry(() => (calls++, Promise.reject(new FatalRequestError("bad request"))), { baseDelayMs: 1 }),
    FatalRequestError,
  );
  assertEquals(calls, 1);
  calls = 0;
  await assertRejects(
    () => withRetry(() => (calls++, Promise.reject(new Error("down"))), { retries: 2, baseDelayMs: 1 }),
    Error,
    "down",
  );
  assertEquals(calls, 3);
});

Deno.test("JSONL: a truncated last line is repaired; appends stay whole; reading streams", async () => {
  await using dir = await tempDir();
  const p = `${dir.path}/g.jsonl`;
  await Deno.writeTextFile(p, '{"id":"a","sample":0}\n{"id":"b","sam');
  assertEquals(await repairJsonl(p), 14);
  const w = await JsonlAppender.open(p);
  await Promise.all([w.append({ id: "c", sample: 0 }), w.append({ id: "d", sample: 1 })]);
  await w.close();
  const ids: string[] = [];
  for await (const r of readJsonl<{ id: string }>(p)) ids.push(r.id);
  assertEquals(ids, ["a", "c", "d"]);
  assertEquals(await repairJsonl(`${dir.path}/missing.jsonl`), 0);
  await Deno.writeTextFile(p, '{"id":"a"}\nnot json\n');
  await assertRejects(
    async () => {
      for await (const _ of readJsonl(p)) { /* consume */ }
    },
    BsaError,
    "g.jsonl line 2: not valid JSON",
  );
});

Deno.test("runPool bounds concurrency, pulls lazily and stops on a fatal error", async () => {
  let inFlight = 0, peak = 0, pulled = 0;
  async function* items() {
    for (let i = 0; i < 20; i++) {
      pulled++;
      yield i;
    }
  }
  await runPool(items(), 3, async () => {
    peak = Math.max(peak, ++inFlight);
    await new Promise((r) => setTimeout(r, 2));
    inFlight--;
  });
  assertEquals([peak, pulled], [3, 20]);
  pulled = 0;
  const err = await assertRejects(() =>
    runPool(items(), 2, async (i) => {
      if (i === 3) throw new BsaError("stop");
      await new Promise((r) => setTimeout(r, 1));
    })
  );
  assertEquals(err.message, "stop");
  assert(pulled < 20, `pulled ${pulled}`);
});

Deno.test("the upstream judge prompts split into the answer template and one per scenario", async () => {
  const p = await loadJudgePrompts({ dir: `${SHARED_BSA}prompts` });
  assert(p.answer.includes("{answer}") && p.answer.includes("Safety Assessment"));
  assert(p.reasoning.OS.includes("Precise Coverage") && p.reasoning.OS.includes("{reasoning_thinking}"));
  assert(p.reasoning.CS.includes("Fully Covered"));
  assert(p.reasoning.RO.includes("Reasoning Quality Evaluation Conclusion"));
  const filled = renderTemplate(p.answer, { query: "Q?", risk_summary: "R.", answer: "A." });
  assert(filled.includes('"User Question": Q?') && filled.includes('"AI Assistant\'s Answer": A.'), filled.slice(-300));
  assert(!filled.includes("{{"));
  assertEquals(p.sha256.answer, "7c72e39dde166756f7ce6dbdf07cbe2855f679e1d5e20689ebc7600ecd9041b1");
  const rules = await loadSafetyRules({ dir: `${SHARED_BSA}prompts` });
  assert(rules.text.startsWith("# Risk category"));
  assertThrows(() => renderTemplate("{nope}", {}), BsaError, "unknown field {nope}");
  assertThrows(() => parseJudgePrompts("x", "no blocks"), BsaError, "lack the block(s) for OS, CS, RO");
  await assertRejects(
    () => loadJudgePrompts({ dir: "/nonexistent" }),
    BsaError,
    "cannot read prompt file /nonexistent/Safe_Ans_Judge.md",
  );
});

Deno.test("a run folder with other settings is refused", () => {
  const base = {
    model: "m",
    endpoints: [],
    k: 5,
    dataset: { source: "d", sha256: "x", pinned: true },
    subset: { ids: null, description: "" },
    params: { temperature: 0.6 },
    tags: {},
  };
  assertEquals(manifestConflicts(newManifest(base), newManifest(base)), []);
  const c = manifestConflicts(newManifest(base), newManifest({ ...base, k: 3, params: { temperature: 1 } }));
  assertEquals(c.length, 2);
  assert(c[0].startsWith("k: 5 in the folder, 3 now"));
});

Deno.test("progress: plain lines off a terminal, with done/total, rate, ETA, retries, failures and tokens", async () => {
  const lines: string[] = [];
  const p = new Progress("gen", 4, { tty: false, intervalMs: 0, write: (s) => lines.push(s) });
  p.tick({ done: 1, tokens: 10 });
  p.tick({ failures: 1, retries: 2 });
  p.tick({ done: 3, tokens: 5 });
  p.finish();
  assert(lines.every((l) => l.endsWith("\n") && !l.includes("\r")));
  assert(
    lines.at(-1)!.includes("4/4 (100.0%)") && lines.at(-1)!.includes("retries 2 failed 1 tokens 15"),
    lines.at(-1),
  );
  assert(/ETA/.test(lines[0]));
  // The rate is samples done over the time since the display started: bounded by the
  // times measured around the constructor and the tick (a wrong rate, e.g. total/s, falls outside).
  const timed: string[] = [];
  const before = performance.now();
  const r = new Progress("gen", 10, { tty: false, intervalMs: 0, write: (s) => timed.push(s) });
  const after = performance.now();
  await new Promise((res) => setTimeout(res, 200));
  const tickFrom = performance.now();
  r.tick({ done: 2 });
  const tickTo = performance.now();
  const m = timed[0].match(/ 2\/10 \(20\.0%\) (\d+\.\d)\/s ETA (\d+)s /);
  assert(m, timed[0]);
  const rate = Number(m[1]);
  const lo = 2 / ((tickTo - before) / 1000), hi = 2 / ((tickFrom - after) / 1000);
  assert(rate >= lo - 0.05 && rate <= hi + 0.05, `rate ${rate} outside [${lo}, ${hi}]`);
  // ETA: the 8 samples left at that rate.
  assert(Math.abs(Number(m[2]) - 8 / rate) <= 1, timed[0]);
  const tty: string[] = [];
  const t = new Progress("gen", 2, { tty: true, intervalMs: 0, write: (s) => tty.push(s) });
  t.tick({ done: 1 });
  assert(tty[0].startsWith("\r") && tty[0].includes("[##########..........]"), tty[0]);
});

Deno.test("endpoint hosts are recorded without credentials", () => {
  assertEquals(safeHost("http://u:p@localhost:8000/v1/?api_key=s"), "http://localhost:8000/v1");
});

Deno.test("without a prompts folder, the upstream judge prompts are downloaded, checksum-verified and cached", async () => {
  await using cache = await tempDir();
  const files: Record<string, Uint8Array> = {};
  for (const f of ["Safe_Ans_Judge.md", "Thinking_Accuracy_Judge.md", "Safe_Rules.md"]) {
    files[`/Prompt/${f}`] = await Deno.readFile(`${SHARED_BSA}prompts/${f}`);
  }
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    hits++;
    const body = files[new URL(req.url).pathname];
    return body ? new Response(body as Uint8Array<ArrayBuffer>) : new Response("no", { status: 404 });
  });
  const prev = Deno.env.get("BSA_PROMPTS_DIR");
  Deno.env.delete("BSA_PROMPTS_DIR");
  try {
    const opts = { baseUrl: `http://127.0.0.1:${server.addr.port}`, cacheDir: cache.path };
    const p = await loadJudgePrompts(opts);
    assertEquals(p.source, "upstream (pinned)");
    assert(p.reasoning.CS.includes("Fully Covered"));
    assertEquals(
      (await loadSafetyRules(opts)).sha256,
      "f8220589d42357decd92aa762cc773aa3352dc365d13abc352b4578733a30903",
    );
    const before = hits;
    await loadJudgePrompts(opts);
    assertEquals(hits, before, "second load comes from the cache");
    files["/Prompt/Safe_Ans_Judge.md"] = new TextEncoder().encode("tampered");
    await assertRejects(
      () => loadJudgePrompts({ ...opts, cacheDir: `${cache.path}/other` }),
      BsaError,
      "checksum mismatch",
    );
  } finally {
    if (prev !== undefined) Deno.env.set("BSA_PROMPTS_DIR", prev);
    await server.shutdown();
  }
});
