import { fileURLToPath } from "node:url";
import { encodeBase64 } from "../base64.ts";

const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));

/**
 * The page's ES modules, imported by each other as `bsa/<name>.js`: an import map points
 * that prefix at `/static/` when served, or at inline `data:` URLs in a static export,
 * so one set of files works both ways without a build step.
 */
export const PAGE_MODULES = ["filter", "render", "source", "app"] as const;

/** The page and the Content-Security-Policy that goes with it. */
export interface PageHtml {
  text: string;
  csp: string;
}

/**
 * The viewer's HTML: `served` loads its scripts and styles from the server and its data
 * from `/api/`; `static` inlines the scripts, styles and `data` (one self-contained file that
 * makes no network request: its policy allows none).
 *
 * @param o `served` (with the page: `index` or `review`), or `static` with the data to inline.
 * @returns The HTML text and its Content-Security-Policy.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pageHtml } from "./page_html.ts";
 * const page = await pageHtml({ mode: "static", data: { note: "</script><b>" } });
 * assert(page.text.includes("\\u003c/script>\\u003cb>"));
 * assert(page.csp.includes("default-src 'none'"));
 * ```
 */
export async function pageHtml(
  o: { mode: "served"; page?: "index" | "review" } | { mode: "static"; data: unknown },
): Promise<PageHtml> {
  // The review page (lib/viewer/page/review.*) is served only: labels are written by the server.
  const review = o.mode === "served" && o.page === "review";
  const template = await Deno.readTextFile(`${PAGE_DIR}${review ? "review" : "index"}.html`);
  let head: string, scripts: string, csp: string;
  if (o.mode === "served") {
    const map = JSON.stringify({ imports: { "bsa/": "/static/" } });
    head = `<link rel="stylesheet" href="/static/style.css">` +
      (review ? `\n<link rel="stylesheet" href="/static/review.css">` : "");
    const entry = review ? "review" : "app";
    scripts = `<script type="importmap">${map}</script>\n<script type="module" src="/static/${entry}.js"></script>`;
    csp = [
      "default-src 'self'",
      `script-src 'self' '${await _hash(map)}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; ");
  } else {
    const imports: Record<string, string> = {};
    for (const m of PAGE_MODULES) {
      const bytes = await Deno.readFile(`${PAGE_DIR}${m}.js`);
      imports[`bsa/${m}.js`] = `data:text/javascript;base64,${encodeBase64(bytes)}`;
    }
    const map = JSON.stringify({ imports });
    const boot = `import "bsa/app.js";`;
    const css = await Deno.readTextFile(`${PAGE_DIR}style.css`);
    head = `<style>${css}</style>`;
    scripts = [
      // Model output is untrusted: no "<" may reach the HTML parser inside the data block.
      `<script type="application/json" id="bsa-data">${JSON.stringify(o.data).replace(/</g, "\\u003c")}</script>`,
      `<script type="importmap">${map}</script>`,
      `<script type="module">${boot}</script>`,
    ].join("\n");
    csp = [
      "default-src 'none'",
      `script-src '${await _hash(map)}' '${await _hash(boot)}' data:`,
      "style-src 'unsafe-inline'",
      "img-src data:",
      "base-uri 'none'",
      "form-action 'none'",
    ].join("; ");
    head = `<meta http-equiv="Content-Security-Policy" content="${csp}">\n${head}`;
  }
  return { text: template.replace("<!--HEAD-->", () => head).replace("<!--SCRIPTS-->", () => scripts), csp };
}

async function _hash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return `sha256-${encodeBase64(new Uint8Array(digest))}`;
}
