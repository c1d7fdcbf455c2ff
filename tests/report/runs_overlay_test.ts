import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, idsOfEveryScenario } from "../helpers/paths.ts";
import { notebookWorkspace } from "../helpers/workspace.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { requires } from "../helpers/requires.ts";
import { judgedSamples, planReview, validateRunJudge, writePlan } from "../../lib/review/mod.ts";
import { appendLabel, loadRunJudgments } from "../../lib/store/mod.ts";
import { scenarioInfo } from "../../lib/dataset/scenarios.ts";

Deno.test({
  name:
    "with BSA_RUNS, the notebooks score the user's runs (two of one model kept apart) with lib/metrics and overlay them on the paper",
  ...requires("jupyter"),
}, async () => {
  await using ws = await notebookWorkspace();
  const server = startFakeOpenAI();
  const env = cliEnv(`${ws.path}/cache`);
  const ids = await idsOfEveryScenario(ws.path, 14);
  try {
    // `base_repeat` repeats `base` with the same model and tags: the notebooks must keep the two runs apart.
    for (const [folder, cond] of [["base", "base"], ["rules", "rules"], ["base_repeat", "base"]]) {
      await generateAndJudge(server.url, `${ws.path}/runs/qwq__${folder}`, {
        model: "m-mixed",
        k: 2,
        limit: 42,
        judgeModel: "judge-x",
        run: [
          ...["--ids", ids],
          ...["--tag", "paper_model=QwQ-32B", "--tag", `condition=${cond}`, "--tag", "params_b=32"],
          ...(cond === "rules" ? ["--safety-rules"] : []),
        ],
      }, env);
    }
  } finally {
    await server.close();
  }
  // One person reviewed 20 samples of the base run and disagreed with the judge's answer on the first 3.
  const base = `${ws.path}/runs/qwq__base`;
  const judged = judgedSamples(await loadRunJudgments([base]));
  const plan = planReview(judged, { run: base, n: 20, seed: 5 });
  await writePlan(`${base}/review-plan.json`, plan);
  for (const [i, s] of plan.samples.entries()) {
    const j = judged.find((x) => x.id === s.id && x.sample === s.sample)!;
    const answer = i < 3 ? (j.answer_verdict === "Safe" ? "Unsafe" : "Safe") : j.answer_verdict;
    const rubric = scenarioInfo(j.scenario)!;
    const reasoning = [...rubric.verdicts, "no_reasoning"].includes(j.reasoning_verdict)
      ? j.reasoning_verdict
      : rubric.target;
    await appendLabel(base, {
      id: s.id,
      sample: s.sample,
      reviewer: "ana",
      answer_verdict: answer === "invalid" ? "Safe" : answer,
      reasoning_verdict: reasoning,
      time: "t",
      seconds: 2,
    });
  }
  const expected = (await validateRunJudge(base))!.rubrics.find((x) => x.scenario === "all")!;
  const reproduce = async (only: string, runs: string) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["task", "reproduce", "--only", only],
      cwd: ws.path,
      env: { ...env, BSA_RUNS: runs, NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    assertEquals(r.code, 0, dec.decode(r.stdout) + dec.decode(r.stderr));
  };
  await reproduce(
    "02_leaderboard,03_safety_rules,06_scaling,07_slicing,08_samples,09_judge_validation",
    `${ws.path}/runs`,
  );
  const outputs = async (name: string) => {
    const nb = JSON.parse(await Deno.readTextFile(`${ws.path}/notebooks/${name}.ipynb`));
    return JSON.stringify(nb.cells.flatMap((c: { outputs?: unknown[] }) => c.outputs ?? []));
  };
  const lb = await outputs("02_leaderboard");
  assert(
    lb.includes("Your runs: ") && lb.includes("your run"),
    `leaderboard overlays the runs; its text outputs: ${
      lb.match(/"text\/(markdown|plain)":\[?"[^"]{0,300}/g)?.join("\n")
    }`,
  );
  assert(lb.includes("paper Think@1") && lb.includes("reproduces"), "leaderboard compares runs with the paper");
  // Two runs of one model with the same tags: scored apart, named, and never silently paired.
  assert(lb.includes("qwq__base_repeat") && lb.includes("scored apart by run folder"), "the repeat is its own row");
  const ambiguous = await outputs("03_safety_rules");
  assert(
    ambiguous.includes("Not compared:") && ambiguous.includes("2 runs have condition=base for paper_model=QwQ-32B"),
    "the safety-rules notebook refuses to guess which base run to pair",
  );
  const sc = await outputs("06_scaling");
  assert(sc.includes("your run: m-mixed"), "scaling figure overlays the runs");
  const sl = await outputs("07_slicing");
  assert(
    sl.includes("Rumors") && sl.includes("Think@1_lo") && sl.includes("Think@1_hi"),
    "slicing by category with intervals",
  );
  const sa = await outputs("08_samples");
  assert(
    /samples\*\* of .* match `cell=safe-wrong`/.test(sa) && sa.includes("reasoning_verdict") && sa.includes("m-mixed"),
    "the samples notebook reads the runs' safe-but-wrong samples",
  );
  const jv = await outputs("09_judge_validation");
  assert(jv.includes("Runs with human labels: ") && jv.includes("qwq__base"), "the labelled run is found");
  assert(expected.agreement < 100, "the person disagreed on 3 samples");
  assert(
    jv.includes(`agrees with ana on answer safety in ${expected.agreement.toFixed(2)}%`),
    "the same number as bsa agreement",
  );
  assert(jv.includes("could move by"), "how far each metric could move");
  // The figures written with BSA_RUNS carry the overlay too.
  assert((await Deno.readTextFile(`${ws.path}/figures/leaderboard_scatter.svg`)).includes("m-mixed"));
  // With one run per condition, the notebook compares them (paired, Holm-adjusted).
  await reproduce("03_safety_rules", `${ws.path}/runs/qwq__base,${ws.path}/runs/qwq__rules`);
  const sr = await outputs("03_safety_rules");
  assert(!sr.includes("Not compared:"), "one base and one rules run pair");
  assert(
    ["model", "metric", "base", "rules", "change", "lo", "hi", "p_adj", "sig"].every((c) => sr.includes(`>${c}</th>`)),
    "the comparison table of the runs",
  );
});
