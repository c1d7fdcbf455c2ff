/**
 * `safeMarkdown` against a real renderer (marked, the report's): random mixes of tags,
 * backticks, backslashes, entities, link and reference syntax never render a tag other than
 * Markdown's own, an event attribute, or a link to a scheme other than http(s) or mailto.
 */
import { marked } from "marked";
import { assertEquals } from "../helpers/assert.ts";
import { escapeAttribute, escapeHtml, escapeMarkdown, safeMarkdown, safeUrl } from "../../lib/escape.ts";

const PIECES = [
  "`",
  "``",
  "```",
  "<img src=x onerror=1>",
  "<script>x</script>",
  "\\",
  "|",
  "\n",
  "\n\n",
  "[",
  "](",
  "]: ",
  "[r]",
  "[r]: ",
  "javascript:alert(1)",
  "JaVaScRiPt&#58;x",
  "java\nscript:x",
  ")",
  "(",
  "<!--",
  "-->",
  "<",
  ">",
  "*",
  "_",
  "#",
  " ",
  "a",
  "    ",
  "~~~",
  "<svg onload=1>",
  "&lt;",
  "<a href=x>",
  "![i](",
  "data:text/html,x",
  "\t",
  "- ",
  "1. ",
  "> ",
  "<http://x>",
  "<javascript:x>",
  "&#x3c;script&#x3e;",
  "\\`",
  "'",
  '"',
  "www.x.com",
  "http://x",
  "&#106;avascript:x",
  "\\(",
  "\\)",
  "\\]",
  "javascript&colon;x",
];
const MARKDOWN_TAG =
  /^<\/?(p|em|strong|code|pre|a|h[1-6]|ul|ol|li|blockquote|hr|br|table|thead|tbody|tr|th|td|del|img|input)\b/i;

function _decode(s: string): string {
  return s.replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCharCode(Number(d))).replace(/&colon;/gi, ":")
    .replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

/** The tags of rendered HTML a browser would run something from. */
function _evil(html: string): string[] {
  const out: string[] = [];
  for (const [tag] of html.matchAll(/<[^>]*>?/g)) {
    let evil = !MARKDOWN_TAG.test(tag) || /\son\w+=/i.test(tag);
    for (const a of tag.matchAll(/(?:href|src)="([^"]*)"/gi)) {
      // deno-lint-ignore no-control-regex
      const url = _decode(a[1]).replace(/[\u0000-\u0020]+/g, "").toLowerCase();
      const scheme = /^([a-z][a-z0-9+.-]*):/.exec(url)?.[1];
      if (scheme && !["http", "https", "mailto"].includes(scheme)) evil = true;
    }
    if (evil) out.push(tag);
  }
  return out;
}

Deno.test("safeMarkdown: 30,000 random hostile texts rendered by marked give no script tag, handler or script link", () => {
  let seed = 20261203;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const found: string[] = [];
  let unsafeRaw = 0;
  for (let n = 0; n < 30_000; n++) {
    let s = "";
    for (let i = 1 + Math.floor(random() * 14); i > 0; i--) s += PIECES[Math.floor(random() * PIECES.length)];
    if (_evil(marked.parse(s, { async: false }) as string).length) unsafeRaw++;
    for (const tag of _evil(marked.parse(safeMarkdown(s), { async: false }) as string)) {
      if (found.length < 5) found.push(`${JSON.stringify(s)} => ${tag}`);
    }
  }
  assertEquals(found, []);
  // The texts are hostile: rendered as they are, thousands would run something.
  assertEquals(unsafeRaw > 5_000, true, `${unsafeRaw}`);
});

Deno.test("the value escapers leave nothing a renderer reads as markup", () => {
  const payload = `m<img src=x onerror="a()">[x](javascript:y)\`c\`*e* & 'q'`;
  assertEquals(_evil(marked.parse(escapeMarkdown(payload), { async: false }) as string), []);
  // An attribute value without a quote or an angle bracket cannot end its attribute or tag.
  assertEquals(/["'<>`]/.test(escapeAttribute(payload)), false);
  assertEquals(_evil(`<p>${escapeHtml(payload)}</p>`), []);
  assertEquals(_evil(`<a href="${escapeAttribute(safeUrl("javascript:alert(1)"))}">x</a>`), []);
  assertEquals(marked.parse(escapeMarkdown("*a* [b](c)"), { async: false }), "<p>*a* [b](c)</p>\n");
});
