import { assert, assertEquals } from "../helpers/assert.ts";
import { readJsonl } from "../../lib/store/mod.ts";
import { cliEnv, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { runBatchLocally } from "../helpers/run_batch.ts";

async function count(path: string): Promise<number> {
  let n = 0;
  for await (const _ of readJsonl(path)) n++;
  return n;
}

/** `bsa run ... --batch-file FILE` for `limit` questions, k=1, sending nothing. */
const writeRequests = (model: string, out: string, file: string, limit = 3) => [
  ...["run", "--model", model, "--k", "1", "--out", out, "--limit", String(limit), "--quiet"],
  ...["--batch-file", file],
];

const judgeFile = (run: string, url: string, file: string, model = "judge-1", extra: string[] = []) => [
  ...["judge", "--run", run, "--judge-base-url", url, "--judge-model", model, "--quiet", "--batch-file", file],
  ...extra,
];

/** The lines of a file, and the file written back (no final newline when `cut` ends it). */
const linesOf = async (p: string) => (await Deno.readTextFile(p)).split("\n").filter((l) => l);

Deno.test("ingest refuses results of another run, another model, a request file and an older bsa's ids, naming file and line; nothing is recorded", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const [a, b] = [`${dir.path}/a`, `${dir.path}/b`];
  // Two runs of the same model and settings: only their ids tell their requests apart.
  for (const run of [a, b]) {
    const w = await runCli(writeRequests("m-think", run, `${run}.req.jsonl`), env);
    assertEquals(w.code, 0, w.stderr);
  }
  await runBatchLocally(server.url, `${a}.req.jsonl`, `${dir.path}/a.out.jsonl`);
  await runBatchLocally(server.url, `${b}.req.jsonl`, `${dir.path}/b.out.jsonl`);
  await runBatchLocally(server.url, `${b}.req.jsonl`, `${dir.path}/b.other.jsonl`, { model: "m-other" });
  const refused = async (file: string, line: number, why: string) => {
    const r = await runCli(["ingest", "--run", b, file, "--quiet"], env);
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes(`${file} line ${line}: `) && r.stderr.includes(why), r.stderr);
    assert(r.stderr.includes("nothing was recorded") && !r.stderr.includes("    at "), r.stderr);
    assertEquals(await count(`${b}/generations.jsonl`), 0, `${file}: nothing recorded`);
  };
  await refused(`${dir.path}/a.out.jsonl`, 1, "was written for another run");
  await refused(`${dir.path}/b.other.jsonl`, 1, 'answered by model "m-other", not "m-think"');
  await refused(`${b}.req.jsonl`, 1, "is a request (custom_id, method, url, body), not a result");
  // An older bsa's custom ids carry no run id.
  const good = await linesOf(`${dir.path}/b.out.jsonl`);
  const legacy = good.map((l) => l.replace(/"custom_id":"bsa\.[0-9a-f]{12}\./, '"custom_id":"'));
  await Deno.writeTextFile(`${dir.path}/legacy.jsonl`, legacy.join("\n") + "\n");
  await refused(`${dir.path}/legacy.jsonl`, 1, "carries no run id");
  // One foreign line among good ones: the whole file is refused, naming that line.
  const a1 = (await linesOf(`${dir.path}/a.out.jsonl`))[0];
  await Deno.writeTextFile(`${dir.path}/mixed.jsonl`, [good[0], good[1], a1, good[2]].join("\n") + "\n");
  await refused(`${dir.path}/mixed.jsonl`, 3, "was written for another run");
  // Its own results go in.
  const ok = await runCli(["ingest", "--run", b, `${dir.path}/b.out.jsonl`, "--quiet"], env);
  assertEquals(ok.code, 0, ok.stderr);
  assertEquals(await count(`${b}/generations.jsonl`), 3);
});

Deno.test("ingest counts every line of a result file: recorded, failed, invalid verdict, cut, duplicate, unknown id", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const run = `${dir.path}/run`;
  const req = `${dir.path}/req.jsonl`;
  assertEquals((await runCli(writeRequests("m-think", run, req, 4), env)).code, 0);
  // The first request fails (asked again later), the second is refused for good (recorded as failed).
  server.inject(["500", "400"]);
  await runBatchLocally(server.url, req, `${dir.path}/answers.jsonl`);
  const answers = await linesOf(`${dir.path}/answers.jsonl`);
  const runId = /"custom_id":"bsa\.([0-9a-f]{12})\./.exec(answers[0])![1];
  const unknown = answers[3].replace(/"custom_id":"[^"]*"/, `"custom_id":"bsa.${runId}.g.0.no-such-question"`);
  const foreign = '{"custom_id":"request-9","response":{"status_code":200,"body":{}}}';
  const cut = answers[3].slice(0, Math.floor(answers[3].length / 2));
  // 8 lines: 4 answers, a duplicate of the third, an unknown question, a line bsa did not write, a cut last line.
  const file = `${dir.path}/results.jsonl`;
  await Deno.writeTextFile(file, [...answers, answers[2], unknown, foreign, cut].join("\n"));
  const r = await runCli(["ingest", "--run", run, file, "--quiet"], env);
  assertEquals(r.code, 0, r.stderr);
  assert(
    r.stderr.includes(
      `${file}: 8 line(s): 2 recorded, 2 failed (1 refused for good and recorded as failed, 1 not recorded: write the request file again to ask them), 0 without a verdict, 1 duplicate (already recorded), 2 unknown id (1 not written by bsa), 1 cut short (not read)`,
    ),
    r.stderr,
  );
  assertEquals(await count(`${run}/generations.jsonl`), 3, "2 answers and 1 refusal recorded");

  // Judge replies: one holds no verdict.
  const jreq = `${dir.path}/judge.jsonl`;
  const jw = await runCli(judgeFile(run, server.url, jreq), env);
  assertEquals(jw.code, 0, jw.stderr);
  const asked = (await linesOf(jreq)).length;
  assertEquals(asked, 4, "answer and reasoning calls of the 2 answered samples");
  server.inject(["garbage"]);
  await runBatchLocally(server.url, jreq, `${dir.path}/jout.jsonl`);
  const j = await runCli(["ingest", "--run", run, `${dir.path}/jout.jsonl`, "--quiet"], env);
  assertEquals(j.code, 0, j.stderr);
  assert(
    j.stderr.includes(`4 line(s): 3 recorded, 0 failed`) && j.stderr.includes("1 without a verdict, 0 duplicate"),
    j.stderr,
  );
  // Only verdicts go into the cache: the reply without one does not.
  assertEquals(await count(`${dir.path}/cache/judge-cache.jsonl`), 3);
  // One file holding both kinds (each checked against its own pass): all read before, all duplicates now.
  const both = `${dir.path}/both.jsonl`;
  await Deno.writeTextFile(
    both,
    [answers[2], answers[3], ...await linesOf(`${dir.path}/jout.jsonl`)].join("\n") + "\n",
  );
  const mixed = await runCli(["ingest", "--run", run, both, "--quiet"], env);
  assertEquals(mixed.code, 0, mixed.stderr);
  assert(mixed.stderr.includes(`${both}: 6 line(s): 0 recorded, 0 failed`), mixed.stderr);
  assert(mixed.stderr.includes("6 duplicate (already recorded), 0 unknown id, 0 cut short"), mixed.stderr);
});

Deno.test("ingested verdicts go into the judge cache only under the identity that produced them", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const run = `${dir.path}/run`;
  const req = `${dir.path}/req.jsonl`;
  assertEquals((await runCli(writeRequests("m-think", run, req), env)).code, 0);
  await runBatchLocally(server.url, req, `${dir.path}/out.jsonl`);
  assertEquals((await runCli(["ingest", "--run", run, `${dir.path}/out.jsonl`, "--quiet"], env)).code, 0);
  // Two judges of the run: the default one and a labelled second.
  const [j0, j1] = [`${dir.path}/j0.jsonl`, `${dir.path}/j1.jsonl`];
  assertEquals((await runCli(judgeFile(run, server.url, j0, "judge-0"), env)).code, 0);
  assertEquals((await runCli(judgeFile(run, server.url, j1, "judge-1", ["--label", "second"]), env)).code, 0);
  await runBatchLocally(server.url, j1, `${dir.path}/j1.out.jsonl`);
  const cache = `${dir.path}/cache/judge-cache.jsonl`;
  // The second judge's replies read as the default judge's: refused, nothing cached.
  const wrong = await runCli(["ingest", "--run", run, `${dir.path}/j1.out.jsonl`, "--quiet"], env);
  assertEquals(wrong.code, 1, wrong.stderr);
  assert(wrong.stderr.includes("line 1: ") && wrong.stderr.includes("another judge of this run"), wrong.stderr);
  assertEquals(await count(cache), 0);
  assertEquals(await count(`${run}/judgments.jsonl`), 0);
  // Answered by another model than the judge named: refused, nothing cached.
  await runBatchLocally(server.url, j1, `${dir.path}/j1.other.jsonl`, { model: "judge-9" });
  const other = await runCli(["ingest", "--run", run, "--label", "second", `${dir.path}/j1.other.jsonl`], env);
  assertEquals(other.code, 1, other.stderr);
  assert(other.stderr.includes('answered by model "judge-9", not "judge-1"'), other.stderr);
  assertEquals(await count(cache), 0);
  // Replies that do not name their model are recorded, not cached (nothing says who produced them).
  const anonymous = (await linesOf(`${dir.path}/j1.out.jsonl`)).map((l) => {
    const line = JSON.parse(l);
    delete line.response.body.model;
    return JSON.stringify(line);
  });
  await Deno.writeTextFile(`${dir.path}/j1.anon.jsonl`, anonymous.join("\n") + "\n");
  const anon = await runCli(["ingest", "--run", run, "--label", "second", `${dir.path}/j1.anon.jsonl`, "--quiet"], env);
  assertEquals(anon.code, 0, anon.stderr);
  assertEquals(await count(`${run}/judgments-second.jsonl`), 3);
  assertEquals(await count(cache), 0);
  // The default judge's own replies, naming their model: recorded and cached under that judge.
  await runBatchLocally(server.url, j0, `${dir.path}/j0.out.jsonl`);
  const own = await runCli(["ingest", "--run", run, `${dir.path}/j0.out.jsonl`, "--quiet"], env);
  assertEquals(own.code, 0, own.stderr);
  assertEquals(await count(`${run}/judgments.jsonl`), 3);
  assertEquals(await count(cache), (await linesOf(j0)).length);
});
