import { CATEGORIES } from "./categories.ts";

/** One annotated risk of a question. */
export interface Risk {
  /** "A" or "B" for the two risks of a Cognitive Shortcut question; `null` otherwise. */
  slot: "A" | "B" | null;
  /** The paper's category name (one of the 9). */
  category: string;
  /** The subcategory as the data spells it, e.g. "Abuse and Hate Speech". */
  subcategory: string;
}

/**
 * Parse a dataset `label` into its risks.
 *
 * Risk Omission and Over Sensitivity labels are one `Category-Subcategory`;
 * Cognitive Shortcut labels are `Query A: Category-Subcategory\nQuery B: Category-Subcategory`.
 * The category is matched against the 9 known names (a subcategory may itself
 * contain a hyphen, as in "Military and Police-Controlled Items"). Throws an
 * `Error` whose message says what is wrong; callers add the file and row.
 *
 * @param label The dataset's `label` field.
 * @param scenario The question's scenario name (a Cognitive Shortcut label holds two risks).
 * @returns The risks, one for RO and OS, two (slots A and B) for CS.
 * @throws {Error} The label does not have the scenario's shape or names no known category (the dataset loader turns it into a {@linkcode BsaError} naming the row).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLabel } from "./labels.ts";
 * const [risk] = parseLabel("Pornography-Child Pornography", "Over Sensitivity");
 * assert(risk.category === "Child Pornography");
 * const two = parseLabel("Query A: Rumors-Rumors with Negative Impact\nQuery B: Ethics and Morality-AI Ethics", "Cognitive Shortcut");
 * assert(two.length === 2 && two[1].slot === "B");
 * ```
 */
export function parseLabel(label: string, scenario: string): Risk[] {
  const text = label.replace(/\r\n/g, "\n").trim();
  if (scenario === "Cognitive Shortcut") {
    const parts = text.split("\n").map((p) => p.trim()).filter((p) => p !== "");
    const m = parts.map((p) => /^Query ([AB])\s*:\s*(.+)$/.exec(p));
    if (parts.length !== 2 || !m[0] || !m[1] || m[0][1] !== "A" || m[1][1] !== "B") {
      throw new Error(
        `expected two risks "Query A: Category-Subcategory" and "Query B: Category-Subcategory" on separate lines, got ${
          JSON.stringify(label)
        }`,
      );
    }
    return [_parseRisk(m[0][2], "A"), _parseRisk(m[1][2], "B")];
  }
  if (text.includes("\n")) {
    throw new Error(`expected one "Category-Subcategory" risk for ${scenario}, got ${JSON.stringify(label)}`);
  }
  return [_parseRisk(text, null)];
}

function _parseRisk(text: string, slot: "A" | "B" | null): Risk {
  const t = text.trim();
  for (const c of CATEGORIES) {
    if (t.startsWith(c.dataName + "-")) {
      const subcategory = t.slice(c.dataName.length + 1).trim();
      if (subcategory) return { slot, category: c.name, subcategory };
    }
  }
  throw new Error(
    `unknown risk ${JSON.stringify(t)}: expected "Category-Subcategory" with a category among ${
      CATEGORIES.map((c) => c.dataName).join(", ")
    }`,
  );
}
