/**
 * What a paper prints is the PDF: every exported PDF, rastered by poppler as a PDF viewer draws
 * it, must show what its PNG shows, at exactly the figure's print width, with its text extractable.
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { exportFigures, FIGURES, PRINT_WIDTH_PT, renderFigure, renderPdf, renderPng } from "../../lib/charts/mod.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { loadPaper } from "../../lib/paper/mod.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { compareRasters, decodePng, type RasterDiff, rasterPdf, svgTexts } from "../helpers/pdf.ts";
import { requires } from "../helpers/requires.ts";
import PDFDocument from "pdfkit";
import SVGtoPDF from "svg-to-pdfkit";

const DPI = 100;
const ctx = { paper: await loadPaper(), dataset: await loadDataset({ path: DATASET_CSV }) };

/** The same picture: sizes agree, little blurred difference, and the PNG's ink is in the PDF. */
function same(d: RasterDiff): string | undefined {
  if (d.sizeMismatch) return d.sizeMismatch;
  if (d.mean > 6 || d.bad > 0.005 || d.ink < 0.9) {
    return `mean difference ${d.mean.toFixed(2)}, ${(d.bad * 100).toFixed(2)}% of pixels off, ` +
      `${(d.ink * 100).toFixed(1)}% of the PNG's ink in the PDF`;
  }
  return undefined;
}

/** The page size a PDF declares (its first MediaBox), in points. */
function mediaBox(pdf: Uint8Array): [number, number] {
  const m = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(new TextDecoder("latin1").decode(pdf));
  assert(m, "the PDF has no MediaBox");
  return [Number(m[1]), Number(m[2])];
}

async function pdftotext(pdf: Uint8Array): Promise<string> {
  await using d = await tempDir();
  await Deno.writeFile(`${d.path}/f.pdf`, pdf);
  const out = await new Deno.Command("pdftotext", { args: [`${d.path}/f.pdf`, "-"], stdout: "piped" }).output();
  assert(out.success, "pdftotext failed");
  return new TextDecoder().decode(out.stdout);
}

Deno.test({
  name: "every PDF, rastered, is its PNG: same picture, exactly the print width, every glyph extractable",
  ...requires("pdftoppm"),
  fn: async () => {
    await using d = await tempDir();
    const figs = await exportFigures(ctx, d.path, { formats: ["svg", "png", "pdf"], dpi: DPI });
    assertEquals(figs.map((f) => f.name), Object.keys(FIGURES));
    for (const f of figs) {
      const pdf = await Deno.readFile(`${d.path}/${f.name}.pdf`);
      const [w] = mediaBox(pdf);
      assertEquals(w, PRINT_WIDTH_PT[f.size], `${f.name}: the page is ${w} pt wide`);
      const problem = same(
        compareRasters(await rasterPdf(pdf, DPI), await decodePng(await Deno.readFile(`${d.path}/${f.name}.png`))),
      );
      assertEquals(problem, undefined, `${f.name}: the PDF does not show what the PNG shows`);
      // The PNG records its resolution, so a word processor inserts it at the same print width.
      const png = await Deno.readFile(`${d.path}/${f.name}.png`);
      const phys = new TextDecoder("latin1").decode(png).indexOf("pHYs");
      assert(phys > 0, `${f.name}: the PNG has no resolution (pHYs)`);
      const dv = new DataView(png.buffer, png.byteOffset);
      const dpi = dv.getUint32(phys + 4) * 0.0254;
      assert(
        Math.abs((dv.getUint32(16) / dpi) * 72 - w) < 0.6,
        `${f.name}: the PNG prints ${(dv.getUint32(16) / dpi) * 72} pt wide`,
      );
      // Text a reader can search and copy: every character the figure prints comes out of the PDF.
      const text = await pdftotext(pdf);
      const printed = svgTexts(await Deno.readTextFile(`${d.path}/${f.name}.svg`)).join("").replace(/\s/g, "");
      const missing = [...new Set(printed)].filter((c) => !text.includes(c));
      assertEquals(missing, [], `${f.name}: pdftotext loses these characters`);
    }
    // The glyphs the old PDFs lost.
    assert((await pdftotext(await Deno.readFile(`${d.path}/decoding_QwQ-32B.pdf`))).includes("α = "));
    assert((await pdftotext(await Deno.readFile(`${d.path}/decoding_sensitivity.pdf`))).includes("4B–32B"));
  },
});

Deno.test({
  name: "the raster comparison fails on a scaled PDF and on a cropped one",
  ...requires("pdftoppm"),
  fn: async () => {
    const spec = FIGURES.leaderboard_scatter.build(ctx, "full")!;
    const { svg } = await renderFigure(spec, "full");
    const png = await decodePng(renderPng(svg, DPI));
    assertEquals(same(compareRasters(await rasterPdf(await renderPdf(svg), DPI), png)), undefined);

    // Scaled: what the exporter did before, the "pt" size read as 96/72 of a unit (drawn at 133%).
    const [w, h] = /width="([\d.]+)pt" height="([\d.]+)pt"/.exec(svg)!.slice(1).map(Number);
    const doc = new PDFDocument({ size: [w, h], margin: 0 });
    const chunks: Uint8Array[] = [];
    doc.on("data", (c: Uint8Array) => chunks.push(c));
    const done = new Promise((r) => doc.on("end", r));
    SVGtoPDF(doc, svg, 0, 0, { width: w, height: h, assumePt: true });
    doc.end();
    await done;
    const scaled = new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
    assertEquals(mediaBox(scaled), [w, h]); // the page size alone does not tell
    const s = same(compareRasters(await rasterPdf(scaled, DPI), png));
    assert(s && !s.includes("×"), `a scaled PDF passed as the PNG (${s})`);

    // Cropped: the right scale on a page 80% as wide (the right fifth cut off).
    const cw = Math.round(w * 0.8);
    const cropped = await renderPdf(
      svg.replace(/width="[\d.]+pt"/, `width="${cw}pt"`).replace(/viewBox="0 0 [\d.]+ /, `viewBox="0 0 ${cw} `),
    );
    const c = same(compareRasters(await rasterPdf(cropped, DPI), png));
    assert(c?.includes("×"), `a cropped PDF passed as the PNG (${c})`);
  },
});

Deno.test("a figure is exactly the width asked for: column, full, or a number of points", async () => {
  for (const size of ["column", "full", 300] as const) {
    const spec = FIGURES.leaderboard_scatter.build(ctx, typeof size === "number" ? "column" : size)!;
    const { svg } = await renderFigure(spec, size);
    const width = Number(/width="([\d.]+)pt"/.exec(svg)![1]);
    assertEquals(width, typeof size === "number" ? size : PRINT_WIDTH_PT[size], `${size}`);
    const [pw] = mediaBox(await renderPdf(svg));
    assertEquals(pw, width, `${size}: the PDF page`);
  }
});

Deno.test("a figure whose text cannot fit one column says so and how wide it is drawn", async () => {
  await using d = await tempDir();
  const figs = await exportFigures(ctx, d.path, { size: "column", formats: ["svg"] });
  for (const f of figs) {
    const svg = await Deno.readTextFile(`${d.path}/${f.name}.svg`);
    assertEquals(Number(/width="([\d.]+)pt"/.exec(svg)![1]), f.width, f.name);
    if (f.width === PRINT_WIDTH_PT.column) assertEquals(f.warning, undefined, f.name);
    else {
      assert(f.width > PRINT_WIDTH_PT.column && f.warning?.includes(`needs ${f.width} pt`), `${f.name}: ${f.warning}`);
    }
  }
  const fitting = figs.filter((f) => !f.warning).map((f) => f.name);
  assert(fitting.includes("leaderboard_scatter") && fitting.includes("decoding_sensitivity"), fitting.join());
});
