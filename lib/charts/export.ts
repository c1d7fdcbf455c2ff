import { writeAtomic } from "../fs.ts";
import { type FigureContext, FIGURES } from "./figures.ts";
import { renderFigure, renderPdf, renderPng } from "./render.ts";
import { PRINT_WIDTH_PT, type PrintSize } from "./size.ts";

/** One exported figure. */
export interface ExportedFigure {
  name: string;
  /** The print size it was drawn at. */
  size: PrintSize;
  /** Its width in points: the print size's (see `PRINT_WIDTH_PT`) unless its text cannot fit (see `warning`). */
  width: number;
  /** Set when the figure could not be drawn as narrow as its print size without text below 6 pt: why and how wide. */
  warning?: string;
  files: string[];
}

/** Options of {@linkcode exportFigures}. */
export interface ExportOptions {
  /** Only these figures (by file name). */
  only?: string[];
  /** Formats to write (all three by default). */
  formats?: ("svg" | "png" | "pdf")[];
  /** Draw every figure at this size instead of its own default (see `FIGURES[name].size`). */
  size?: PrintSize;
  /** PNG resolution (300 dpi by default). */
  dpi?: number;
}

/**
 * Render figures at their print size to `<dir>/<name>.svg`, `.png` (300 dpi) and `.pdf` (font
 * embedded). Figures that need the dataset are skipped when it is absent. Files are written
 * atomically.
 *
 * @param ctx The paper's tables, and the dataset and runs when present.
 * @param dir The folder to write to (created if missing).
 * @param options Which figures (`only`), formats, one print size for all (`size`), PNG `dpi`.
 * @returns One entry per figure written: its name, print size, width in points, files, and a warning when its
 *   text cannot fit that size (a figure whose data is absent is left out).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportFigures } from "./export.ts";
 * import { loadPaper } from "../paper/load.ts";
 * const dir = await Deno.makeTempDir();
 * const [fig] = await exportFigures({ paper: await loadPaper() }, dir, { only: ["leaderboard_scatter"], formats: ["svg"], size: "column" });
 * assert(fig.name === "leaderboard_scatter" && fig.size === "column" && fig.width === 237.6 && !fig.warning);
 * assert.deepEqual(fig.files, [`${dir}/leaderboard_scatter.svg`]);
 * const width = Number(/width="([\d.]+)pt"/.exec(await Deno.readTextFile(fig.files[0]))![1]);
 * assert(width === 3.3 * 72); // one column: 3.3 in, in points
 * // Without the dataset, the figures drawn from it are left out.
 * assert.deepEqual(await exportFigures({ paper: await loadPaper() }, dir, { only: ["query_lengths"] }), []);
 * ```
 */
export async function exportFigures(
  ctx: FigureContext,
  dir: string,
  options: ExportOptions = {},
): Promise<ExportedFigure[]> {
  const formats = options.formats ?? ["svg", "png", "pdf"];
  await Deno.mkdir(dir, { recursive: true });
  const out: ExportedFigure[] = [];
  for (const [name, fig] of Object.entries(FIGURES)) {
    if (options.only && !options.only.includes(name)) continue;
    const size = options.size ?? fig.size;
    const spec = fig.build(ctx, size);
    if (!spec) continue;
    const { svg } = await renderFigure(spec, size);
    const width = Number(/^<svg[^>]*?\swidth="([\d.]+)pt"/.exec(svg)?.[1]);
    const files: string[] = [];
    const write = async (ext: string, data: string | Uint8Array) => {
      await writeAtomic(`${dir}/${name}.${ext}`, data);
      files.push(`${dir}/${name}.${ext}`);
    };
    if (formats.includes("svg")) await write("svg", svg);
    if (formats.includes("png")) await write("png", renderPng(svg, options.dpi ?? 300));
    if (formats.includes("pdf")) await write("pdf", await renderPdf(svg));
    const fig1: ExportedFigure = { name, size, width, files };
    if (width > PRINT_WIDTH_PT[size] + 0.01) {
      fig1.warning = `${name} needs ${width} pt: its text does not fit the ${size} width (${
        PRINT_WIDTH_PT[size]
      } pt) at 6 pt or more, so it is drawn ${width} pt wide (scale it in the paper, or draw it full width)`;
    }
    out.push(fig1);
  }
  return out;
}
