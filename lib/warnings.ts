/**
 * Warnings that repeat with another group or other numbers, collapsed into one line each with
 * a count, so that `--by category` prints a few lines rather than a screenful before its table.
 * @module
 */

/** One collapsed warning: the line to print and the warnings it stands for. */
export interface CollapsedWarning {
  /** The line: the warning itself, or its shared wording with the count and the groups it names. */
  line: string;
  /** The warnings it stands for, in order (one for a warning that did not repeat). */
  members: string[];
}

// "model=m, category=Rumors: ..." or "all: ...": the group a score warning is about.
const _LABEL = /^((?:[^\s=:,][^=:,]*=[^:,]*)(?:, [^\s=:,][^=:,]*=[^:,]*)*|all): (.+)$/s;
const _NUMBER = /-?\d+(?:\.\d+)?/g;

/**
 * Collapse repeated warnings: those that say the same thing of different groups (the
 * `key=value: ` prefix of a score warning), or with different numbers, become one line giving
 * the count, the groups (the first three) and each number that differs as its range
 * (`12–40 of 200 questions`). A warning that does not repeat is kept as it is. Order: by
 * first occurrence.
 *
 * @param warnings The warnings.
 * @returns One entry per distinct warning.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { collapseWarnings } from "./warnings.ts";
 * const out = collapseWarnings([
 *   "category=A: partial run, 12 of 200 questions judged",
 *   "category=B: partial run, 40 of 200 questions judged",
 *   "no plan",
 *   "no plan",
 * ]);
 * assert.deepEqual(out.map((w) => w.line), [
 *   "partial run, 12–40 of 200 questions judged (2 groups: category=A; category=B)",
 *   "no plan (2 times)",
 * ]);
 * assert(out[0].members.length === 2);
 * ```
 */
export function collapseWarnings(warnings: readonly string[]): CollapsedWarning[] {
  const groups = new Map<string, { label: string | null; message: string; original: string }[]>();
  for (const w of warnings) {
    const m = _LABEL.exec(w);
    const label = m ? m[1] : null, message = m ? m[2] : w;
    const key = `${label === null ? "n" : "l"}\u0000${message.replace(_NUMBER, "#")}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push({ label, message, original: w });
  }
  return [...groups.values()].map((items) => {
    const members = items.map((i) => i.original);
    if (items.length === 1) return { line: members[0], members };
    const message = _merge(items.map((i) => i.message));
    const labels = [...new Set(items.flatMap((i) => (i.label === null ? [] : [i.label])))];
    if (!labels.length) return { line: `${message} (${items.length} times)`, members };
    const shown = labels.slice(0, 3).join("; ") + (labels.length > 3 ? `; and ${labels.length - 3} more` : "");
    return { line: `${message} (${labels.length} groups: ${shown})`, members };
  });
}

/** One message from messages that differ only in their numbers: each differing number as min–max. */
function _merge(messages: string[]): string {
  const numbers = messages.map((m) => m.match(_NUMBER) ?? []);
  let slot = 0;
  return messages[0].replace(_NUMBER, () => {
    const values = numbers.map((n) => n[slot]);
    slot++;
    const sorted = [...new Set(values)].sort((a, b) => Number(a) - Number(b));
    return sorted.length === 1 ? sorted[0] : `${sorted[0]}–${sorted.at(-1)}`;
  });
}
