/**
 * Judging through batches. A sample needs up to two judge calls (answer, reasoning), each
 * perhaps asked again when its reply held no verdict, and their replies arrive in any
 * batch: each reply is kept as a "part" in the judge's parts file (the store's
 * `openJudgeParts`: `batches/<judgments>.parts.jsonl`) until the sample has both, then the
 * sample's judgment is written — the record a direct judge would write
 * (lib/pipeline/records.ts), with the same cache, verdict parsing and sentinels.
 * @module
 */
import { BsaError } from "../../errors.ts";
import { INVALID } from "../../metrics/verdicts.ts";
import type { GenerationRecord, JudgmentRecord } from "../../store/records.ts";
import { JudgeCache } from "../judge_cache.ts";
import {
  type JsonlAppender,
  type JudgeParams,
  judgmentCounts,
  openJudgeParts,
  readGenerations,
  readJudgeParts,
  runFiles,
  sampleKey,
} from "../../store/mod.ts";
import type { JudgePrompts } from "../prompts.ts";
import {
  judgeBody,
  judgeInputs,
  judgeParsers,
  judgeRefused,
  judgmentRecord,
  readJudgeReply,
  sentinelJudgment,
} from "../records.ts";
import { type BatchRequestLine, type BatchTarget, customId, requestLine } from "./requests.ts";
import { type ApplyCounts, noteRetry, type ResultReading } from "./results.ts";

/** What judge batches need from a judging pass. */
export interface JudgeBatchContext {
  judgeModel: string;
  params: JudgeParams;
  prompts: JudgePrompts;
  /** The judge's identity (cache key). */
  identity: string;
  cache: JudgeCache | null;
  /** Extra asks when a reply holds no verdict. */
  invalidRetries: number;
  questions: Map<string, { query: string; risk_summary: string }>;
  /** The run folder, and the label of the judge whose judgments these are (none: the default judge). */
  run: string;
  label?: string;
  /** Samples ({@linkcode sampleKey}) to judge; a sample leaves it when its judgment is written. */
  todo: Set<string>;
  /** Append a judgment (the pass's writer). */
  write: (record: JudgmentRecord) => Promise<void>;
  /** Counters of the pass. */
  on?: {
    sentinel?: () => void;
    cached?: () => void;
    refused?: (key: string, error: string) => void;
    tokens?: (prompt: number, completion: number) => void;
  };
}

type Part = "a" | "r";
interface PartState {
  attempt: number;
  verdict: string;
  raw?: string;
}
interface SampleInfo {
  id: string;
  sample: number;
  scenario: string;
  round: number;
  hasReasoning: boolean;
  keys: Partial<Record<Part, string>>;
  parts: Partial<Record<Part, PartState>>;
  tokens: { prompt: number; completion: number };
}
interface PartLine {
  id: string;
  sample: number;
  part: Part;
  round: number;
  attempt: number;
  verdict: string;
  raw?: string;
  prompt_tokens: number;
  completion_tokens: number;
}

/**
 * The judge calls of a judging pass, as batch request lines and result lines.
 *
 * @example
 * ```ts ignore
 * const jb = await JudgeBatch.open(ctx);
 * await writeRequestFiles("judge.jsonl", jb.requests(), OPENAI_BATCH_LIMITS);
 * await jb.close();
 * ```
 */
export class JudgeBatch {
  #ctx: JudgeBatchContext;
  #info = new Map<string, SampleInfo>();
  /** Every generated sample of the run: a reply for one of them not pending is a duplicate, else unknown. */
  #known = new Set<string>();
  #parts: JsonlAppender;

  private constructor(ctx: JudgeBatchContext, parts: JsonlAppender) {
    this.#ctx = ctx;
    this.#parts = parts;
  }

  /**
   * Prepare a pass: write the judgments that need no judge call (sentinels of failed or
   * truncated generations), take verdicts the cache holds, and take the parts earlier
   * batches of this round returned; then write every judgment already complete.
   */
  static async open(ctx: JudgeBatchContext): Promise<JudgeBatch> {
    // A sample's round is how many judgments it has: replies to an older round (before a
    // --retry-invalid or a regenerated sample) are not this round's.
    const rounds = await judgmentCounts(ctx.run, ctx.label, ctx.todo);
    const jb = new JudgeBatch(ctx, await openJudgeParts(ctx.run, ctx.label));
    try {
      for await (const g of readGenerations(ctx.run)) {
        const key = sampleKey(g);
        jb.#known.add(key);
        if (!ctx.todo.has(key)) continue;
        const sentinel = sentinelJudgment(g);
        if (sentinel) {
          await jb.#finish(key, sentinel);
          ctx.on?.sentinel?.();
          continue;
        }
        const inputs = jb.#inputs(g);
        const info: SampleInfo = {
          id: g.id,
          sample: g.sample,
          scenario: g.scenario,
          round: rounds.get(key) ?? 0,
          hasReasoning: inputs.reasoning !== null,
          keys: { a: await JudgeCache.key(ctx.identity, inputs.answer) },
          parts: {},
          tokens: { prompt: 0, completion: 0 },
        };
        if (inputs.reasoning !== null) info.keys.r = await JudgeCache.key(ctx.identity, inputs.reasoning);
        jb.#info.set(key, info);
      }
      for await (const p of readJudgeParts<PartLine>(ctx.run, ctx.label)) {
        const info = jb.#info.get(sampleKey(p));
        if (!info || p.round !== info.round) continue;
        info.parts[p.part] = { attempt: p.attempt, verdict: p.verdict, raw: p.raw };
        info.tokens.prompt += p.prompt_tokens;
        info.tokens.completion += p.completion_tokens;
      }
      for (const [key, info] of jb.#info) {
        for (const part of jb.#wanted(info)) {
          const hit = info.parts[part] ? undefined : ctx.cache?.get(info.keys[part]!);
          if (hit !== undefined) {
            ctx.on?.cached?.();
            await jb.#keep(info, part, { attempt: 0, verdict: hit }, 0, 0);
          }
        }
        await jb.#maybeFinish(key, info);
      }
    } catch (err) {
      await jb.close();
      throw err;
    }
    return jb;
  }

  /** Samples still waiting for a judge reply. */
  get pending(): number {
    return this.#info.size;
  }

  /**
   * The request lines of every judge call still wanted: first asks, and asks again (with the
   * unusable reply shown) for parts whose reply held no verdict.
   */
  async *requests(): AsyncGenerator<BatchRequestLine> {
    const ctx = this.#ctx;
    for await (const g of readGenerations(ctx.run)) {
      const key = sampleKey(g);
      const info = this.#info.get(key);
      if (!info) continue;
      const inputs = this.#inputs(g);
      for (const part of this.#wanted(info)) {
        const prior = info.parts[part];
        const attempt = prior ? prior.attempt + 1 : 0;
        const prompt = part === "a" ? inputs.answer : inputs.reasoning!;
        const target: BatchTarget = { kind: "judge", id: g.id, sample: g.sample, part, round: info.round, attempt };
        yield requestLine(customId(target), judgeBody(ctx.judgeModel, ctx.params, prompt, prior?.raw));
      }
    }
  }

  /** Apply one judge result line (see the module doc). */
  async apply(
    target: Extract<BatchTarget, { kind: "judge" }>,
    reading: ResultReading,
    counts: ApplyCounts,
  ): Promise<void> {
    const key = sampleKey(target);
    const info = this.#info.get(key);
    if (!info) return void (this.#known.has(key) ? counts.duplicate++ : counts.unknown++);
    if (target.part === "r" && !info.hasReasoning) return void counts.unknown++;
    const prior = info.parts[target.part];
    const expected = prior ? prior.attempt + 1 : 0;
    if (target.round !== info.round || target.attempt !== expected || !this.#wanted(info).includes(target.part)) {
      // A reply to an older round or attempt, or one already read.
      return void counts.duplicate++;
    }
    if (!reading.ok) {
      counts.failed++;
      if (reading.permanent) return await this.#refused(key, info, reading.error, counts);
      counts.retry++;
      noteRetry(
        counts,
        `${target.id}#${target.sample} (${target.part === "a" ? "answer" : "reasoning"}): ${reading.error}`,
      );
      return;
    }
    const c = reading.completion;
    this.#ctx.on?.tokens?.(c.promptTokens, c.completionTokens);
    info.tokens.prompt += c.promptTokens;
    info.tokens.completion += c.completionTokens;
    const parsers = judgeParsers(info.scenario);
    const read = readJudgeReply(c, target.part === "a" ? parsers.parseAnswer : parsers.parseReasoning);
    if ("refused" in read) return void (counts.failed++, await this.#refused(key, info, read.refused, counts));
    if (read.verdict === INVALID) counts.invalid++;
    else {
      counts.recorded++;
      // Into the cache only under the identity that produced the verdict: the line's custom id
      // names this judge, and its reply names the model (a reply without one is not cached).
      if (reading.model !== undefined) await this.#ctx.cache?.set(info.keys[target.part]!, read.verdict);
    }
    await this.#keep(
      info,
      target.part,
      {
        attempt: target.attempt,
        verdict: read.verdict,
        ...(read.verdict === INVALID && { raw: read.raw }),
      },
      c.promptTokens,
      c.completionTokens,
    );
    await this.#maybeFinish(key, info);
  }

  /** Close the parts file. */
  async close(): Promise<void> {
    await this.#parts.close();
  }

  #inputs(g: GenerationRecord) {
    const q = this.#ctx.questions.get(g.id);
    if (!q) throw new BsaError(`${runFiles(this.#ctx.run).generations}: question ${g.id} is not in the dataset`);
    return judgeInputs(g, q, this.#ctx.prompts);
  }

  #final(p: PartState | undefined): boolean {
    return p !== undefined && (p.verdict !== INVALID || p.attempt >= this.#ctx.invalidRetries);
  }

  #wanted(info: SampleInfo): Part[] {
    const parts: Part[] = info.hasReasoning ? ["a", "r"] : ["a"];
    return parts.filter((p) => !this.#final(info.parts[p]));
  }

  async #keep(info: SampleInfo, part: Part, state: PartState, prompt: number, completion: number): Promise<void> {
    const line: PartLine = {
      id: info.id,
      sample: info.sample,
      part,
      round: info.round,
      ...state,
      prompt_tokens: prompt,
      completion_tokens: completion,
    };
    await this.#parts.append(line);
    info.parts[part] = state;
  }

  async #maybeFinish(key: string, info: SampleInfo): Promise<boolean> {
    if (this.#wanted(info).length) return false;
    const base = { id: info.id, sample: info.sample, scenario: info.scenario };
    await this.#finish(key, judgmentRecord(base, info.parts.a!, info.hasReasoning ? info.parts.r! : null, info.tokens));
    return true;
  }

  async #refused(key: string, info: SampleInfo, error: string, counts: ApplyCounts): Promise<void> {
    const base = { id: info.id, sample: info.sample, scenario: info.scenario };
    await this.#finish(key, judgeRefused(base, error, info.tokens));
    this.#ctx.on?.refused?.(key, error);
    counts.refused++;
  }

  async #finish(key: string, record: JudgmentRecord): Promise<void> {
    await this.#ctx.write(record);
    this.#ctx.todo.delete(key);
    this.#info.delete(key);
  }
}
