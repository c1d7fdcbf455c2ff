import { sha256Hex } from "../hash.ts";
import { defaultCacheDir } from "../upstream.ts";
import { JsonlAppender } from "../store/mod.ts";

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
  /**
   * Lines of the cache file that are no cache record (not JSON, or no key and verdict), each
   * naming the file and line: skipped, never a stop (the cache is shared by every judge).
   */
  readonly warnings: string[] = [];

  private constructor() {}

  /** Open the cache file (default `<cache dir>/judge-cache.jsonl`); `null` path disables persistence. */
  static async open(path: string | null = `${defaultCacheDir()}/judge-cache.jsonl`): Promise<JudgeCache> {
    const cache = new JudgeCache();
    if (path) {
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")) || ".", { recursive: true });
      cache.#appender = await JsonlAppender.open(path);
      await cache.#load(path);
    }
    return cache;
  }

  // Every valid record into the map; a bad line (a cut write, a stray edit) is skipped with a
  // warning: one bad line must not stop every judge sharing the cache.
  async #load(path: string): Promise<void> {
    const bad: number[] = [];
    let line = 0;
    const take = (text: string) => {
      line++;
      if (!text.trim()) return;
      let r: { key?: unknown; verdict?: unknown } | null = null;
      try {
        r = JSON.parse(text);
      } catch {
        // Counted below.
      }
      if (r && typeof r.key === "string" && typeof r.verdict === "string") this.#map.set(r.key, r.verdict);
      else bad.push(line);
    };
    let rest = "";
    const decoder = new TextDecoder();
    const file = await Deno.open(path, { read: true });
    for await (const chunk of file.readable) {
      rest += decoder.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = rest.indexOf("\n")) !== -1) {
        take(rest.slice(0, nl));
        rest = rest.slice(nl + 1);
      }
    }
    rest += decoder.decode();
    if (rest) take(rest);
    if (bad.length) {
      this.warnings.push(
        `${path} line ${bad.slice(0, 5).join(", ")}${bad.length > 5 ? ` and ${bad.length - 5} more` : ""}: ` +
          `${bad.length} line(s) that are no cache record were skipped (their verdicts will be asked again); ` +
          `delete ${bad.length === 1 ? "that line" : "those lines"} (or the file) to repair the cache`,
      );
    }
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
