import { fileURLToPath } from "node:url";
import * as aq from "arquero";
import type { ColumnTable } from "arquero";
import { parseCsv } from "../csv/parse.ts";
import { BsaError } from "../errors.ts";

/** The paper's published numbers, one Arquero table per source (percentages as printed). */
export interface PaperTables {
  /** 23 models: access, family, total/active params (billions), Safe@1 ... RO@k. */
  main: ColumnTable;
  /** 5 models × condition (`base` / `rules`): Safe@1, Think@1, OS@1, CS@1, RO@1 (one decimal). */
  safetyRules: ColumnTable;
  /** Qwen3 sizes × condition (`base` / `star1`): params_b, Safe@1, Think@1, RO@1, CS@1, OS@1. */
  star1: ColumnTable;
  /** QwQ-32B and Qwen3-32B over top_k × top_p × temperature, `recommended` flag, all metrics. */
  decoding: ColumnTable;
  /** Dataset composition: kind, name, value, unit. */
  datasetStats: ColumnTable;
}

/**
 * File name of each paper table under `data/paper/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PAPER_FILES } from "./load.ts";
 * assert(PAPER_FILES.main === "main_results.csv");
 * ```
 */
export const PAPER_FILES: Record<keyof PaperTables, string> = {
  main: "main_results.csv",
  safetyRules: "safety_rules.csv",
  star1: "star1_finetune.csv",
  decoding: "decoding_sweeps.csv",
  datasetStats: "dataset_stats.csv",
};

const TEXT_COLUMNS = new Set(["model", "access", "family", "condition", "kind", "name", "unit"]);
const BOOLEAN_COLUMNS = new Set(["recommended"]);

/**
 * The folder holding the paper's CSVs in this repository.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PAPER_DIR } from "./load.ts";
 * assert(PAPER_DIR.endsWith("data/paper/"));
 * ```
 */
export const PAPER_DIR: string = fileURLToPath(new URL("../../data/paper/", import.meta.url));

/**
 * Parse one paper CSV with typed columns: text columns stay strings, `recommended`
 * becomes a boolean, every other column a number (empty → null). A value that is
 * not a number is an error naming the file, row and column.
 *
 * @param text The CSV text.
 * @param source The file's name (for error messages).
 * @returns The typed table.
 * @throws {BsaError} A numeric column holds a value that is not a number (naming the file, row and column).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePaperCsv } from "./load.ts";
 * const t = parsePaperCsv("model,Safe@1\nm,93.54\n", "x.csv");
 * assert(t.get("Safe@1", 0) === 93.54);
 * ```
 */
export function parsePaperCsv(text: string, source: string): ColumnTable {
  const { table, columns, lines } = parseCsv(text, { source });
  const data: Record<string, unknown[]> = {};
  for (const c of columns) {
    const raw = table.array(c) as string[];
    if (TEXT_COLUMNS.has(c)) data[c] = raw;
    else if (BOOLEAN_COLUMNS.has(c)) data[c] = raw.map((v) => v === "true");
    else {
      data[c] = raw.map((v, i) => {
        if (v === "") return null;
        const x = Number(v);
        if (!Number.isFinite(x)) {
          throw new BsaError(`${source} row ${i + 1} (line ${lines[i]}), column '${c}': not a number: ${v}`);
        }
        return x;
      });
    }
  }
  return aq.table(data, columns);
}

/**
 * Load every paper table from `data/paper/` (or another folder).
 *
 * @param dir The folder of the paper's CSVs (default `data/paper/`).
 * @returns Every paper table, typed.
 * @throws {BsaError} A file is missing, unreadable or malformed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * const paper = await loadPaper();
 * assert(paper.main.numRows() === 23);
 * ```
 */
export async function loadPaper(dir: string = PAPER_DIR): Promise<PaperTables> {
  const out = {} as Record<keyof PaperTables, ColumnTable>;
  for (const [key, file] of Object.entries(PAPER_FILES) as [keyof PaperTables, string][]) {
    const path = `${dir.replace(/\/$/, "")}/${file}`;
    out[key] = parsePaperCsv(await Deno.readTextFile(path), path);
  }
  return out;
}
