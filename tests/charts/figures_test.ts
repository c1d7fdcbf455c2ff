import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import {
  exportFigures,
  FAMILY_COLORS,
  FIGURES,
  FONT_FAMILY,
  fontBytes,
  MIN_TEXT_PT,
  PRINT_WIDTH_PT,
  renderPdf,
  renderSvg,
  settingLabel,
} from "../../lib/charts/mod.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { decodingSpreads, loadPaper } from "../../lib/paper/mod.ts";
import { fScore } from "../../lib/metrics/fscore.ts";
import { rows } from "../../lib/table.ts";
import { DATASET_CSV, ROOT, tempDir } from "../helpers/paths.ts";
import { pdfFonts, svgTexts } from "../helpers/pdf.ts";
import { Buffer } from "node:buffer";
import * as fontkit from "fontkit";

const paper = await loadPaper();
const dataset = await loadDataset({ path: DATASET_CSV });
const ctx = { paper, dataset };

/** Every inline data row of a spec (top level, layers, facet specs). */
function values(spec: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(walk);
    if (x && typeof x === "object") {
      const o = x as Record<string, unknown>;
      if (o.data && typeof o.data === "object" && Array.isArray((o.data as { values?: unknown }).values)) {
        out.push(...((o.data as { values: Record<string, unknown>[] }).values));
      }
      for (const [k, v] of Object.entries(o)) if (k !== "data") walk(v);
    }
  };
  walk(spec);
  return out;
}
const build = (name: string) => FIGURES[name].build(ctx)!;
const main = rows(paper.main);

Deno.test("leaderboard scatter: each point is the paper's Safe@1 and Think@1", () => {
  const pts = values(build("leaderboard_scatter")).filter((v) => v.source === "paper");
  const models = new Set(pts.map((p) => p.model));
  assertEquals(models.size, 23);
  for (const m of main) {
    const p = pts.find((x) => x.model === m.model)!;
    assertEquals([p["Safe@1"], p["Think@1"], p.family], [m["Safe@1"], m["Think@1"], m.family]);
  }
});

Deno.test("safety-rules radar and dumbbell carry the figure's printed values", () => {
  const sr = rows(paper.safetyRules);
  const radar = values(build("safety_rules_radar")).filter((v) => v.kind === "series");
  for (const r of sr) {
    for (const m of ["Safe@1", "Think@1", "OS@1", "CS@1", "RO@1"]) {
      assert(
        radar.some((v) => v.model === r.model && v.condition === r.condition && v.metric === m && v.value === r[m]),
        `${r.model} ${r.condition} ${m}`,
      );
    }
  }
  const db = values(build("safety_rules_dumbbell"));
  const qwq = db.find((v) => v.model === "QwQ-32B" && v.metric === "Safe@1")!;
  assertEquals([qwq.base, qwq.rules], [93.5, 99.8]);
  assertAlmostEquals(qwq.delta as number, 6.3, 1e-9);
  assertEquals(db.length, 25);
});

Deno.test("STAR-1 figures: values and changes equal the paper's", () => {
  const st = rows(paper.star1);
  const abs = values(build("star1_absolute"));
  assertEquals(abs.length, 12 * 5);
  for (const r of st) {
    const cond = r.condition === "star1" ? "STAR-1 fine-tuned" : "base";
    assertEquals(
      abs.find((v) => v.model === r.model && v.condition === cond && v.metric === "Think@1")!.value,
      r["Think@1"],
    );
  }
  const ch = values(build("star1_change"));
  const small = ch.find((v) => v.model === "Qwen3-0.6B" && v.metric === "Safe@1")!;
  assertAlmostEquals(small.delta as number, 80.52 - 41.09, 1e-9);
});

Deno.test("decoding heatmaps: every cell is the paper's value for its setting and metric", () => {
  for (const model of ["QwQ-32B", "Qwen3-32B"]) {
    const cells = values(build(`decoding_${model}`));
    const dec = rows(paper.decoding).filter((d) => d.model === model);
    assertEquals(cells.length, dec.length * 11);
    for (const r of dec) {
      for (const m of ["Safe@1", "Think@k", "CS@k"]) {
        assertEquals(cells.find((c) => c.setting === settingLabel(r as never) && c.metric === m)!.value, r[m]);
      }
      // F-score is recomputed at the code's α (QwQ-32B T=1.2 prints 41.54, which no two-decimal α gives).
      const f = cells.find((c) => c.setting === settingLabel(r as never) && c.metric === "F-score")!.value as number;
      assertAlmostEquals(f, fScore(r["Think@1"], r["Safe@1"]), 0.005);
    }
  }
});

Deno.test("the decoding sensitivity figure draws one mark per spread row of the paper layer", () => {
  const spreads = decodingSpreads(paper);
  const drawn = (values(build("decoding_sensitivity")) as { metric: string; source: string; spread?: number }[])
    .filter((d) => d.spread !== undefined); // the bars (a note takes F-score's noise place)
  assertEquals(drawn.map((d) => [d.metric, d.source, d.spread]), spreads.map((s) => [s.metric, s.source, s.spread]));
});

Deno.test("decoding heatmaps mark only settings at the recommended row's k, Holm-adjusted, named in the subtitle", () => {
  const spec = build("decoding_Qwen3-32B") as unknown as { title: { subtitle: string[] } };
  // Every Qwen3-32B setting fits k=3, not the recommended k=5: no star at all.
  assert(!values(spec).some((c) => String(c.label).endsWith("*")));
  // "k" in the rows is top-k; the number of samples per question is spelled out, never "k".
  const subtitle = spec.title.subtitle.join(" ");
  assert(subtitle.includes("† not compared: 8 settings have 3 samples per question, not 5"), subtitle);
  assert(!/\bk=\d+\b/.test(subtitle.replace("k: top-k", "")), subtitle);
  // QwQ-32B's one candidate, the greedy k=1 row, fits every k from 2 to 10: its k is not
  // determined equal to the recommended row's, so nothing is starred (issue 23.6).
  const qwq = build("decoding_QwQ-32B") as unknown as { title: { subtitle: string[] } };
  assert(!values(qwq).some((c) => String(c.label).endsWith("*")));
  assert(qwq.title.subtitle.join(" ").includes("no setting is marked"), qwq.title.subtitle.join(" "));
  const db = build("safety_rules_dumbbell") as unknown as { title: { subtitle: string[] } };
  assert(db.title.subtitle.join(" ").includes("Holm-adjusted (family-wise rate 0.05) over 25 comparisons"));
  assert(!values(db).some((v) => String(v.metric).includes("over-sensitive")));
});

Deno.test("scaling figures: values and parameters from the main table; MoE at total and active", () => {
  const pts = values(build("scaling_metrics"));
  const moe = pts.filter((p) => p.model === "Qwen3-30B-A3B" && p.metric === "Think@1");
  assertEquals(moe.map((p) => [p.kind, p.params, p.value]).sort(), [["MoE (active)", 3, 30.84], [
    "MoE (total)",
    30,
    30.84,
  ]]);
  // F-score recomputed at the code's α (the printed 46.09 uses α = 0.61): no false dip at Qwen3-235B-A22B.
  const fq = (model: string) => pts.find((p) => p.model === model && p.metric === "F-score (α=0.76)")!;
  assertEquals([fq("Qwen3-8B").value, fq("Qwen3-8B").params], [38.19, 8]);
  assert(!pts.some((p) => p.metric === "F-score"));
  const dense = ["Qwen3-0.6B", "Qwen3-1.7B", "Qwen3-4B", "Qwen3-8B", "Qwen3-14B", "Qwen3-32B", "Qwen3-235B-A22B"]
    .map((m) => fq(m).value as number);
  assert(dense.every((v, i) => i === 0 || v > dense[i - 1]), `Qwen3 F-score not rising with size: ${dense}`);
  const sc = values(build("scaling_scenarios"));
  const gain = sc.find((p) => p.family === "Qwen3" && p.scenario === "RO" && p.gain)!;
  assertEquals(gain.gain, `RO +${(63.3 - 7.1).toFixed(1)}`);
});

Deno.test("dataset composition: counts are the dataset's; labels carry the paper's shares", () => {
  const v = values(build("dataset_composition"));
  const counts = v.filter((x) => typeof x.n === "number" && x.scenario);
  assertEquals(counts.reduce((a, c) => a + (c.n as number), 0), 3200);
  const label = v.find((x) => x.category === "Rumors" && x.label)!.label as string;
  assertEquals(label, "5.84% (paper 5.83%)");
});

Deno.test("family colours are the same in every figure", () => {
  const scales = (name: string) =>
    JSON.stringify(build(name)).match(/"domain":\["Qwen3","Qwen","DeepSeek-R1"[^\]]*\],"range":\[[^\]]*\]/g) ?? [];
  const lb = scales("leaderboard_scatter"), sc = scales("scaling_metrics");
  assert(lb.length > 0 && sc.length > 0);
  assertEquals(new Set([...lb, ...sc]).size, 1);
  assertEquals(Object.keys(FAMILY_COLORS).length, 10);
});

/** Every figure exported once (SVG and PDF) for the tests below. */
let _exported: Promise<string> | undefined;
function exported(): Promise<string> {
  _exported ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "bsa-figures-" });
    await exportFigures(ctx, dir, { formats: ["svg", "pdf"] });
    return dir;
  })();
  return _exported;
}

Deno.test("SVG output is deterministic, and the committed figures are the current rendering", async () => {
  const dir = await exported();
  await using b = await tempDir();
  await exportFigures(ctx, b.path, { formats: ["svg"] });
  for (const n of Object.keys(FIGURES)) {
    const x = await Deno.readTextFile(`${dir}/${n}.svg`);
    assertEquals(x, await Deno.readTextFile(`${b.path}/${n}.svg`), n);
    assertEquals(
      x,
      await Deno.readTextFile(`${ROOT}figures/${n}.svg`),
      `figures/${n}.svg is stale: run deno task figures`,
    );
  }
  const svg = await renderSvg(build("leaderboard_scatter"));
  assertEquals(await renderPdf(svg), await renderPdf(svg));
});

Deno.test("every figure is drawn at its print size, in the shipped font, with no text below 6 pt", async () => {
  const dir = await exported();
  for (const [n, f] of Object.entries(FIGURES)) {
    const svg = await Deno.readTextFile(`${dir}/${n}.svg`);
    const [, w, h] = /^<svg[^>]*\swidth="([\d.]+)pt" height="([\d.]+)pt" viewBox="0 0 ([\d.]+) /.exec(svg) ?? [];
    assert(w && h, `${n}: the SVG is sized in points`);
    const width = Number(w);
    assertEquals(width, PRINT_WIDTH_PT[f.size], `${n}: ${width} pt wide`);
    const sizes = [...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]));
    assert(sizes.length > 0 && Math.min(...sizes) >= MIN_TEXT_PT, `${n}: text of ${Math.min(...sizes)} pt`);
    const families = new Set([...svg.matchAll(/font-family="([^"]+)"/g)].map((m) => m[1]));
    assertEquals([...families], [FONT_FAMILY], n);
  }
});

Deno.test("--size column draws a figure one column wide, text still at least 6 pt", async () => {
  await using d = await tempDir();
  const [fig] = await exportFigures(ctx, d.path, { only: ["decoding_sensitivity"], size: "column", formats: ["svg"] });
  assertEquals(fig.size, "column");
  const svg = await Deno.readTextFile(`${d.path}/decoding_sensitivity.svg`);
  assertEquals(Number(/width="([\d.]+)pt"/.exec(svg)![1]), PRINT_WIDTH_PT.column);
  assert(Math.min(...[...svg.matchAll(/font-size="([\d.]+)px"/g)].map((m) => Number(m[1]))) >= MIN_TEXT_PT);
});

Deno.test("every PDF embeds its fonts and keeps every glyph of its SVG", async () => {
  const dir = await exported();
  const shipped = fontBytes();
  const faces = [shipped.normal, shipped.bold].map((b) =>
    fontkit.create(Buffer.from(b)) as unknown as { hasGlyphForCodePoint(c: number): boolean }
  );
  for (const n of Object.keys(FIGURES)) {
    const fonts = await pdfFonts(await Deno.readFile(`${dir}/${n}.pdf`));
    assert(fonts.length > 0, `${n}: no font in the PDF`);
    for (const f of fonts) {
      assert(f.embedded, `${n}: font ${f.name} (${f.subtype}) is not embedded`);
      assert(/^[A-Z]{6}\+DejaVuSans/.test(f.name), `${n}: ${f.name} is not a subset of the shipped font`);
    }
    const have = new Set(fonts.flatMap((f) => [...f.chars]));
    const text = svgTexts(await Deno.readTextFile(`${dir}/${n}.svg`)).join("");
    for (const ch of new Set(text.replace(/\s/g, ""))) {
      assert(have.has(ch), `${n}: "${ch}" (U+${ch.codePointAt(0)!.toString(16)}) is missing from the PDF`);
      assert(faces.every((f) => f.hasGlyphForCodePoint(ch.codePointAt(0)!)), `${n}: the font has no "${ch}"`);
    }
  }
});

Deno.test("the PDF reader sees a missing glyph and an unembedded font", async () => {
  // What the old renderer did: a standard Helvetica, not embedded, without "−" or "→".
  const PDFDocument = (await import("pdfkit")).default;
  const doc = new PDFDocument({ size: [100, 50] });
  const chunks: Uint8Array[] = [];
  doc.on("data", (c: Uint8Array) => chunks.push(c));
  const done = new Promise((r) => doc.on("end", r));
  doc.font("Helvetica").text("max min", 5, 5);
  doc.end();
  await done;
  const fonts = await pdfFonts(new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()));
  assert(fonts.length === 1 && !fonts[0].embedded && !fonts[0].chars.has("−"));
  const ours = await pdfFonts(
    await renderPdf('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="10">a − b</text></svg>'),
  );
  assert(ours.every((f) => f.embedded) && ours.some((f) => f.chars.has("−")));
});
