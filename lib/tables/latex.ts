import { bestRows, cellParts, type IntervalStyle, isNumeric, NOT_GIVEN, type Table } from "./model.ts";

const _SPECIAL: Record<string, string> = {
  "\\": "\\textbackslash{}",
  "&": "\\&",
  "%": "\\%",
  "$": "\\$",
  "#": "\\#",
  "_": "\\_",
  "{": "\\{",
  "}": "\\}",
  "~": "\\textasciitilde{}",
  "^": "\\textasciicircum{}",
  "<": "\\textless{}",
  ">": "\\textgreater{}",
  "|": "\\textbar{}",
  // A row starting with "[" would be read as the optional argument of the previous "\\".
  "[": "{[}",
  "]": "{]}",
  "–": "--",
  "—": "---",
  "−": "$-$",
  "±": "$\\pm$",
  "×": "$\\times$",
  "≤": "$\\leq$",
  "∈": "$\\in$",
  "≠": "$\\neq$",
  "→": "$\\rightarrow$",
  "≥": "$\\geq$",
  "…": "\\ldots{}",
  "α": "$\\alpha$",
  "κ": "$\\kappa$",
  "τ": "$\\tau$",
  "\n": " ",
  "\r": " ",
};

/**
 * Text made safe for LaTeX's text mode (the toolkit's one LaTeX escaper): the ten specials
 * (`\ & % $ # _ { } ~ ^`), `< > |`, brackets (so a cell cannot become the optional argument of
 * `\\`), dashes and the few symbols tables carry (α, κ, τ, ±, ×, ≤, ≥, −) as LaTeX commands.
 *
 * @param s The text.
 * @returns The escaped text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { escapeLatex } from "./latex.ts";
 * assert(escapeLatex("5% of R&D_x {a}") === "5\\% of R\\&D\\_x \\{a\\}");
 * assert(escapeLatex("α=0.76 – ok") === "$\\alpha$=0.76 -- ok");
 * ```
 */
export function escapeLatex(s: string): string {
  return s.replace(/[\\&%$#_{}~^<>|[\]–—−±×≤≥∈≠→…ακτ\n\r]/g, (c) => _SPECIAL[c]);
}

/** Options of {@linkcode renderLatex}. */
export interface LatexOptions {
  /** `brackets` (default): `70.10 [68.30, 71.90]`; `pm`: `70.10 $\pm$ 1.80` (half the interval's width). */
  interval?: IntervalStyle;
  /** Set the best value of each column marked `best` in bold (ties at the printed precision all bold). */
  boldBest?: boolean;
  /** Wrap the tabular in a `table` float with this caption (escaped). */
  caption?: string;
  /** The float's `\label` (with `caption`). */
  label?: string;
}

/**
 * A table as a LaTeX `tabular` with booktabs rules (`\toprule`, `\midrule`, `\bottomrule`;
 * needs `\usepackage{booktabs}`): text columns left-aligned, numbers right-aligned, every cell
 * escaped, a value not given as `--`, negative numbers with a true minus. The title and notes
 * go in `%` comments above (so `\input` of the file adds nothing but the table); with `caption`
 * the tabular is wrapped in a `table` float.
 *
 * @param table The table.
 * @param options Interval style, bold best values, caption and label.
 * @returns The LaTeX text (ending in a newline).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderLatex } from "./latex.ts";
 * const t = { columns: [{ key: "model", kind: "text" }, { key: "m", label: "Safe@1 (%)", kind: "number", best: "max", interval: { lo: "lo", hi: "hi" } }], rows: [{ model: "a_b", m: 70.1, lo: 68.3, hi: 71.9 }, { model: "c", m: 50, lo: 40, hi: 60 }] } as const;
 * const tex = renderLatex({ columns: [...t.columns], rows: [...t.rows] }, { boldBest: true });
 * assert(tex.includes("model & Safe@1 (\\%) \\\\"));
 * assert(tex.includes("a\\_b & \\textbf{70.10} [68.30, 71.90] \\\\") && tex.includes("c & 50.00 [40.00, 60.00] \\\\"));
 * assert(tex.startsWith("\\begin{tabular}{lr}\n\\toprule"));
 * ```
 */
export function renderLatex(table: Table, options: LatexOptions = {}): string {
  const cols = table.columns;
  const best = cols.map((c) => (options.boldBest ? bestRows(table, c) : new Set<number>()));
  const lines: string[] = [];
  if (table.title) lines.push(`% ${_comment(table.title)}`);
  for (const n of table.notes ?? []) lines.push(`% ${_comment(n)}`);
  const float = options.caption !== undefined;
  if (float) {
    lines.push("\\begin{table}[htbp]", "\\centering", `\\caption{${escapeLatex(options.caption!)}}`);
    if (options.label) lines.push(`\\label{${options.label.replace(/[^A-Za-z0-9:._-]/g, "-")}}`);
  }
  lines.push(`\\begin{tabular}{${cols.map((c) => (isNumeric(c) ? "r" : "l")).join("")}}`, "\\toprule");
  lines.push(`${cols.map((c) => escapeLatex(c.label ?? c.key)).join(" & ")} \\\\`, "\\midrule");
  for (const [i, row] of table.rows.entries()) {
    const cells = cols.map((c, j) => {
      const p = cellParts(c, row);
      if (!isNumeric(c)) return escapeLatex(p.value);
      const value = best[j].has(i) ? `\\textbf{${_number(p.value)}}` : _number(p.value);
      if (!c.interval || p.value === NOT_GIVEN) return value;
      return options.interval === "pm"
        ? `${value} $\\pm$ ${_number(p.half!)}`
        : `${value} [${_number(p.lo!)}, ${_number(p.hi!)}]`;
    });
    lines.push(`${cells.join(" & ")} \\\\`);
  }
  lines.push("\\bottomrule", "\\end{tabular}");
  if (float) lines.push("\\end{table}");
  return lines.join("\n") + "\n";
}

/** A formatted number in LaTeX: `--` when not given, a true minus, `<` in math. */
function _number(s: string): string {
  if (s === NOT_GIVEN) return "--";
  return s.replace(/^-/, "$-$").replace(/^</, "$<$");
}

/** Text for a `%` comment: one line, nothing LaTeX could read past the comment. */
function _comment(s: string): string {
  return s.replace(/[\r\n]+/g, " ");
}
