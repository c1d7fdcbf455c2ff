import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, runArgs, runCli, tempDir } from "../helpers/paths.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { runBatchLocally } from "../helpers/run_batch.ts";

const exists = (p: string) => Deno.lstat(p).then(() => true, () => false);

Deno.test("no output flag writes inside a run folder (even with --force) or over a file it did not write (without --force)", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const run = `${dir.path}/run`;
  assertEquals((await runCli([...runArgs(server.url, "m-think", 1, run), "--limit", "3", "--quiet"], env)).code, 0);
  const judged = await runCli(
    ["judge", "--run", run, "--judge-base-url", server.url, "--judge-model", "judge-1", "--quiet"],
    env,
  );
  assertEquals(judged.code, 0, judged.stderr);
  const files = ["generations.jsonl", "judgments.jsonl", "manifest.json"];
  const before = await Promise.all(files.map((f) => Deno.readTextFile(`${run}/${f}`)));
  await Deno.symlink(`${run}/judgments.jsonl`, `${dir.path}/link.csv`);
  const inside: [string[], string][] = [
    [
      ["run", "--model", "m-think", "--k", "1", "--limit", "3", "--out", `${dir.path}/new`, "--batch-file"],
      `${run}/generations.jsonl`,
    ],
    [["judge", "--run", run, "--judge-model", "judge-2", "--label", "b", "--batch-file"], `${run}/judgments.jsonl`],
    // The new run's own folder, which holds no manifest yet.
    [
      ["run", "--model", "m-think", "--k", "1", "--limit", "3", "--out", `${dir.path}/new`, "--batch-file"],
      `${dir.path}/new/q.jsonl`,
    ],
    [["view", "--run", run, "--out"], `${run}/judgments.jsonl`],
    [["score", "--run", run, "--export-official"], `${run}/judgments.jsonl`],
    [["score", "--run", run, "--export-official"], `${run}/sub/new.csv`],
    [["score", "--run", run, "--export-official"], `${dir.path}/link.csv`],
    [["figures", "--out"], `${run}/figures`],
  ];
  for (const [args, path] of inside) {
    const r = await runCli([...args, path, "--force"].filter((a) => !(args[0] === "figures" && a === "--force")), env);
    assertEquals(r.code, 2, `${args.join(" ")} ${path}: ${r.stderr}`);
    assert(r.stderr.includes("is inside the run folder") && !r.stderr.includes("    at "), r.stderr);
  }
  assertEquals(await Promise.all(files.map((f) => Deno.readTextFile(`${run}/${f}`))), before, "the run is untouched");
  assert(!(await exists(`${dir.path}/new`)), "the refused run made no folder");
  assert(!(await exists(`${run}/sub`)) && !(await exists(`${run}/figures`)));

  // Outside a run: an existing file only with --force.
  for (
    const [args, name] of [[["view", "--run", run, "--out"], "page.html"], [[
      "score",
      "--run",
      run,
      "--export-official",
    ], "notes.csv"]] as const
  ) {
    const path = `${dir.path}/${name}`;
    await Deno.writeTextFile(path, "my notes");
    const refused = await runCli([...args, path], env);
    assertEquals(refused.code, 2, refused.stderr);
    assert(refused.stderr.includes(`${path} exists`) && refused.stderr.includes("--force"), refused.stderr);
    assertEquals(await Deno.readTextFile(path), "my notes");
    const forced = await runCli([...args, path, "--force"], env);
    assertEquals(forced.code, 0, forced.stderr);
    assert((await Deno.readTextFile(path)) !== "my notes");
    // A new path needs no --force.
    const fresh = await runCli([...args, `${dir.path}/fresh-${name}`], env);
    assertEquals(fresh.code, 0, fresh.stderr);
  }
  const header = (await Deno.readTextFile(`${dir.path}/notes.csv`)).split("\n")[0];
  assert(header.startsWith("model_name,"), header);
  // A file's folder that does not exist: said before anything is made (no run folder left behind).
  const nowhere = await runCli(
    [
      "run",
      "--model",
      "m-think",
      "--k",
      "1",
      "--limit",
      "2",
      "--out",
      `${dir.path}/r2`,
      "--batch-file",
      `${dir.path}/no/q.jsonl`,
    ],
    env,
  );
  assertEquals(nowhere.code, 1, nowhere.stderr);
  assert(
    nowhere.stderr.includes(`there is no folder ${dir.path}/no`) && !nowhere.stderr.includes("    at "),
    nowhere.stderr,
  );
  assert(!(await exists(`${dir.path}/r2`)));
});

Deno.test("--batch-file replaces only this run's request files, removes the parts of an earlier larger split, refuses another run's without --force", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  await using server = startFakeOpenAI();
  const req = `${dir.path}/req.jsonl`;
  const write = (out: string, extra: string[] = []) =>
    runCli([
      ...["run", "--model", "m-think", "--k", "1", "--limit", "5", "--out", out, "--quiet"],
      ...["--batch-file", req, "--batch-max-lines", "2", ...extra],
    ], env);
  const a = `${dir.path}/a`;
  const first = await write(a);
  assertEquals(first.code, 0, first.stderr);
  const parts = [req, `${dir.path}/req.2.jsonl`, `${dir.path}/req.3.jsonl`];
  for (const p of parts) assert(await exists(p), p);
  // Two answered, three left: written again, the split is two files and the stale third goes.
  await runBatchLocally(server.url, req, `${dir.path}/out.jsonl`);
  assertEquals((await runCli(["ingest", "--run", a, `${dir.path}/out.jsonl`, "--quiet"], env)).code, 0);
  const again = await write(a);
  assertEquals(again.code, 0, again.stderr);
  assert(again.stderr.includes("wrote 3 requests"), again.stderr);
  assert(again.stderr.includes(`removed 1 request file(s) of an earlier write: ${parts[2]}`), again.stderr);
  assert(!(await exists(parts[2])));
  const lines = (await Deno.readTextFile(req)).split("\n").filter((l) => l).length +
    (await Deno.readTextFile(parts[1])).split("\n").filter((l) => l).length;
  assertEquals(lines, 3);

  // Another run's request files are not this run's to replace...
  const b = `${dir.path}/b`;
  const other = await write(b);
  assertEquals(other.code, 2, other.stderr);
  assert(other.stderr.includes(`--batch-file ${req} exists`) && other.stderr.includes("--force"), other.stderr);
  assert(!(await exists(b)), "the refused run made no folder");
  // ...nor is a file of the user's beside them (a part of the split it would write).
  await Deno.writeTextFile(`${dir.path}/req.3.jsonl`, "my notes\n");
  const beside = await write(a);
  assertEquals(beside.code, 2, beside.stderr);
  assert(beside.stderr.includes(`${dir.path}/req.3.jsonl exists`), beside.stderr);
  assertEquals(await Deno.readTextFile(`${dir.path}/req.3.jsonl`), "my notes\n");
  // --force replaces them all.
  const forced = await write(b, ["--force"]);
  assertEquals(forced.code, 0, forced.stderr);
  assert(forced.stderr.includes("wrote 5 requests"), forced.stderr);
  assert((await Deno.readTextFile(`${dir.path}/req.3.jsonl`)).startsWith('{"custom_id":"bsa.'));
});

Deno.test("--extra-body may not set what bsa sets itself: model, messages, n, stream", async () => {
  await using dir = await tempDir();
  const env = cliEnv(`${dir.path}/cache`);
  const run = await runCli(
    [
      "run",
      "--model",
      "m",
      "--out",
      `${dir.path}/r`,
      "--batch-file",
      `${dir.path}/q.jsonl`,
      "--extra-body",
      '{"model":"x","top_k":3}',
    ],
    env,
  );
  assertEquals(run.code, 2, run.stderr);
  assert(run.stderr.includes("--extra-body may not set model"), run.stderr);
  assert(!(await exists(`${dir.path}/r`)) && !(await exists(`${dir.path}/q.jsonl`)));
  const judge = await runCli(
    ["judge", "--run", `${dir.path}/r`, "--judge-model", "j", "--extra-body", '{"n":2,"stream":true,"messages":[]}'],
    env,
  );
  assertEquals(judge.code, 2, judge.stderr);
  assert(judge.stderr.includes("--extra-body may not set messages, n, stream"), judge.stderr);
});
