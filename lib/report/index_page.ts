/**
 * The report's index: it opens on the results (the headline table, the user's runs when
 * given, the audit's findings, the dataset check) and shows every figure as a thumbnail that
 * opens full size, with links to its SVG, PNG and PDF. Tables go through the CLI's renderers
 * (lib/tables), so the page shows the digits `bsa score` prints.
 * @module
 */
import type { AuditFinding } from "../paper/audit.ts";
import { escapeHtml } from "../escape.ts";
import { renderHtml } from "../tables/html.ts";
import type { Table } from "../tables/model.ts";
import { reportPage } from "./notebook_html.ts";

/** One figure on the index: its name, title and the report-relative links of its files. */
export interface IndexFigure {
  name: string;
  title: string;
  /** Links by extension (`svg`, `png`, `pdf`), relative to the index. */
  files: Partial<Record<"svg" | "png" | "pdf", string>>;
}

/** What the index shows. */
export interface IndexContent {
  /** The headline table: the paper's leaderboard. */
  headline: Table;
  /** The user's runs scored (BSA_RUNS), when given. */
  runs?: Table;
  audit: AuditFinding[];
  /** The audit's findings as a table (the same object the LaTeX and CSV come from). */
  auditTable: Table;
  /** Dataset statistics that agree with the paper's, of all compared. */
  stats: { agree: number; total: number };
  figures: IndexFigure[];
  /** Links to the notebook pages. */
  pages: { href: string; label: string }[];
  /** Why the notebooks were not re-executed, when they were not. */
  notExecuted?: string;
  /** Warnings about the user's runs, one line each (already collapsed). */
  warnings: string[];
  /** Where the figures and tables are on disk, for the sentence that says so. */
  figuresDir: string;
  tablesDir: string;
}

/**
 * The audit's findings summed up: how many per paper table and metric, with the most common
 * note of each group (the explanation the audit found, such as the F-score weight).
 *
 * @param findings The audit's findings.
 * @returns One row per (table, metric): count and the leading note.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { auditSummary } from "./index_page.ts";
 * const f = (note: string) => ({ table: "main", model: "m", condition: "-", metric: "F-score", printed: 1, recomputed: 2, note });
 * assert.deepEqual(auditSummary([f("a"), f("a"), f("b")]), [{ table: "main", metric: "F-score", findings: 3, note: "a (2 of 3)" }]);
 * ```
 */
export function auditSummary(
  findings: AuditFinding[],
): { table: string; metric: string; findings: number; note: string }[] {
  const groups = new Map<string, AuditFinding[]>();
  for (const f of findings) {
    const key = `${f.table}\u0000${f.metric}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(f);
  }
  return [...groups.values()].map((fs) => {
    // Notes differ in their numbers ("implied α=0.6099"); the wording before them is the finding.
    const stem = (n: string) => n.replace(/\s*\([^)]*\)\s*$/, "");
    const counts = new Map<string, number>();
    for (const f of fs) counts.set(stem(f.note), (counts.get(stem(f.note)) ?? 0) + 1);
    const [note, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
    return {
      table: fs[0].table,
      metric: fs[0].metric,
      findings: fs.length,
      note: n === fs.length ? note : `${note} (${n} of ${fs.length})`,
    };
  }).sort((a, b) => b.findings - a.findings);
}

/**
 * The index page of the report.
 *
 * @param c What it shows (see {@linkcode IndexContent}).
 * @param nav The links to every page.
 * @returns The HTML page (no script: the figures open full size through CSS `:target`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { indexHtml } from "./index_page.ts";
 * const table = { columns: [{ key: "model", kind: "text" as const }, { key: "Safe@1", kind: "number" as const }], rows: [{ model: "m", "Safe@1": 60 }] };
 * const html = indexHtml({
 *   headline: table, audit: [], auditTable: { columns: [], rows: [] }, stats: { agree: 1, total: 1 }, pages: [], warnings: [],
 *   figures: [{ name: "f", title: "F", files: { svg: "figures/f.svg", png: "figures/f.png" } }], figuresDir: "figures", tablesDir: "out",
 * }, []);
 * assert(html.includes(">60.00<") && html.includes('href="#fig-f"') && html.includes('id="fig-f"') && html.includes('download href="figures/f.png"'));
 * ```
 */
export function indexHtml(c: IndexContent, nav: { href: string; label: string }[]): string {
  const e = escapeHtml;
  const parts: string[] = [];
  parts.push(
    `<h1>Beyond Safe Answers: reproduction report</h1>`,
    `<p>The paper's published numbers recomputed and checked, every figure drawn from them${
      c.runs ? " and your runs" : ""
    }, one page per notebook. Tables as LaTeX and CSV: <code>${
      e(c.tablesDir)
    }/tables/</code>; figures as SVG, PNG and PDF: <code>${e(c.figuresDir)}/</code>.</p>`,
  );
  if (c.notExecuted) parts.push(`<p class="notes">${e(c.notExecuted)}</p>`);
  parts.push(
    `<section id="headline"><h2>Headline: the leaderboard</h2>${renderHtml(c.headline, { boldBest: true })}</section>`,
  );
  if (c.runs) {
    parts.push(`<section id="runs"><h2>Your runs</h2>${renderHtml(c.runs, { boldBest: true })}`);
    if (c.warnings.length) parts.push(`<ul class="notes">${c.warnings.map((w) => `<li>${e(w)}</li>`).join("")}</ul>`);
    parts.push(`</section>`);
  }
  const summary = auditSummary(c.audit);
  parts.push(
    `<section id="audit"><h2>Audit: ${c.audit.length} printed values disagree with their recomputation</h2>`,
    summary.length
      ? `<ul class="finding">${
        summary.map((s) =>
          `<li><strong>${s.findings}</strong> × ${e(s.metric)} in the ${e(s.table)} table: ${e(s.note)}</li>`
        ).join("")
      }</ul>`
      : `<p>Every printed value agrees with its recomputation.</p>`,
    `<p>Dataset statistics: ${c.stats.agree} of ${c.stats.total} agree with the paper's.</p>`,
    `<details><summary>all ${c.audit.length} findings</summary>${renderHtml(c.auditTable)}</details></section>`,
  );
  parts.push(
    `<section id="figures"><h2>Figures</h2><p class="notes">Click a figure to see it full size.</p><div class="figs">`,
    ...c.figures.map((f) => {
      // The PNG: it scales in an <img> whatever the SVG's viewBox, and is drawn at 300 dpi for the full-size view.
      const src = f.files.png ?? f.files.svg ?? "";
      const id = `fig-${f.name.replace(/[^A-Za-z0-9_-]/g, "-")}`;
      const links = (["svg", "png", "pdf"] as const).filter((x) => f.files[x]).map((x) =>
        `<a download href="${e(f.files[x]!)}">${x.toUpperCase()}</a>`
      ).join("");
      return `<figure class="fig"><h3>${
        e(f.title)
      }</h3><a href="#${id}" title="open full size"><img class="thumb" src="${e(src)}" alt="${
        e(f.title)
      }" loading="lazy"></a><div class="dl">${links}</div></figure>` +
        `<div class="lightbox" id="${id}"><div class="bar">${
          e(f.title)
        } ${links} <a href="#figures">close ✕</a></div>` +
        `<a href="#figures"><img class="full" src="${e(src)}" alt="${e(f.title)}, full size"></a></div>`;
    }),
    `</div></section>`,
  );
  parts.push(
    `<section id="notebooks"><h2>Notebooks</h2><ul>${
      c.pages.map((p) => `<li><a href="${e(p.href)}">${e(p.label)}</a></li>`).join("")
    }</ul></section>`,
  );
  return reportPage("BSA reproduction report", nav, parts.join("\n"));
}
