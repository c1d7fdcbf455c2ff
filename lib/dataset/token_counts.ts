/**
 * Token counts of a dataset's questions, cached per dataset checksum so that a run's start
 * builds no tokenizer (building cl100k_base and counting 2,000 questions takes most of a
 * second and ~80 MB). On a cold cache a run counts them in a child process
 * ({@linkcode countTokensInBackground}), so that neither its first request nor its memory
 * waits for the tokenizer.
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

// The child's `deno run` arguments: it reads the cache folder's path and the environment, and writes the counts.
const _CHILD_ARGS = ["run", "--quiet", "--allow-read", "--allow-write", "--allow-env"];
const _CONFIG_ARG = "--config";

type _Stored = { questions: Record<string, [number, number]>; prompts: Record<string, number> };

function _cachePath(dataset: Dataset, cacheDir?: string): string {
  return `${cacheDir ?? defaultCacheDir()}/token-counts/${dataset.sha256}.json`;
}

async function _readStored(path: string): Promise<_Stored | null> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as _Stored;
  } catch {
    return null; // Missing or unreadable: counted again.
  }
}

function _fromStored(dataset: Dataset, stored: _Stored, promptKey: string | null): TokenCounts {
  const ids = dataset.questions.array("id") as string[];
  return {
    questions: new Map(ids.map((id) => {
      const [q, r] = stored.questions[id] ?? [0, 0];
      return [id, { query_tokens: q, risk_tokens: r }];
    })),
    systemPrompt: promptKey ? stored.prompts[promptKey] : 0,
  };
}

/**
 * The cached token counts of a dataset (and a system prompt), or null when the cache lacks
 * them: never loads the tokenizer.
 *
 * @param dataset The loaded dataset.
 * @param systemPrompt A system prompt counted too (null or omitted for none).
 * @param o `cacheDir`: where the counts are cached (default: the toolkit's cache folder).
 * @returns The counts, or null on a cold cache.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { cachedTokenCounts, storedTokenCounts } from "./token_counts.ts";
 * const questions = aq.table({ id: ["q"], query: ["hello world"], risk_summary: ["none"] });
 * const ds = { source: "x", sha256: "stored-example", pinned: false, questions, risks: aq.table({}) };
 * const cacheDir = await Deno.makeTempDir();
 * assert(await storedTokenCounts(ds, null, { cacheDir }) === null);
 * await cachedTokenCounts(ds, null, { cacheDir });
 * assert((await storedTokenCounts(ds, null, { cacheDir }))!.questions.get("q")!.query_tokens === 2);
 * ```
 */
export async function storedTokenCounts(
  dataset: Dataset,
  systemPrompt?: string | null,
  o: { cacheDir?: string } = {},
): Promise<TokenCounts | null> {
  const stored = await _readStored(_cachePath(dataset, o.cacheDir));
  const promptKey = systemPrompt ? await sha256Hex(systemPrompt) : null;
  if (!stored?.questions || (promptKey !== null && stored.prompts?.[promptKey] === undefined)) return null;
  return _fromStored(dataset, stored, promptKey);
}

/**
 * Token counts estimated from the texts' UTF-8 length (4 bytes a token, cl100k_base's average on
 * English prose), for an estimate printed before the exact counts exist. No tokenizer.
 *
 * @param dataset The loaded dataset.
 * @param systemPrompt A system prompt (null or omitted for none).
 * @returns Approximate counts, in the shape of {@linkcode TokenCounts}.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { approximateTokenCounts } from "./token_counts.ts";
 * const questions = aq.table({ id: ["q"], query: ["How do I stay safe?"], risk_summary: ["none"] });
 * const c = approximateTokenCounts({ source: "x", sha256: "s", pinned: false, questions, risks: aq.table({}) }, "Be safe.");
 * assert(c.questions.get("q")!.query_tokens === 5 && c.systemPrompt === 2);
 * ```
 */
export function approximateTokenCounts(dataset: Dataset, systemPrompt?: string | null): TokenCounts {
  const enc = new TextEncoder();
  const approx = (t: string) => Math.max(1, Math.ceil(enc.encode(t ?? "").length / 4));
  return {
    questions: new Map(
      rows<{ id: string; query: string; risk_summary: string }>(dataset.questions.select("id", "query", "risk_summary"))
        .map((q) => [q.id, { query_tokens: approx(q.query), risk_tokens: approx(q.risk_summary) }]),
    ),
    systemPrompt: systemPrompt ? approx(systemPrompt) : 0,
  };
}

/**
 * Count a dataset's tokens (and a system prompt's) in a child Deno process and cache them, as
 * {@linkcode cachedTokenCounts} would: the tokenizer (~80 MB, most of a second) never enters
 * this process, so a run's first request and its peak memory do not wait for it. Resolves with
 * the counts once the child has stored them.
 *
 * @param dataset The loaded dataset.
 * @param systemPrompt A system prompt counted too (null or omitted for none).
 * @param o `cacheDir`: where the counts are cached (default: the toolkit's cache folder).
 * @returns The counts.
 * @throws {Error} No child could be started (no `--allow-run`, or this module is not a local
 *   file) or it failed; the caller then counts in-process or estimates from bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as aq from "arquero";
 * import { countTokensInBackground, storedTokenCounts } from "./token_counts.ts";
 * const questions = aq.table({ id: ["q"], query: ["hello world"], risk_summary: ["none"] });
 * const ds = { source: "x", sha256: "background-example", pinned: false, questions, risks: aq.table({}) };
 * const cacheDir = await Deno.makeTempDir();
 * const c = await countTokensInBackground(ds, "hi", { cacheDir });
 * assert(c.questions.get("q")!.query_tokens === 2 && c.systemPrompt === 1);
 * assert((await storedTokenCounts(ds, "hi", { cacheDir }))!.systemPrompt === 1);
 * ```
 */
export async function countTokensInBackground(
  dataset: Dataset,
  systemPrompt?: string | null,
  o: { cacheDir?: string } = {},
): Promise<TokenCounts> {
  const self = new URL(import.meta.url);
  if (self.protocol !== "file:") throw new Error(`token counting needs a local copy of the toolkit, not ${self.href}`);
  // Asked, not requested: without --allow-run a request would prompt on a terminal and hold the run.
  if ((await Deno.permissions.query({ name: "run", command: Deno.execPath() })).state !== "granted") {
    throw new Error("token counting in a child process needs --allow-run");
  }
  const config = new URL("../../deno.json", self);
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      ..._CHILD_ARGS,
      ...(await Deno.stat(config).then(() => [_CONFIG_ARG, config.pathname], () => [])),
      self.pathname,
    ],
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const job = {
    sha256: dataset.sha256,
    cacheDir: o.cacheDir ?? defaultCacheDir(),
    systemPrompt: systemPrompt ?? null,
    questions: rows<{ id: string; query: string; risk_summary: string }>(
      dataset.questions.select("id", "query", "risk_summary"),
    ).map((q) => [q.id, q.query, q.risk_summary]),
  };
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(job)));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(`token counting failed: ${new TextDecoder().decode(out.stderr).slice(-500)}`);
  const counts = await storedTokenCounts(dataset, systemPrompt, o);
  if (!counts) throw new Error("token counting stored no counts (is the cache folder writable?)");
  return counts;
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
  const path = _cachePath(dataset, o.cacheDir);
  const dir = path.slice(0, path.lastIndexOf("/"));
  let stored = await _readStored(path);
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
  return _fromStored(dataset, stored, promptKey);
}

// The child of countTokensInBackground: the job on stdin, the counts into the cache.
if (import.meta.main) {
  const aq = await import("arquero");
  const job = JSON.parse(await new Response(Deno.stdin.readable).text()) as {
    sha256: string;
    cacheDir: string;
    systemPrompt: string | null;
    questions: [string, string, string][];
  };
  const questions = aq.table({
    id: job.questions.map((q) => q[0]),
    query: job.questions.map((q) => q[1]),
    risk_summary: job.questions.map((q) => q[2]),
  });
  const dataset = { source: "(counted for a run)", sha256: job.sha256, pinned: false, questions, risks: aq.table({}) };
  await cachedTokenCounts(dataset, job.systemPrompt, { cacheDir: job.cacheDir });
}
