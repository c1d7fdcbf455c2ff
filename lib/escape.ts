/**
 * The one escaping helper per output context. Everything a page, a notebook or the report shows
 * from a run (model names, tags, folder paths, labels, reviewer names, model output, provider
 * errors) is untrusted text and goes through the helper of the context it lands in:
 *
 * - {@linkcode escapeHtml}: text between HTML tags.
 * - {@linkcode escapeAttribute}: a value inside a quoted HTML attribute.
 * - {@linkcode escapeMarkdown}: a value put into Markdown text (a cell's `md()` output).
 * - {@linkcode safeMarkdown}: a whole Markdown text built with values in it: raw HTML and script
 *   links made inert.
 * - {@linkcode safeUrl}: a link target (`href`, `src`): only relative, `http(s):`, `mailto:` and
 *   fragment targets, percent-encoded where a quote or space could end the attribute.
 * @module
 */

const _HTML: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text for the inside of an HTML element: `&`, `<`, `>` and both quotes as entities.
 *
 * @param text Any text (null and undefined give an empty string).
 * @returns The text, safe between tags.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeHtml } from "./escape.ts";
 * assert(escapeHtml("m<img src=x onerror=alert(1)>&") === "m&lt;img src=x onerror=alert(1)&gt;&amp;");
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => _HTML[c]);
}

/**
 * A value for a double- or single-quoted HTML attribute: as {@linkcode escapeHtml}, and
 * newlines and backticks as entities too (old browsers ended unquoted values at a backtick).
 * Never for an unquoted attribute, an event handler (`on…`) or a `style`.
 *
 * @param value Any value.
 * @returns The value, safe inside `"…"` or `'…'`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeAttribute } from "./escape.ts";
 * assert(escapeAttribute('x" onmouseover="alert(1)') === "x&quot; onmouseover=&quot;alert(1)");
 * ```
 */
export function escapeAttribute(value: unknown): string {
  return escapeHtml(value).replace(/[`\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A value put into Markdown text, shown as itself: every character Markdown gives a meaning
 * (emphasis, links, code, headings, tables, HTML) is backslash-escaped, and `<` and `&` become
 * entities, so no renderer (nbconvert, GitHub, JupyterLab, marked) sees a tag, a link or a code
 * span in it. Newlines become spaces (a value never starts a block).
 *
 * @param value Any value.
 * @returns The value, inert in Markdown text (not inside a code span: there use plain text).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeMarkdown } from "./escape.ts";
 * assert(escapeMarkdown("runs/*a*_[x](javascript:y)") === "runs/\\*a\\*\\_\\[x\\]\\(javascript:y\\)");
 * assert(escapeMarkdown("<img onerror=1>") === "&lt;img onerror=1\\>");
 * ```
 */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? "")
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/[\\`*_{}[\]()#+\-.!|>~"]/g, (c) => `\\${c}`);
}

/**
 * A whole Markdown text (built by a notebook cell, with values interpolated) made safe to
 * render: every `<` becomes `&lt;`, so the text holds no raw HTML (no tag, no comment, no
 * autolink) whatever the values in it were; and every link, image or reference target that is
 * not {@linkcode safeUrl}-safe (`javascript:`, `data:`...) becomes `#`. Everything else stays
 * Markdown (emphasis, lists, headings, code, `[text](https://…)`). No code span is trusted to
 * hide a `<`: renderers disagree on where code spans end (a GFM autolink or a backslash before
 * the closing backtick), so a `<` in code shows as `&lt;` there, a price paid for safety.
 *
 * @param text The Markdown text.
 * @returns The same text, rendering the same way, without raw HTML or script links.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeMarkdown } from "./escape.ts";
 * assert(safeMarkdown("**m<img src=x onerror=alert(1)>**") === "**m&lt;img src=x onerror=alert(1)>**");
 * assert(safeMarkdown("[x](javascript:alert(1))") === "[x](#)");
 * assert(safeMarkdown("[x](\njavascript:alert(1))") === "[x](#)");
 * assert(safeMarkdown("> [r]: javascript:alert(1)") === "> [r]: #");
 * assert(safeMarkdown("see [the paper](https://arxiv.org/abs/2505.19690)") === "see [the paper](https://arxiv.org/abs/2505.19690)");
 * ```
 */
export function safeMarkdown(text: string): string {
  // Reference definitions (`[x]: javascript:...`, also inside quotes and lists) name targets too.
  text = text.replace(
    /(\[[^\]\n]*\]:[ \t]*\n?[ \t]*)(<[^>\n]*>?|[^\s<]+)/g,
    (all, head: string, target: string) => _safeTarget(target.replace(/^<|>$/g, "")) ? all : `${head}#`,
  );
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "<") out += "&lt;";
    else if (c === "]" && text[i + 1] === "(") {
      // A link or image target: kept when safe, else `#`; one that cannot be read is no link.
      const end = _linkEnd(text, i + 2);
      if (end === -1) {
        out += "]\\(";
        i++;
        continue;
      }
      const inner = text.slice(i + 2, end);
      const target = inner.trim().split(/\s+/)[0].replace(/^<|>$/g, "");
      out += _safeTarget(target) ? `](${inner.replace(/</g, "&lt;")})` : "](#)";
      i = end;
    } else out += c;
  }
  return out;
}

// Whether a Markdown link target may stay: safe by safeUrl and, since Markdown renderers decode
// entities and backslash escapes in targets (`javascript&#58;...`), one holding `&` or `\\` only
// when it visibly starts with a safe scheme or is a plain path.
function _safeTarget(target: string): boolean {
  if (safeUrl(target) !== target) return false;
  return !/[&\\]/.test(target) || /^(https?:\/\/|mailto:|#|\/|\.\/)/i.test(target);
}

// The `)` ending a link target that starts at `from` (nested parentheses counted, escapes
// skipped; across single newlines, as renderers read it, but not a blank line); -1 if none.
function _linkEnd(text: string, from: number): number {
  let depth = 0;
  for (let j = from; j < text.length; j++) {
    const c = text[j];
    if (c === "\n" && /^\n[ \t]*\n/.test(text.slice(j, j + 40))) return -1;
    if (c === "\\") j++;
    else if (c === "(") depth++;
    else if (c === ")") {
      if (depth === 0) return j;
      depth--;
    }
  }
  return -1;
}

/**
 * A link target for an `href` or `src`: relative paths, fragments, `http:`, `https:` and
 * `mailto:` URLs pass (with spaces, quotes, `<`, `>` and backticks percent-encoded, so the target
 * cannot end its attribute); any other scheme (`javascript:`, `data:`, `vbscript:`, `file:`),
 * also disguised by case, whitespace or control characters, gives `#`. Put the result in a
 * quoted attribute through {@linkcode escapeAttribute}.
 *
 * @param url A link target.
 * @returns The target, or `#` when it is not safe to follow.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeUrl } from "./escape.ts";
 * assert(safeUrl("02_leaderboard.html#top") === "02_leaderboard.html#top");
 * assert(safeUrl("https://example.org/a b") === "https://example.org/a%20b");
 * assert(safeUrl(" JaVa\tScript:alert(1)") === "#" && safeUrl("data:text/html,x") === "#");
 * ```
 */
export function safeUrl(url: string): string {
  // Browsers drop leading spaces and control characters and every tab or newline in a URL
  // before reading its scheme: read it the same way.
  // deno-lint-ignore no-control-regex
  const bare = url.replace(/[\u0000-\u0020]+/g, "").toLowerCase();
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(bare)?.[1];
  if (scheme !== undefined && !["http", "https", "mailto"].includes(scheme)) return "#";
  // deno-lint-ignore no-control-regex
  return url.trim().replace(/[\u0000-\u0020"'<>`]/g, (c) => encodeURIComponent(c));
}
