import { assert, assertEquals } from "../helpers/assert.ts";
import { readJsonl } from "../../lib/store/mod.ts";
import { BatchApi } from "../../lib/pipeline/batch/api.ts";
import { readBatchState, writeBatchState } from "../../lib/pipeline/batch/state.ts";
import { cliEnv, ROOT, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";

async function count(path: string): Promise<number> {
  let n = 0;
  for await (const _ of readJsonl(path)) n++;
  return n;
}

/** `bsa` run from another working directory than the checkout. */
async function runCliIn(cwd: string, args: string[], env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", `${ROOT}lib/cli.ts`, ...args],
    cwd,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

const manifest = async (run: string) => JSON.parse(await Deno.readTextFile(`${run}/manifest.json`));

Deno.test("the manifest names every endpoint a run's samples came from: direct calls after a request file, a resume at another base URL (said aloud)", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using one = startFakeOpenAI();
  await using two = startFakeOpenAI();
  const run = `${dir.path}/run`;
  const args = (url: string) => [...runArgs(url, "m-think", 1, run), "--limit", "4", "--quiet"];
  // Request files first: no endpoint yet.
  const file = await runCli(
    [
      "run",
      "--model",
      "m-think",
      "--k",
      "1",
      "--limit",
      "4",
      "--out",
      run,
      "--quiet",
      "--batch-file",
      `${dir.path}/q.jsonl`,
    ],
    env,
  );
  assertEquals(file.code, 0, file.stderr);
  assertEquals((await manifest(run)).endpoints, []);
  // Then direct calls; one sample is refused for good (asked again below).
  one.inject(["400"]);
  const direct = await runCli(args(one.url), env);
  assertEquals(direct.code, 0, direct.stderr);
  assert(
    direct.stderr.includes(`endpoint(s) ${one.url} recorded in the manifest beside none`),
    direct.stderr,
  );
  assertEquals((await manifest(run)).endpoints, [one.url]);
  // A resume at another base URL.
  const resumed = await runCli([...args(two.url), "--retry-failed"], env);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(resumed.stderr.includes(`endpoint(s) ${two.url} recorded in the manifest beside ${one.url}`), resumed.stderr);
  assertEquals((await manifest(run)).endpoints, [one.url, two.url]);
  assertEquals(two.stats.generate, 1);
  // The same endpoint again: nothing to say.
  const same = await runCli(args(two.url), env);
  assertEquals(same.code, 0, same.stderr);
  assert(!same.stderr.includes("recorded in the manifest"), same.stderr);
});

Deno.test("a direct run (or a request file) with a batch in flight refuses and says how to pick it up; --batch picks it up from another working directory", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const run = `${dir.path}/run`;
  // A run whose generation batch was written and stored in its state, not yet submitted, by a
  // command of an older bsa that ran in another working directory (its path relative to that).
  const w = await runCli(
    [
      "run",
      "--model",
      "m-think",
      "--k",
      "1",
      "--limit",
      "3",
      "--out",
      run,
      "--quiet",
      "--batch-file",
      `${dir.path}/g.jsonl`,
    ],
    env,
  );
  assertEquals(w.code, 0, w.stderr);
  await Deno.mkdir(`${run}/batches`);
  await Deno.rename(`${dir.path}/g.jsonl`, `${run}/batches/generation-001.jsonl`);
  const host = new BatchApi({ baseUrl: server.url }).host;
  await writeBatchState(run, {
    kind: "generation",
    endpoint: host,
    entries: [{ file: "elsewhere/run/batches/generation-001.jsonl", lines: 3, done: false }],
  });
  for (
    const extra of [[], ["--batch-file", `${dir.path}/again.jsonl`]]
  ) {
    const r = await runCli([...runArgs(server.url, "m-think", 1, run), "--limit", "3", "--quiet", ...extra], env);
    assertEquals(r.code, 1, r.stderr);
    assert(r.stderr.includes("1 generation batch(es) submitted to") && r.stderr.includes("still in flight"), r.stderr);
    assert(r.stderr.includes("--batch' at that endpoint") && !r.stderr.includes("    at "), r.stderr);
  }
  assertEquals(server.stats.generate, 0, "nothing was sent");
  assertEquals(await count(`${run}/generations.jsonl`), 0);
  // From another working directory, by a relative path: the batch is sent and read back.
  const picked = await runCliIn(
    dir.path,
    [...runArgs(server.url, "m-think", 1, "run"), "--limit", "3", "--quiet", "--batch", "--batch-poll", "0"],
    env,
  );
  assertEquals(picked.code, 0, picked.stderr);
  assertEquals([server.stats.uploads, server.stats.batches, server.stats.generate], [1, 1, 3]);
  assertEquals(await count(`${run}/generations.jsonl`), 3);
  const state = await readBatchState(run, "generation");
  assert(state!.entries.every((e) => e.done), JSON.stringify(state));
  // Done: direct calls are fine again.
  const after = await runCli([...runArgs(server.url, "m-think", 1, run), "--limit", "3", "--quiet"], env);
  assertEquals(after.code, 0, after.stderr);
  // The same for a judge: its batch in flight, a direct judge of that label refuses and sends nothing.
  await writeBatchState(run, {
    kind: "judge-second",
    endpoint: host,
    entries: [{ file: "batches/judge-second-001.jsonl", lines: 6, id: "batch_9", status: "in_progress", done: false }],
  });
  const judged = server.stats.judge;
  const judge = await runCli(
    ["judge", "--run", run, "--label", "second", "--judge-base-url", server.url, "--judge-model", "judge-1", "--quiet"],
    env,
  );
  assertEquals(judge.code, 1, judge.stderr);
  assert(judge.stderr.includes("1 judge-second batch(es)") && judge.stderr.includes("(batch_9)"), judge.stderr);
  assert(judge.stderr.includes(`'bsa judge --run ${run} --label second ... --batch'`), judge.stderr);
  assertEquals(server.stats.judge, judged);
});
