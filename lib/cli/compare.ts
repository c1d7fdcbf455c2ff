import { BsaError, UsageError } from "../errors.ts";
import { questionTable } from "../metrics/score.ts";
import { roundHalfEven } from "../metrics/round.ts";
import { loadRunJudgments } from "../pipeline/runs.ts";
import { questionColumns } from "../stats/bootstrap.ts";
import { comparePaired } from "../stats/compare.ts";
import { holm } from "../stats/holm.ts";
import { numberFlag, parseFlags } from "./_flags.ts";
import { formatRows } from "./_print.ts";

export const HELP = `bsa compare --run A --run B [--judge NAME] [--seed S] [--json]

Paired comparison of two judged runs on the questions both cover (rules vs base,
fine-tuned vs base, one decoding setting vs another): for every metric, B − A with a
95% paired-bootstrap interval and a p-value (exact McNemar for the @k metrics, a paired
permutation test for the others), Holm-adjusted across the metrics.`;

/** `bsa compare`. */
export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseFlags("compare", args, {
    run: { type: "string", multiple: true },
    judge: { type: "string" },
    seed: { type: "string" },
    bootstrap: { type: "string" },
    permutations: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return (console.log(HELP), 0);
  const runs = (values.run as string[] | undefined) ?? [];
  if (runs.length !== 2) throw new UsageError("bsa compare: give exactly two runs: --run A --run B");
  const judge = values.judge as string | undefined;
  const [a, b] = await Promise.all(runs.map((r) => loadRunJudgments([r], judge)));
  if (a.k !== b.k) throw new BsaError(`the runs have different k (${a.k} and ${b.k})`);
  const qa = questionTable(a.table, { k: a.k, by: [] });
  const qb = questionTable(b.table, { k: b.k, by: [] });
  // Align on the questions both runs judged, in one order.
  const common = qa.select("id").semijoin(qb.select("id"), "id").orderby("id");
  if (!common.numRows()) throw new BsaError("the two runs share no judged question");
  const ids = common.array("id") as string[];
  const pos = (t: typeof qa) => {
    const m = new Map((t.array("id") as string[]).map((id, i) => [id, i]));
    return ids.map((id) => m.get(id)!);
  };
  const dropped = qa.numRows() + qb.numRows() - 2 * ids.length;
  if (dropped) {
    console.error(`warning: ${dropped} question(s) judged in only one run are left out; ${ids.length} compared`);
  }
  const seed = numberFlag("compare", values, "seed", { integer: true, default: 0 })!;
  const rows = comparePaired(questionColumns(qa, pos(qa)), questionColumns(qb, pos(qb)), {
    seed,
    replicates: numberFlag("compare", values, "bootstrap", { integer: true, min: 100, default: 2000 }),
    permutations: numberFlag("compare", values, "permutations", { integer: true, min: 100, default: 2000 }),
  });
  const adjusted = holm(rows.map((r) => r.p));
  const out = rows.map((r, i) => ({
    metric: r.metric,
    n: r.n,
    A: roundHalfEven(r.a, 2),
    B: roundHalfEven(r.b, 2),
    diff: roundHalfEven(r.diff, 2),
    diff_lo: roundHalfEven(r.lo, 2),
    diff_hi: roundHalfEven(r.hi, 2),
    p: r.p,
    p_holm: adjusted[i],
    test: r.test,
    significant: adjusted[i] < 0.05,
  }));
  console.error(`A = ${runs[0]}, B = ${runs[1]}; seed ${seed}`);
  if (values.json) console.log(JSON.stringify(out, null, 2));
  else {
    console.log(
      formatRows(
        out.map((r) => ({
          ...r,
          p: r.p.toPrecision(3),
          p_holm: r.p_holm.toPrecision(3),
          significant: r.significant ? "*" : "",
        })),
      ),
    );
  }

  return 0;
}
