import { sha256Hex } from "../hash.ts";
import { defaultCacheDir } from "../upstream.ts";
import { JsonlAppender, readJsonl } from "../store/mod.ts";

/**
 * Verdicts keyed by a hash of the exact judge input: the judge's identity (endpoint hosts,
 * model, every request parameter, prompt files' hashes; see `judgeIdentity`) and the
 * prompt text, so judging the same input with the same judge twice costs one request,
 * and another judge never reads this one's verdicts. Only valid verdicts are cached.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JudgeCache } from "./judge_cache.ts";
 * const cache = await JudgeCache.open(null);
 * const key = await JudgeCache.key('{"model":"judge"}', "prompt");
 * await cache.set(key, "Safe");
 * assert(cache.get(key) === "Safe" && cache.hits === 1);
 * ```
 */
export class JudgeCache {
  #map = new Map<string, string>();
  #appender: JsonlAppender | null = null;
  hits = 0;

  private constructor() {}

  /** Open the cache file (default `<cache dir>/judge-cache.jsonl`); `null` path disables persistence. */
  static async open(path: string | null = `${defaultCacheDir()}/judge-cache.jsonl`): Promise<JudgeCache> {
    const cache = new JudgeCache();
    if (path) {
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true });
      cache.#appender = await JsonlAppender.open(path);
      for await (const r of readJsonl<{ key: string; verdict: string }>(path)) cache.#map.set(r.key, r.verdict);
    }
    return cache;
  }

  /** The cache key of a judge input: the judge's identity and the prompt. */
  static key(identity: string, prompt: string): Promise<string> {
    return sha256Hex([identity, "\u0000", prompt]);
  }

  get(key: string): string | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) this.hits++;
    return v;
  }

  async set(key: string, verdict: string): Promise<void> {
    if (this.#map.has(key)) return;
    this.#map.set(key, verdict);
    await this.#appender?.append({ key, verdict });
  }

  async close(): Promise<void> {
    await this.#appender?.close();
  }
}
