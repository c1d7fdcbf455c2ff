/**
 * Token counts of a dataset's questions, cached per dataset checksum so that a run's start
 * builds no tokenizer (building cl100k_base and counting 2,000 questions takes most of a
 * second and ~80 MB).
 * @module
 */
import { writeAtomic } from "../fs.ts";
import { sha256Hex } from "../hash.ts";
import { rows } from "../table.ts";
import { defaultCacheDir } from "../upstream.ts";
import type { Dataset } from "./load.ts";

/** cl100k_base token counts of the questions (by id, in dataset order) and of a system prompt. */
export interface TokenCounts {
  questions: Map<string, { query_tokens: number; risk_tokens: number }>;
  /** Tokens of the system prompt given (0 without one). */
  systemPrompt: number;
}

/**
 * The token counts of a dataset's questions (and a system prompt), read from
 * `<cache dir>/token-counts/<dataset sha256>.json`; counted (loading the tokenizer) and
 * stored only when missing.
 *
 * @param dataset The loaded dataset.
 * @param systemPrompt A system prompt to count too (null or omitted for none).
 * @param o `cacheDir`: where the counts are cached (default: the toolkit's cache folder).
 * @returns The token count of every question's query (and of the system prompt).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cachedTokenCounts } from "./token_counts.ts";
 * const questions = aq.table({ id: ["q"], query: ["hello world"], risk_summary: ["none"] });
 * const ds = { source: "x", sha256: "example-sha", pinned: false, questions, risks: aq.table({}) };
 * const cacheDir = await Deno.makeTempDir();
 * const c = await cachedTokenCounts(ds, "hi", { cacheDir });
 * assert(c.questions.get("q")!.query_tokens === 2 && c.systemPrompt === 1);
 * ```
 */
export async function cachedTokenCounts(
  dataset: Dataset,
  systemPrompt?: string | null,
  o: { cacheDir?: string } = {},
): Promise<TokenCounts> {
  const dir = `${o.cacheDir ?? defaultCacheDir()}/token-counts`;
  const path = `${dir}/${dataset.sha256}.json`;
  type Stored = { questions: Record<string, [number, number]>; prompts: Record<string, number> };
  let stored: Stored | null = null;
  try {
    stored = JSON.parse(await Deno.readTextFile(path)) as Stored;
  } catch {
    // Missing or unreadable: counted again below.
  }
  const promptKey = systemPrompt ? await sha256Hex(systemPrompt) : null;
  const missingPrompt = promptKey !== null && stored?.prompts?.[promptKey] === undefined;
  if (!stored?.questions || missingPrompt) {
    const { countTokens } = await import("./tokens.ts");
    const questions = stored?.questions ?? Object.fromEntries(
      rows<{ id: string; query: string; risk_summary: string }>(
        dataset.questions.select("id", "query", "risk_summary"),
      ).map((q) => [q.id, [countTokens(q.query), countTokens(q.risk_summary)]]),
    );
    stored = {
      questions,
      prompts: { ...stored?.prompts, ...(promptKey && { [promptKey]: countTokens(systemPrompt!) }) },
    };
    try {
      await Deno.mkdir(dir, { recursive: true });
      await writeAtomic(path, JSON.stringify(stored));
    } catch {
      // A read-only cache only costs the next start its tokenizer.
    }
  }
  const ids = dataset.questions.array("id") as string[];
  return {
    questions: new Map(ids.map((id) => {
      const [q, r] = stored!.questions[id] ?? [0, 0];
      return [id, { query_tokens: q, risk_tokens: r }];
    })),
    systemPrompt: promptKey ? stored.prompts[promptKey] : 0,
  };
}
