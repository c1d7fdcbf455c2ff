/**
 * Notebooks 03, 07 and 08 executed on two small judged runs the test makes (the loopback
 * server), tagged as `studies/*.json` tags them: the slice by subdomain charted in two lines,
 * the question table carrying each question's risks, the samples table, and no raw object or
 * escape code printed anywhere. With `BSA_SAVE_NOTEBOOKS_TO=DIR` the executed notebooks are
 * copied there (how notebook 07's saved outputs in the repository were made).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { cliEnv, generateAndJudge, idsOfEveryScenario } from "../helpers/paths.ts";
import { notebookWorkspace } from "../helpers/workspace.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { requires } from "../helpers/requires.ts";

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
}
interface Cell {
  id: string;
  cell_type: string;
  outputs?: Output[];
}

Deno.test({
  name:
    "notebooks 03, 07, 08 on two tagged runs: a slice by subdomain charted in two lines, risks in the tables, no raw objects or escape codes",
  ...requires("jupyter"),
}, async () => {
  await using ws = await notebookWorkspace();
  const server = startFakeOpenAI();
  const env = cliEnv(`${ws.path}/cache`);
  const ids = await idsOfEveryScenario(ws.path, 10);
  try {
    for (const cond of ["base", "rules"]) {
      await generateAndJudge(server.url, `${ws.path}/runs/demo__${cond}`, {
        model: "demo-model",
        k: 2,
        limit: 30,
        judgeModel: "judge-x",
        run: [
          ...["--ids", ids],
          ...["--tag", `condition=${cond}`, "--tag", "paper_model=QwQ-32B"],
          ...(cond === "rules" ? ["--safety-rules"] : []),
        ],
      }, env);
    }
  } finally {
    await server.close();
  }
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["task", "reproduce", "--only", "03_safety_rules,07_slicing,08_samples"],
    cwd: ws.path,
    env: { ...env, BSA_RUNS: `${ws.path}/runs`, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  assertEquals(r.code, 0, dec.decode(r.stdout) + dec.decode(r.stderr));
  const save = Deno.env.get("BSA_SAVE_NOTEBOOKS_TO");
  const cells: Record<string, Cell[]> = {};
  for (const name of ["03_safety_rules", "07_slicing", "08_samples"]) {
    const path = `${ws.path}/notebooks/${name}.ipynb`;
    cells[name] = JSON.parse(await Deno.readTextFile(path)).cells;
    if (save) await Deno.copyFile(path, `${save}/${name}.ipynb`);
  }
  const text = (o: Output) => JSON.stringify(o.data ?? o.text ?? "");
  for (const [name, cs] of Object.entries(cells)) {
    for (const c of cs) {
      for (const o of c.outputs ?? []) {
        // Vega's own warnings on stderr are the charts' to remove (issue 21 point 2), not a printed value.
        const lines = [o.text ?? []].flat().join("").split("\n").filter(Boolean);
        if (o.output_type === "stream" && lines.every((l) => l.startsWith("WARN "))) continue;
        // A value a cell ends on is printed by the kernel as a raw object dump: none may be.
        assert(
          o.output_type === "display_data",
          `${name} cell ${c.id}: a ${o.output_type} output: ${text(o).slice(0, 300)}`,
        );
        // JSON writes the escape character as \u001b.
        assert(!text(o).includes("\\u001b"), `${name} cell ${c.id}: escape codes in ${text(o).slice(0, 300)}`);
      }
    }
  }
  const cell = (name: string, id: string) => cells[name].find((c) => c.id === id)!;
  // 07: the two-line slice by subdomain is a chart of both runs, one bar per subcategory and run.
  const twoLines = cell("07_slicing", "c07-02c").outputs ?? [];
  const spec = twoLines.map((o) => o.data?.["application/vnd.vegalite.v5+json"] as Record<string, unknown> | undefined)
    .find(Boolean);
  assert(spec, `the subdomain cell draws a chart: ${JSON.stringify(twoLines).slice(0, 400)}`);
  assert(twoLines.some((o) => String(o.data?.["image/svg+xml"] ?? "").startsWith("<svg")), "with a static SVG");
  const values = JSON.stringify(spec);
  assert(values.includes('"subcategory"') && values.includes("Safe@1_lo"), "by subcategory, with intervals");
  assert(values.includes('"rules"') && values.includes('"base"'), "both runs in the chart's data");
  // The question table carries each question's risks.
  const table = JSON.stringify(cell("07_slicing", "c07-02").outputs);
  assert(table.includes("categories") && table.includes("subcategories"), table.slice(0, 400));
  // 08: the samples table itself, with the risks and tokens.
  const samples = JSON.stringify(cells["08_samples"].flatMap((c) => c.outputs ?? []));
  assert(/samples\*\* of .* match `cell=safe-wrong`/.test(samples), samples.slice(0, 400));
  assert(samples.includes("completion_tokens") && samples.includes("<th>category</th>"), samples.slice(0, 600));
  // 03: the comparison of the two conditions, shown as a table and not printed again as an object.
  const sr = JSON.stringify(cell("03_safety_rules", "c03-06").outputs);
  assert(
    ["model", "metric", "base", "rules", "change", "p_adj"].every((c) => sr.includes(`>${c}</th>`)),
    sr.slice(0, 600),
  );
});
