/**
 * Batch request lines (`{custom_id, method, url, body}`, the format of the OpenAI Batch API
 * and of `vllm run-batch`), the custom ids that tie a result back to its sample, and the
 * provider's limits a request stream is split under (the store's `writeRequestFiles` writes
 * the files).
 * @module
 */
import { sha256Hex } from "../../hash.ts";
import type { BatchLimits } from "../../store/mod.ts";

// The writer of request files (split under a provider's limits) is the store's: the run's own
// request files go into its batch folder through it, and `--batch-file` writes through it too.
export { type BatchLimits, writeRequestFiles } from "../../store/mod.ts";

/** The endpoint every request line targets. */
export const BATCH_URL = "/v1/chat/completions";

/** One line of a batch input file. */
export interface BatchRequestLine {
  custom_id: string;
  method: "POST";
  url: typeof BATCH_URL;
  body: Record<string, unknown>;
}

/** What a custom id names: generation samples, or one judge call of one sample. */
export type BatchTarget =
  | { kind: "generation"; id: string; samples: number[]; run?: string }
  | {
    kind: "judge";
    id: string;
    sample: number;
    /** `a` answer safety, `r` reasoning. */
    part: "a" | "r";
    /** How many judgment records the sample had when this was asked (a newer round ignores older replies). */
    round: number;
    /** 0 for the first ask; n for the n-th retry after a reply without a verdict. */
    attempt: number;
    run?: string;
    /** The judge's tag ({@linkcode judgeTag}): which judge of the run asked. */
    judge?: string;
  };

/**
 * The custom id of a request: `bsa.<run id>.` (see {@linkcode batchRunId}), what it asks (a
 * judge call also names its judge's tag), and the question id last (ids may hold any
 * character). A target without `run` gives the bare form that passes build before the batch
 * step adds the run's identity.
 *
 * @param t What the request asks (generation or judge call, sample, question), and for whom.
 * @returns The custom id.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { customId, parseCustomId } from "./requests.ts";
 * const t = { kind: "judge", id: "q.1", sample: 2, part: "r", round: 0, attempt: 1, run: "0123456789ab", judge: "cafe0123" } as const;
 * assert(customId(t) === "bsa.0123456789ab.jr.cafe0123.0.1.2.q.1");
 * assert.deepEqual(parseCustomId(customId(t)), t);
 * assert(customId({ kind: "generation", id: "q", samples: [0, 1], run: "0123456789ab" }) === "bsa.0123456789ab.g.0,1.q");
 * assert(customId({ kind: "generation", id: "q", samples: [0, 1] }) === "g.0,1.q");
 * ```
 */
export function customId(t: BatchTarget): string {
  const prefix = t.run ? `bsa.${t.run}.` : "";
  if (t.kind === "generation") return `${prefix}g.${t.samples.join(",")}.${t.id}`;
  const tag = t.run && t.judge ? `${t.judge}.` : "";
  return `${prefix}j${t.part}.${tag}${t.round}.${t.attempt}.${t.sample}.${t.id}`;
}

/**
 * Read a custom id back; `null` for one this toolkit did not write. An id of an older bsa
 * (no `bsa.<run id>.` prefix) is read without `run`.
 *
 * @param s A custom id.
 * @returns What it asks, or null.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseCustomId } from "./requests.ts";
 * assert(parseCustomId("request-1") === null);
 * assert(parseCustomId("bsa.0123456789ab.g.3.q")?.run === "0123456789ab");
 * assert(parseCustomId("g.3.q")?.run === undefined);
 * ```
 */
export function parseCustomId(s: string): BatchTarget | null {
  const prefixed = /^bsa\.([0-9a-f]{12})\.(.*)$/s.exec(s);
  const run = prefixed?.[1];
  const rest = prefixed ? prefixed[2] : s;
  let m = /^g\.(\d+(?:,\d+)*)\.(.+)$/s.exec(rest);
  if (m) {
    return { kind: "generation", id: m[2], samples: m[1].split(",").map(Number), ...(run && { run }) };
  }
  m = run
    ? /^j([ar])\.([0-9a-f]{8})\.(\d+)\.(\d+)\.(\d+)\.(.+)$/s.exec(rest)
    : /^j([ar])\.()(\d+)\.(\d+)\.(\d+)\.(.+)$/s.exec(rest);
  if (m) {
    return {
      kind: "judge",
      id: m[6],
      sample: Number(m[5]),
      part: m[1] as "a" | "r",
      round: Number(m[3]),
      attempt: Number(m[4]),
      ...(run && { run, judge: m[2] }),
    };
  }
  return null;
}

/**
 * The run id that a run's batch custom ids carry: 12 hex digits of the SHA-256 of the run's
 * start time and model, which its manifest keeps for life (a resume keeps them), so a result
 * file of another run, even one of the same model and settings, is told apart.
 *
 * @param m The run's manifest (its `started` and `model`).
 * @returns 12 lowercase hex digits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchRunId } from "./requests.ts";
 * const a = await batchRunId({ started: "2026-01-01T00:00:00.000Z", model: "m" });
 * assert(/^[0-9a-f]{12}$/.test(a));
 * assert(a !== await batchRunId({ started: "2026-01-01T00:00:00.001Z", model: "m" }));
 * ```
 */
export async function batchRunId(m: { started: string; model: string }): Promise<string> {
  return (await sha256Hex([m.started, "\u0000", m.model])).slice(0, 12);
}

/**
 * The tag that a judge call's custom id carries: 8 hex digits of the SHA-256 of the judge's
 * identity (model, endpoints, parameters, prompts) and the batch kind (`judge` or
 * `judge-<label>`), so replies are read only into the judge, and the label, that asked.
 *
 * @param identity The judge's identity (`judgeIdentity` of lib/pipeline/judge.ts).
 * @param kind `judge` or `judge-<label>`.
 * @returns 8 lowercase hex digits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeTag } from "./requests.ts";
 * assert(await judgeTag("j", "judge") !== await judgeTag("j", "judge-second"));
 * ```
 */
export async function judgeTag(identity: string, kind: string): Promise<string> {
  return (await sha256Hex([identity, "\u0000", kind])).slice(0, 8);
}

/**
 * A request line for a chat completion body.
 *
 * @param custom_id The request's custom id.
 * @param body The chat completion body.
 * @returns The request line (`custom_id`, `method`, `url`, `body`).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { requestLine } from "./requests.ts";
 * assert(requestLine("g.0.q", { model: "m" }).url === "/v1/chat/completions");
 * ```
 */
export function requestLine(custom_id: string, body: Record<string, unknown>): BatchRequestLine {
  return { custom_id, method: "POST", url: BATCH_URL, body };
}

/** OpenAI's limits of a batch input file. */
export const OPENAI_BATCH_LIMITS: BatchLimits = { maxLines: 50_000, maxBytes: 200 * 1024 * 1024 };
