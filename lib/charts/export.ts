import { writeAtomic } from "../fs.ts";
import { type FigureContext, FIGURES } from "./figures.ts";
import { renderPdf, renderPng, renderSvg } from "./render.ts";

/** One exported figure. */
export interface ExportedFigure {
  name: string;
  files: string[];
}

/**
 * Render figures to `<dir>/<name>.svg`, `.png` (2× scale) and `.pdf`. Figures that need
 * the dataset are skipped when it is absent. Files are written atomically.
 *
 * @example
 * ```ts ignore
 * import { exportFigures } from "./export.ts";
 * await exportFigures({ paper: await loadPaper(), dataset: await loadDataset() }, "figures");
 * ```
 */
export async function exportFigures(
  ctx: FigureContext,
  dir: string,
  options: { only?: string[]; formats?: ("svg" | "png" | "pdf")[] } = {},
): Promise<ExportedFigure[]> {
  const formats = options.formats ?? ["svg", "png", "pdf"];
  await Deno.mkdir(dir, { recursive: true });
  const out: ExportedFigure[] = [];
  for (const [name, fig] of Object.entries(FIGURES)) {
    if (options.only && !options.only.includes(name)) continue;
    const spec = fig.build(ctx);
    if (!spec) continue;
    const svg = await renderSvg(spec);
    const files: string[] = [];
    if (formats.includes("svg")) (await writeAtomic(`${dir}/${name}.svg`, svg), files.push(`${dir}/${name}.svg`));
    if (formats.includes("png")) {
      (await writeAtomic(`${dir}/${name}.png`, renderPng(svg, 2)), files.push(`${dir}/${name}.png`));
    }
    if (formats.includes("pdf")) {
      (await writeAtomic(`${dir}/${name}.pdf`, await renderPdf(svg)), files.push(`${dir}/${name}.pdf`));
    }
    out.push({ name, files });
  }
  return out;
}
