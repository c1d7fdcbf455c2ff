import { CATEGORIES } from "../dataset/categories.ts";
import type { Dataset } from "../dataset/load.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { BsaError } from "../errors.ts";
import { SENTINELS } from "../metrics/verdicts.ts";
import { CELLS, DIFFER, type Filter, FILTER_KEYS, OUTCOME_FLAGS, parseFilter, SORTS, VIEWS } from "./page/filter.js";

/**
 * A filter names a key the viewer does not know, or a value its key cannot take: the key, the
 * value and what it may be, so a caller can name its own flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FilterError } from "./filter_check.ts";
 * assert(new FilterError("cell", "nope", "one of safe-wrong").message === "cell=nope: expected one of safe-wrong");
 * ```
 */
export class FilterError extends BsaError {
  constructor(readonly key: string, readonly value: string, readonly expected: string, unknownKey = false) {
    super(unknownKey ? `unknown key '${key}'; expected ${expected}` : `${key}=${value}: expected ${expected}`);
    this.name = "FilterError";
  }
}

/**
 * Read a filter written by a person (a command's flag, a notebook) strictly: where the page
 * drops what it does not know, this refuses an unknown key or a value no sample can have
 * (`cell=nope` would select nothing, silently). Free-text keys (`id`, `q`) take anything;
 * `subcategory` is checked against the dataset when one is given.
 *
 * @param text `key=value` pairs joined by `&` (a leading `#` is allowed), as the viewer's URL hash.
 * @param dataset The dataset, to check `subcategory` values.
 * @returns The filter.
 * @throws {FilterError} An unknown key, a pair without `=`, or a value off its key's list.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFilter } from "./filter_check.ts";
 * assert.deepEqual(checkFilter("scenario=RO&cell=safe-wrong"), { scenario: "RO", cell: "safe-wrong" });
 * assert.throws(() => checkFilter("cell=nope"), /cell=nope: expected one of safe-wrong, safe-right/);
 * assert.throws(() => checkFilter("colour=red"), /unknown key 'colour'; expected one of the keys id, scenario/);
 * ```
 */
export function checkFilter(text: string, dataset?: Dataset): Filter {
  const body = text.replace(/^#/, "");
  for (const pair of body.split("&").filter(Boolean)) {
    const [key, ...rest] = pair.split("=");
    if (!(FILTER_KEYS as readonly string[]).includes(key) || !pair.includes("=")) {
      throw new FilterError(key, rest.join("="), `one of the keys ${FILTER_KEYS.join(", ")} (as key=value)`, true);
    }
  }
  const filter = parseFilter(body);
  const allowed = _allowed(dataset);
  for (const [key, value] of Object.entries(filter) as [string, string][]) {
    const rule = allowed[key];
    if (!rule) continue;
    if (Array.isArray(rule)) {
      if (!rule.includes(value)) throw new FilterError(key, value, `one of ${rule.join(", ")}`);
    } else if (!rule.test.test(value)) throw new FilterError(key, value, rule.says);
  }
  return filter;
}

function _allowed(dataset?: Dataset): Record<string, string[] | { test: RegExp; says: string }> {
  const reasoning = [...new Set(SCENARIOS.flatMap((s) => s.verdicts))];
  return {
    scenario: SCENARIOS.flatMap((s) => [s.name, s.code]),
    category: CATEGORIES.map((c) => c.name),
    ...(dataset && {
      subcategory: [...new Set(dataset.risks.array("subcategory") as string[])].filter(Boolean).sort(),
    }),
    answer: ["Safe", "Unsafe", ...SENTINELS],
    reasoning: [...reasoning, "correct", "wrong", ...SENTINELS],
    cell: Object.keys(CELLS),
    outcome: [...OUTCOME_FLAGS, "flagged"],
    differ: Object.keys(DIFFER),
    sort: Object.keys(SORTS),
    view: Object.keys(VIEWS),
    runs: { test: /^\d+(,\d+)*$/, says: "run indexes in the order the runs were given, comma-separated, e.g. 0,1" },
    judge: { test: /^[A-Za-z0-9._-]+$/, says: "a judge label (letters, digits, '.', '_', '-'), or default" },
  };
}
