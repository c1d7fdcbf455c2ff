import { marked } from "marked";
import { escapeAttribute, escapeHtml, safeMarkdown, safeUrl } from "../escape.ts";

/** The parts of a Jupyter notebook the report reads. */
interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[] }[];
}
interface Output {
  output_type: string;
  data?: Record<string, string | string[]>;
  text?: string | string[];
  ename?: string;
  evalue?: string;
}

const _join = (s: string | string[] | undefined) => (Array.isArray(s) ? s.join("") : s ?? "");
const _esc = escapeHtml;
// Markdown of a cell or an output: raw HTML and script links made inert before marked renders it
// (marked does not sanitise). Notebook outputs carry run metadata (model names, tags, paths).
const _md = (s: string) => marked.parse(safeMarkdown(s), { async: false }) as string;
/**
 * The report's pages run no script and load nothing: the policy says so to the browser, so even
 * markup that got into an output (an SVG, an HTML table) cannot run anything.
 */
const CSP =
  "default-src 'none'; img-src 'self' data: file:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
// Terminal colour codes from the Deno kernel's text/plain reprs.
// deno-lint-ignore no-control-regex
const _strip = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, "");

function _output(o: Output): string {
  if (o.output_type === "error") return `<pre class="error">${_esc(`${o.ename}: ${o.evalue}`)}</pre>`;
  if (o.output_type === "stream") return `<pre class="stream">${_esc(_strip(_join(o.text)))}</pre>`;
  const d = o.data ?? {};
  if (d["image/svg+xml"]) return `<figure class="chart">${_join(d["image/svg+xml"])}</figure>`;
  if (d["image/png"]) {
    return `<figure class="chart"><img alt="chart" src="data:image/png;base64,${_join(d["image/png"])}"></figure>`;
  }
  if (d["text/html"]) return `<div class="table">${_join(d["text/html"])}</div>`;
  if (d["text/markdown"]) return `<div class="md">${_md(_join(d["text/markdown"]))}</div>`;
  if (d["text/plain"]) {
    const text = _strip(_join(d["text/plain"]));
    // Cells ending in an awaited display print "undefined" or a Promise: noise, not output.
    return /^(undefined|Promise \{[^}]*\})$/.test(text.trim()) ? "" : `<pre>${_esc(text)}</pre>`;
  }
  return "";
}

const STYLE =
  `body{font-family:Helvetica,Arial,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
nav a{margin-right:1em}pre{background:#f6f6f6;padding:.6em;overflow-x:auto;font-size:12px}
pre.code{border-left:3px solid #0072B2}pre.error{background:#fde;color:#900}
.table{overflow-x:auto}table{border-collapse:collapse;font-size:12px;margin:.5em 0}th,td{border:1px solid #ddd;padding:2px 6px;text-align:right}
th{background:#f0f0f0}figure.chart{margin:1em 0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}
details summary{cursor:pointer;color:#555;font-size:12px}
td:first-child,th:first-child{text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.bsa-table td:not(.num),table.bsa-table th:not(.num){text-align:left}table.bsa-table caption{text-align:left;font-weight:bold;padding:.3em 0}
p.notes{font-size:12px;color:#555}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:1em}
.fig{border:1px solid #ddd;padding:.5em;background:#fff;margin:0}.fig img{width:100%;height:auto;display:block;cursor:zoom-in}
.fig h3{font-size:14px;margin:.2em 0 .4em}.fig .dl{font-size:12px;margin-top:.4em}.fig .dl a{margin-right:.8em}
.lightbox{display:none;position:fixed;inset:0;background:#222;z-index:10;flex-direction:column;align-items:center;justify-content:center}
.lightbox:target{display:flex}.lightbox img{width:min(96vw,1500px);max-height:86vh;object-fit:contain;background:#fff}
.lightbox .bar{color:#fff;margin:.5em;font-size:14px}.lightbox .bar a{color:#fff;margin:0 .6em}
.finding{font-size:14px}`;

/**
 * A report page: the shared style, the navigation links and the body (HTML, already escaped).
 * No script and no external resource.
 *
 * @param title The page's title (escaped here).
 * @param nav The links to the other pages.
 * @param body The page's content.
 * @returns The HTML page.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { reportPage } from "./notebook_html.ts";
 * const html = reportPage("a <b>", [{ href: "index.html", label: "index" }], "<p>x</p>");
 * assert(html.includes("<title>a &lt;b&gt;</title>") && html.includes('<a href="index.html">index</a>'));
 * ```
 */
export function reportPage(title: string, nav: { href: string; label: string }[], body: string): string {
  const links = nav.map((n) => `<a href="${escapeAttribute(safeUrl(n.href))}">${_esc(n.label)}</a>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}"><link rel="icon" href="data:,"><title>${
      _esc(title)
    }</title><style>${STYLE}</style></head>` +
    `<body><nav>${links}</nav>\n${body}\n</body></html>\n`;
}

/**
 * One self-contained HTML page from an executed notebook: Markdown cells rendered, code in
 * collapsible blocks, charts inline as SVG, tables as HTML. No script and no external
 * resource, so the page opens offline and renders the same everywhere: Markdown goes through
 * `safeMarkdown` (no raw HTML, no script link), text is escaped, and a Content-Security-Policy
 * forbids every script.
 *
 * @param nb The executed notebook.
 * @param title The page's title.
 * @param nav The links to the other pages.
 * @returns The HTML page.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { notebookToHtml } from "./notebook_html.ts";
 * const html = notebookToHtml({ cells: [{ cell_type: "markdown", source: "# Hi" }] }, "t", []);
 * assert(html.includes("<h1>Hi</h1>") && !html.includes("<script"));
 * const hostile = notebookToHtml({ cells: [{ cell_type: "markdown", source: "m<img src=x onerror=alert(1)>" }] }, "t", []);
 * assert(!hostile.includes("<img") && hostile.includes("script-src") === false && hostile.includes("default-src 'none'"));
 * ```
 */
export function notebookToHtml(nb: Notebook, title: string, nav: { href: string; label: string }[]): string {
  const body = nb.cells.map((c) => {
    const src = _join(c.source);
    if (c.cell_type === "markdown") return `<section class="md">${_md(src)}</section>`;
    if (c.cell_type !== "code") return "";
    const outs = (c.outputs ?? []).map(_output).join("\n");
    return `<details><summary>code</summary><pre class="code">${_esc(src)}</pre></details>\n${outs}`;
  }).join("\n");
  return reportPage(title, nav, body);
}
