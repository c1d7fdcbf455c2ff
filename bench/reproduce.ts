import { benchEnv, type Figure, measure } from "./_util.ts";
import { notebookWorkspace } from "../tests/helpers/workspace.ts";

/** The main job end to end (`deno task reproduce`, in a copy of the notebooks) and `deno task figures` alone. */
export async function reproduceBench(tmp: string): Promise<Figure[]> {
  const env = benchEnv(`${tmp}/cache-reproduce`);
  await using ws = await notebookWorkspace();
  const figs = await measure(["task", "figures"], env, ws.path);
  if (figs.code !== 0) throw new Error(figs.stderr);
  const rep = await measure(["task", "reproduce"], env, ws.path);
  if (rep.code !== 0) throw new Error(rep.stderr);
  return [
    {
      benchmark: "reproduce",
      figure: "deno task figures (12 figures × svg, png, pdf)",
      value: `${figs.seconds.toFixed(1)} s`,
      target: "-",
      met: null,
    },
    {
      benchmark: "reproduce",
      figure: "deno task reproduce (tables, figures, 7 notebooks, report)",
      value: `${rep.seconds.toFixed(1)} s`,
      target: "well under 5 min",
      met: rep.seconds < 300,
    },
  ];
}
