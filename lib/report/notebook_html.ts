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
const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
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
details summary{cursor:pointer;color:#555;font-size:12px}`;

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
  const links = nav.map((n) => `<a href="${escapeAttribute(safeUrl(n.href))}">${_esc(n.label)}</a>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CSP}"><link rel="icon" href="data:,"><title>${
      _esc(title)
    }</title><style>${STYLE}</style></head>` +
    `<body><nav>${links}</nav>\n${body}\n</body></html>\n`;
}
