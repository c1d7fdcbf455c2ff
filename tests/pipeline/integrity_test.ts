import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { BsaError, OtherJudgeError, RunSettingsError } from "../../lib/errors.ts";
import { ChatClient } from "../../lib/pipeline/client.ts";
import { generate } from "../../lib/pipeline/generate.ts";
import {
  acquireLock,
  type GenerationRecord,
  type JudgmentRecord,
  loadRunJudgments,
  LockedError,
  readJsonl,
  readLatest,
  readManifest,
  type RunLock,
} from "../../lib/store/mod.ts";
import { judge } from "../../lib/pipeline/judge.ts";
import { JudgeCache } from "../../lib/pipeline/judge_cache.ts";
import { loadJudgePrompts } from "../../lib/pipeline/prompts.ts";
import { cliEnv, DATASET_CSV, ROOT, runArgs, runCli, SHARED_BSA, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";

const ds = await loadDataset({ path: DATASET_CSV });
const prompts = await loadJudgePrompts({ dir: `${SHARED_BSA}prompts` });
const ids = (ds.questions.array("id") as string[]).slice(0, 4);

async function records<T>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readJsonl<T>(path)) out.push(r);
  return out;
}

async function latest<T extends { id: string; sample: number }>(path: string): Promise<T[]> {
  const out: T[] = [];
  for await (const r of readLatest<T>(path)) out.push(r);
  return out;
}

const quiet = { progress: null, log: () => {} };

function gen(url: string, out: string, extra: Partial<Parameters<typeof generate>[0]> = {}) {
  return generate({
    out,
    client: new ChatClient({ baseUrls: [url], retry: { retries: 1, baseDelayMs: 1 } }),
    model: "m-rc",
    k: 2,
    dataset: ds,
    ids,
    subsetDescription: "first 4",
    params: {},
    concurrency: 1,
    ...quiet,
    ...extra,
  });
}

function judgeRun(url: string, run: string, extra: Partial<Parameters<typeof judge>[0]> = {}) {
  return judge({
    run,
    client: new ChatClient({ baseUrls: [url], retry: { retries: 1, baseDelayMs: 1 } }),
    judgeModel: "judge-x",
    prompts,
    dataset: ds,
    concurrency: 1,
    cache: null,
    ...quiet,
    ...extra,
  });
}

Deno.test("permanent refusals and cut replies end in recorded outcomes, asked once; the judge records every sample", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  // Sample order: q0#0, q0#1, q1#0, ... One fault each: a bad request, a context length,
  // a content-filter 400, a 200 stopped by the content filter, a reply cut by length.
  server.inject(["400", "context", "filter", "filtered", "length"]);
  const r = await gen(server.url, out);
  assertEquals([r.generated, r.failed, r.truncated, r.errors], [8, 4, 1, 0]);
  assertEquals(server.stats.chat, 8, "a permanent refusal is not retried");
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals(gens.map((g) => g.outcome), ["failed", "failed", "failed", "failed", "truncated", "ok", "ok", "ok"]);
  assert(gens[1].error!.includes("maximum context length"), gens[1].error);
  assert(gens[3].error!.includes("content_filter"), gens[3].error);

  // Running again asks nothing: every sample has an outcome.
  const again = await gen(server.url, out);
  assertEquals([again.generated, again.alreadyDone, server.stats.chat], [0, 8, 8]);
  assertEquals(again.outcomes, { ok: 3, no_reasoning: 0, truncated: 1, failed: 4 });

  // The judge writes a record for every generation; failed and truncated ones cost no call.
  const j = await judgeRun(server.url, out);
  assertEquals([j.judged, j.sentinels, j.errors], [8, 5, 0]);
  assertEquals(server.stats.judge, 3 * 2);
  const judged = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assertEquals(judged.map((x) => x.answer_verdict).slice(0, 5), ["failed", "failed", "failed", "failed", "truncated"]);
  assert(judged.slice(0, 4).every((x) => x.reasoning_verdict === "failed" && x.failed_by === "model" && x.error));

  // --retry-failed asks the failed samples again; the newer records supersede the old ones,
  // and the judge re-judges exactly those.
  const retry = await gen(server.url, out, { retryFailed: true });
  assertEquals([retry.retried, retry.generated, retry.outcomes.failed], [4, 4, 0]);
  assertEquals((await records(`${out}/generations.jsonl`)).length, 12);
  const now = await latest<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals(now.length, 8);
  assert(now.filter((g) => g.outcome === "failed").length === 0);
  const j2 = await judgeRun(server.url, out);
  assertEquals([j2.judged, j2.retried], [4, 4]);
  const scored = await loadRunJudgments([out]);
  assertEquals(scored.table.numRows(), 8);
  assertEquals(scored.table.array("answer_verdict").filter((v) => v === "failed").length, 0);
});

Deno.test("a judge's provider refusing is recorded as failed; --retry-failed and --retry-invalid ask again", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await gen(server.url, out, { k: 1, ids: ids.slice(0, 3) });
  // The judge's content filter refuses the first question.
  server.refuse((ds.questions.array("query")[0] as string).slice(0, 60));
  const j = await judgeRun(server.url, out, { invalidRetries: 0 });
  assertEquals([j.failed, j.errors], [1, 0]);
  let judged = await latest<JudgmentRecord>(`${out}/judgments.jsonl`);
  const refused = judged.find((x) => x.id === ids[0])!;
  assertEquals([refused.answer_verdict, refused.reasoning_verdict, refused.failed_by], ["failed", "failed", "judge"]);
  assert(refused.error!.includes("filtered"), refused.error);
  // Again without the flag: nothing is asked.
  server.refuse(null);
  const calls = server.stats.judge;
  assertEquals((await judgeRun(server.url, out)).judged, 0);
  assertEquals(server.stats.judge, calls);
  // --retry-failed re-asks it; the newer record wins.
  const rf = await judgeRun(server.url, out, { retryFailed: true });
  assertEquals([rf.judged, rf.retried], [1, 1]);
  judged = await latest<JudgmentRecord>(`${out}/judgments.jsonl`);
  assert(["Safe", "Unsafe"].includes(judged.find((x) => x.id === ids[0])!.answer_verdict));

  // An invalid verdict, then --retry-invalid.
  server.inject(["garbage", "garbage"]);
  const out2 = `${dir.path}/run2`;
  await gen(server.url, out2, { k: 1, ids: ids.slice(0, 1) });
  server.inject(["garbage", "garbage"]);
  const ji = await judgeRun(server.url, out2, { invalidRetries: 0 });
  assertEquals(ji.invalid, 1);
  assertEquals((await judgeRun(server.url, out2)).judged, 0, "invalid is not re-asked without the flag");
  const ri = await judgeRun(server.url, out2, { retryInvalid: true });
  assertEquals([ri.judged, ri.invalid], [1, 0]);
  const [rec] = await latest<JudgmentRecord>(`${out2}/judgments.jsonl`);
  assert(rec.answer_verdict !== "invalid" && rec.reasoning_verdict !== "invalid");
  assertEquals((await records(`${out2}/judgments.jsonl`)).length, 2, "append-only: the old record stays");
});

Deno.test("a judgments file is bound to its judge: another model, endpoint or parameter is refused", async () => {
  await using dir = await tempDir();
  await using a = startFakeOpenAI();
  await using b = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await gen(a.url, out, { k: 1 });
  await judgeRun(a.url, out);
  for (
    const [what, extra] of [
      ["model", { judgeModel: "judge-y" }],
      ["endpoint", { client: new ChatClient({ baseUrls: [b.url] }) }],
      ["temperature", { params: { temperature: 0.7 } }],
      ["extra body", { params: { temperature: 0, extra_body: { reasoning_effort: "high" } } }],
    ] as const
  ) {
    const err = await assertRejects(() => judgeRun(a.url, out, extra), OtherJudgeError);
    // The library says which judge holds the file; the CLI adds the --label advice (tests/cli/cli_message_test.ts).
    assert(/was judged by judge-x .*holds one judge's verdicts$/.test(err.message), `${what}: ${err.message}`);
    assertEquals(err.path, `${out}/judgments.jsonl`);
  }
  // Under a label, a second judge is welcome; the default judge's record is untouched.
  await judgeRun(b.url, out, { judgeModel: "judge-y", label: "second" });
  const m = await readManifest(out);
  assertEquals([m.judge!.model, m.judges!.second.model], ["judge-x", "judge-y"]);
  assertEquals(m.judge!.params, { temperature: 0 });
  // Judge tokens are the sum of the records' tokens.
  const judged = await records<JudgmentRecord>(`${out}/judgments.jsonl`);
  assertEquals(m.judge!.tokens.completion, judged.reduce((n, r) => n + (r.completion_tokens ?? 0), 0));
  assert(m.judge!.tokens.completion > 0);
});

Deno.test("the judge cache answers only the same judge: endpoint, model and every parameter are in its key", async () => {
  await using dir = await tempDir();
  await using a = startFakeOpenAI();
  await using b = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await gen(a.url, out, { k: 1, ids: ids.slice(0, 2) });
  const cache = await JudgeCache.open(`${dir.path}/cache.jsonl`);
  try {
    await judgeRun(a.url, out, { cache });
    assertEquals(a.stats.judge, 4);
    // The same judge again (another label): all from the cache.
    const same = await judgeRun(a.url, out, { cache, label: "same" });
    assertEquals([same.cached, a.stats.judge], [4, 4]);
    // Same model name at another endpoint, or another temperature, seed, top_p, max_tokens: asked anew.
    const variants = [
      { label: "host", client: new ChatClient({ baseUrls: [b.url] }) },
      { label: "temp", params: { temperature: 0.5 } },
      { label: "seed", params: { temperature: 0, seed: 3 } },
      { label: "topp", params: { temperature: 0, top_p: 0.9 } },
      { label: "maxt", params: { temperature: 0, max_tokens: 900 } },
    ];
    for (const v of variants) {
      const r = await judgeRun(a.url, out, { cache, ...v });
      assertEquals(r.cached, 0, v.label);
    }
    assertEquals(a.stats.judge + b.stats.judge, 4 + 5 * 4);
  } finally {
    await cache.close();
  }
  // No cache: identical inputs in one run are all asked.
  const out2 = `${dir.path}/dup`;
  await gen(a.url, out2, { k: 1, ids: ids.slice(0, 1) });
  await Deno.copyFile(`${out2}/generations.jsonl`, `${dir.path}/g`);
  const line = (await Deno.readTextFile(`${dir.path}/g`)).trim();
  await Deno.writeTextFile(`${out2}/generations.jsonl`, `${line}\n${line.replace('"sample":0', '"sample":1')}\n`);
  const before = a.stats.judge;
  const r = await judgeRun(a.url, out2, { cache: null });
  assertEquals([r.cached, a.stats.judge - before], [0, 4]);
});

Deno.test("one writer per run folder: a second `bsa run` or `bsa judge` fails at once and sends nothing", async () => {
  await using dir = await tempDir();
  // The first writer must still be running when the second starts: 60 requests one at a time
  // at 80 ms keep it busy for ~5 s, well beyond a second `deno run`'s start even on a loaded machine.
  await using server = startFakeOpenAI({ latencyMs: 80 });
  const out = `${dir.path}/run`;
  const env = cliEnv(`${dir.path}/cache`);
  const args = [...runArgs(server.url, "m-rc", 2, out), "--limit", "30", "--concurrency", "1", "--quiet"];
  const first = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(await Deno.stat(`${out}/generations.jsonl`).catch(() => null))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const second = await runCli(args, env);
  const firstOut = await first.output();
  assertEquals(second.code, 1, second.stderr);
  assert(/generations\.jsonl\.lock: held by bsa run \(pid \d+ on /.test(second.stderr), second.stderr);
  assert(!second.stderr.includes("    at "), "no stack trace");
  assertEquals(firstOut.code, 0, new TextDecoder().decode(firstOut.stderr));
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals([gens.length, new Set(gens.map((g) => `${g.id}#${g.sample}`)).size], [60, 60]);
  // Exactly the first run's 60 requests and its preflight: the second sent nothing at all.
  assertEquals([server.stats.generate, server.stats.models, server.stats.pings], [60, 1, 0]);
  await (await acquireLock(`${out}/generations.jsonl.lock`, "test")).release(); // released: it can be taken again

  // Two judges on one label: the second is refused; run and judge together keep both manifest sections.
  const judgeArgs = ["judge", "--run", out, "--judge-base-url", server.url, "--judge-model", "judge-a", "--quiet"];
  const j1 = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...judgeArgs, "--concurrency", "1"],
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  while (Date.now() < deadline && !(await Deno.stat(`${out}/judgments.jsonl`).catch(() => null))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const [j2, rerun] = await Promise.all([runCli(judgeArgs, env), runCli(args, env)]);
  const j1Out = await j1.output();
  assertEquals(j2.code, 1, j2.stderr);
  assert(j2.stderr.includes("judgments.jsonl.lock: held by bsa judge"), j2.stderr);
  assertEquals([j1Out.code, rerun.code], [0, 0], new TextDecoder().decode(j1Out.stderr) + rerun.stderr);
  assertEquals(server.stats.models, 1 + 2, "the refused judge sent no preflight either");
  const m = await readManifest(out);
  assert(m.judge?.model === "judge-a" && m.judge.finished !== null && m.finished !== null, JSON.stringify(m));
});

Deno.test("a lock dies with its process: a run killed with SIGKILL (not yet reaped) resumes at once", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ latencyMs: 40 });
  const out = `${dir.path}/run`;
  const env = cliEnv(`${dir.path}/cache`);
  const args = [...runArgs(server.url, "m-rc", 2, out), "--limit", "30", "--concurrency", "1", "--quiet"];
  const first = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (await records(`${out}/generations.jsonl`).catch(() => [])).length < 3) {
    await new Promise((r) => setTimeout(r, 20));
  }
  first.kill("SIGKILL");
  // Not reaped yet (its status is awaited only afterwards): a zombie, which a pid check counts
  // as alive. The kernel released its lock when it died; the resume starts at once.
  const resumed = await runCli(args, env);
  assertEquals((await first.status).signal, "SIGKILL");
  assertEquals(resumed.code, 0, resumed.stderr);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  const keys = new Set(gens.map((g) => `${g.id}#${g.sample}`));
  assertEquals([keys.size, gens.length], [60, 60], "every sample once: nothing lost, nothing asked twice");
  assert((await readManifest(out)).finished !== null);
});

Deno.test("locks: of many claimants exactly one wins; a lock file left by an older version or a dead holder does not block", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/x.lock`;
  // What an older version left (a pid file of a process that is gone) is not a lock.
  await Deno.writeTextFile(path, JSON.stringify({ pid: 999999, host: Deno.hostname(), purpose: "bsa run" }));
  const first = await acquireLock(path, "bsa run");
  assertEquals(JSON.parse(await Deno.readTextFile(path)).pid, Deno.pid);
  await first.release();
  for (let round = 0; round < 10; round++) {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireLock(path, "bsa run")));
    const won = results.filter((r) => r.status === "fulfilled") as PromiseFulfilledResult<RunLock>[];
    assertEquals(won.length, 1, `round ${round}`);
    const lost = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    assert(lost.every((l) => l.reason instanceof LockedError), String(lost[0]?.reason));
    await won[0].value.release();
  }
  // Another process holding it: refused, naming it; once it is killed, free at once.
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const f = await Deno.open(${
        JSON.stringify(path)
      }, { read: true, write: true }); await f.lock(true); await f.truncate(0); await f.write(new TextEncoder().encode(JSON.stringify({ pid: Deno.pid, host: Deno.hostname(), purpose: "bsa judge", started: "now" }))); console.log("held"); setInterval(() => {}, 1000);`,
    ],
    stdout: "piped",
  }).spawn();
  const reader = holder.stdout.getReader();
  await reader.read();
  await assertRejects(() => acquireLock(path, "bsa run"), LockedError, `held by bsa judge (pid ${holder.pid}`);
  holder.kill("SIGKILL");
  await holder.status;
  reader.releaseLock();
  await holder.stdout.cancel();
  await (await acquireLock(path, "bsa run")).release();
});

Deno.test("two `bsa run` starting one new run at once: one runs, the other fails before any request and removes nothing", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ latencyMs: 40 });
  const out = `${dir.path}/new/run`;
  const env = cliEnv(`${dir.path}/cache`);
  const args = [...runArgs(server.url, "m-rc", 2, out), "--limit", "30", "--concurrency", "1", "--quiet"];
  const [a, b] = await Promise.all([runCli(args, env), runCli(args, env)]);
  const codes = [a.code, b.code].sort();
  const loser = a.code === 0 ? b : a;
  assertEquals(codes, [0, 1], a.stderr + b.stderr);
  assert(/generations\.jsonl\.lock: held by bsa run/.test(loser.stderr), loser.stderr);
  assert(!loser.stderr.includes("    at "), "no stack trace");
  // One preflight, one run's requests: the loser sent nothing, and the run it lost is whole.
  assertEquals([server.stats.models, server.stats.pings, server.stats.generate], [1, 0, 60]);
  const gens = await records<GenerationRecord>(`${out}/generations.jsonl`);
  assertEquals(new Set(gens.map((g) => `${g.id}#${g.sample}`)).size, 60);
  assert((await readManifest(out)).finished !== null);
});

/**
 * Whether a private tmpfs can be mounted (`unshare` on Linux). Where `unshare` is missing (a
 * Mac) or refused, the full-disk test below uses the file-size limit instead: the probe's
 * spawn error is caught here, never left to a dangling promise.
 */
async function _canMount(): Promise<boolean> {
  try {
    const o = await new Deno.Command("unshare", {
      args: ["-rm", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
      stdout: "null",
      stderr: "null",
    }).output();
    return o.success;
  } catch {
    return false;
  }
}
const canMount = await _canMount();

Deno.test("a full disk stops the run at the first write error: no new request, a clear message, resume after space is freed", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ reasoningBytes: 3000 });
  const mnt = `${dir.path}/mnt`;
  await Deno.mkdir(mnt);
  const out = `${mnt}/run`;
  const cli = `"${Deno.execPath()}" run --allow-all "${ROOT}lib/cli.ts" ${
    runArgs(server.url, "m-rc", 1, out).join(" ")
  } --limit 20 --concurrency 2 --quiet`;
  const steps = (first: string, free: string) => [
    `${first} 2> "${dir.path}/err1"; echo $? > "${dir.path}/rc1"`,
    `cp -r "${out}" "${dir.path}/after1"`,
    free,
    `${cli} 2> "${dir.path}/err2"; echo $? > "${dir.path}/rc2"`,
    `cp -r "${out}" "${dir.path}/after2"`,
  ];
  // A real full disk where a private tmpfs can be mounted (128 KiB, 100 KiB of it taken:
  // room for a few 3 KiB samples); elsewhere the kernel's file-size limit, which fails a
  // write the same way (EFBIG instead of ENOSPC). Copies are taken after each step.
  const [command, args] = canMount
    ? ["unshare", [
      "-rm",
      "sh",
      "-c",
      [
        `mount -t tmpfs -o size=128k tmpfs "${mnt}"`,
        `head -c 102400 /dev/zero > "${mnt}/ballast"`,
        ...steps(cli, `rm "${mnt}/ballast"`),
      ].join(" && "),
    ]]
    : ["sh", ["-c", [`trap "" XFSZ`, ...steps(`(ulimit -f 40; exec ${cli})`, "true")].join(" && ")]];
  const r = await new Deno.Command(command, { args, env: { ...cliEnv(`${dir.path}/cache`), NO_COLOR: "1" } }).output();
  assert(r.success, new TextDecoder().decode(r.stderr));
  const err1 = await Deno.readTextFile(`${dir.path}/err1`);
  assertEquals((await Deno.readTextFile(`${dir.path}/rc1`)).trim(), "1", err1);
  assert(/cannot write .*generations\.jsonl: (No space left on device|File too large)/.test(err1), err1);
  assert(err1.includes("run the same command again to resume"), err1);
  assert(!err1.includes("    at "), `no stack trace: ${err1}`);
  const written: GenerationRecord[] = [];
  for await (const g of readJsonl<GenerationRecord>(`${dir.path}/after1/generations.jsonl`, { warnings: [] })) {
    written.push(g);
  }
  assert(written.length >= 1 && written.length < 20, `${written.length} written before the disk filled`);
  // Sent: the samples written plus at most the requests already in flight (2).
  const sentFirst = server.stats.generate - (20 - written.length);
  assert(sentFirst - written.length <= 2, `${sentFirst} requests sent for ${written.length} samples written`);
  assertEquals((await Deno.readTextFile(`${dir.path}/rc2`)).trim(), "0", await Deno.readTextFile(`${dir.path}/err2`));
  const gens = await records<GenerationRecord>(`${dir.path}/after2/generations.jsonl`);
  assertEquals([gens.length, new Set(gens.map((g) => g.id)).size], [20, 20]);
  await (await acquireLock(`${dir.path}/after2/generations.jsonl.lock`, "test")).release(); // not held
});

Deno.test("a wrong key is caught before anything is written, even when /models needs none", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI({ apiKey: "right", openModels: true });
  const out = `${dir.path}/run`;
  const r = await runCli([...runArgs(server.url, "m-rc", 1, out), "--limit", "2"], {
    ...cliEnv(`${dir.path}/cache`),
    OPENAI_API_KEY: "wrong",
  });
  assertEquals(r.code, 1, r.stderr);
  assert(r.stderr.includes("rejected the API key in OPENAI_API_KEY (HTTP 401)"), r.stderr);
  assert(!(await Deno.stat(out).catch(() => null)), "no run folder");
  assertEquals(server.stats.chat, 0);
});

Deno.test("timeouts: bounded to what timers accept; a stall is reported even without progress output", async () => {
  await using dir = await tempDir();
  const r = await runCli(
    [...runArgs("http://127.0.0.1:9/v1", "m", 1, `${dir.path}/r`), "--timeout", "3000000"],
    cliEnv(`${dir.path}/cache`),
  );
  assertEquals(r.code, 2, r.stderr);
  assert(r.stderr.includes("--timeout must be a number from 1 to 2147483"), r.stderr);
  await using server = startFakeOpenAI();
  server.inject(["hang"]);
  const lines: string[] = [];
  const res = await generate({
    out: `${dir.path}/stall`,
    client: new ChatClient({ baseUrls: [server.url], timeoutMs: 1500, retry: { retries: 0 } }),
    model: "m-rc",
    k: 1,
    dataset: ds,
    ids: ids.slice(0, 1),
    subsetDescription: "one",
    params: {},
    concurrency: 1,
    progress: null,
    log: (l) => lines.push(l),
    stallMs: 300,
  });
  assertEquals(res.errors, 1);
  assert(lines.some((l) => l.includes("nothing has completed for")), lines.join("\n"));
});

Deno.test("a resumed run with other tags updates them and says so; other settings are refused", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await gen(server.url, out, { k: 1, ids: ids.slice(0, 1), tags: { condition: "a" } });
  const r = await gen(server.url, out, { k: 1, ids: ids.slice(0, 1), tags: { condition: "b" } });
  assert(r.warnings.some((w) => w.includes('tags updated from {"condition":"a"} to {"condition":"b"}')), r.warnings[0]);
  assertEquals((await readManifest(out)).tags, { condition: "b" });
  // Resuming without tags keeps them.
  assertEquals((await gen(server.url, out, { k: 1, ids: ids.slice(0, 1) })).warnings, []);
  assertEquals((await readManifest(out)).tags, { condition: "b" });
  await assertRejects(() => gen(server.url, out, { k: 2, ids: ids.slice(0, 1) }), RunSettingsError, "other settings");
});

Deno.test("readers skip a cut-short last line with a warning instead of failing", async () => {
  await using dir = await tempDir();
  await using server = startFakeOpenAI();
  const out = `${dir.path}/run`;
  await gen(server.url, out, { k: 1, ids: ids.slice(0, 2) });
  await judgeRun(server.url, out);
  await Deno.writeTextFile(`${out}/judgments.jsonl`, '{"id":"x","sam', { append: true });
  const loaded = await loadRunJudgments([out]);
  assertEquals(loaded.table.numRows(), 2);
  assert(loaded.warnings[0].includes("cut short"), loaded.warnings[0]);
  const score = await runCli(["score", "--run", out, "--json"], cliEnv(`${dir.path}/cache`));
  assertEquals(score.code, 0, score.stderr);
  assert(score.stderr.includes("warning:") && score.stderr.includes("cut short"), score.stderr);
  // A line cut in the middle of the file is corruption, not an interrupted write: an error.
  await Deno.writeTextFile(`${out}/judgments.jsonl`, '{"id":"x","sam\n{"id":"y","sample":0}\n');
  await assertRejects(() => loadRunJudgments([out]), BsaError, "line 1: not valid JSON");
});

Deno.test("study files: types and ranges checked by a schema naming the field path; run folders stay inside out", async () => {
  await using dir = await tempDir();
  const base = { name: "s", k: 1, out: `${dir.path}/runs`, models: [{ model: "m" }] };
  const cases: [unknown, string][] = [
    [{ ...base, defaults: { temperature: "hot" } }, `'defaults.temperature' must be a number >= 0, got "hot"`],
    [
      { ...base, models: [{ model: "m", extra_body: "str" }] },
      `'models[0].extra_body' must be a JSON object, got "str"`,
    ],
    [{ ...base, endpoint: { base_url: "http://h/v1" } }, "'endpoint.base_url' must be a list of URLs"],
    [{ ...base, judge: { model: "j", temprature: 0 } }, "'judge.temprature' is not a field here"],
    [{ ...base, models: [{ model: "m", top_p: 2 }] }, "'models[0].top_p' must be a number from 0 to 1, got 2"],
    [{ ...base, conditions: [{ tags: { c: [1] } }] }, "'conditions[0].tags.c' must be a string, number or boolean"],
  ];
  for (const [study, message] of cases) {
    const file = `${dir.path}/s.json`;
    await Deno.writeTextFile(file, JSON.stringify(study));
    const r = await runCli(["study", file, "--dry-run"], cliEnv(`${dir.path}/cache`));
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes(`${file}: ${message}`), `${message}\n${r.stderr}`);
    assert(!r.stderr.includes("    at "), r.stderr);
  }
  const { expandStudy } = await import("../../lib/pipeline/study.ts");
  for (const model of ["..", ".", "../x", "a/../../b", ".hidden"]) {
    const [run] = expandStudy({ ...base, models: [{ model }] });
    const name = run.dir.slice(base.out.length + 1);
    assert(!name.includes("/") && !name.startsWith("."), `${model} → ${run.dir}`);
  }
});

Deno.test("bad input ends in a clear error, never a stack trace", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const header = `${dir.path}/header.csv`;
  await Deno.writeTextFile(header, (await Deno.readTextFile(DATASET_CSV)).split("\n")[0] + "\n");
  const foreign = `${dir.path}/foreign`;
  await Deno.mkdir(foreign);
  await Deno.writeTextFile(`${foreign}/manifest.json`, '{"name": "some other tool", "version": 3}');
  await using server = startFakeOpenAI();
  const run = `${dir.path}/run`;
  await gen(server.url, run, { k: 1, ids: ids.slice(0, 1) });
  await judgeRun(server.url, run);
  const cases: [string[], string][] = [
    [[...runArgs(server.url, "m", 1, `${dir.path}/r`), "--dataset", header], "no questions"],
    [["score", "--run", foreign], "is not a bsa run manifest"],
    [["judge", "--run", foreign, "--judge-base-url", server.url, "--judge-model", "judge-a"], "not a bsa run manifest"],
    [["score", "--run", run, "--export-official", `${dir.path}/no/such/dir/x.csv`], "cannot write"],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, env);
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes(message), `${args.join(" ")}: ${r.stderr}`);
    assert(!r.stderr.includes("    at "), `${args.join(" ")}: ${r.stderr}`);
  }
});
