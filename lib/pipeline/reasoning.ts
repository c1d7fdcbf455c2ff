/** Where a sample's reasoning was found. */
export type ReasoningSource = "reasoning_content" | "reasoning" | "think_tag" | "unterminated_think" | "none";

/** A completion split into its reasoning trace and its final answer. */
export interface SplitCompletion {
  /** The reasoning trace, or `null` when the completion showed none. */
  reasoning: string | null;
  /** The final answer (what the user sees). */
  answer: string;
  source: ReasoningSource;
}

/** The parts of an OpenAI-compatible chat message that may carry reasoning. */
export interface ChatMessageLike {
  content?: string | null;
  reasoning_content?: string | null;
  reasoning?: string | null;
}

/**
 * Separate reasoning from answer in every shape servers use: a `reasoning_content`
 * field (DeepSeek, vLLM), a `reasoning` field (newer vLLM, OpenRouter), `<think>…</think>`
 * inside the content (Qwen3/QwQ served raw), and an unterminated `<think>` (a generation
 * cut off while still thinking: all of it is reasoning and the answer is empty).
 *
 * @param message The reply's message.
 * @returns The answer, the reasoning (or null) and where it was found.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitReasoning } from "./reasoning.ts";
 * const s = splitReasoning({ content: "<think>It asks for X.</think>\n\nI can't help." });
 * assert(s.reasoning === "It asks for X." && s.answer === "I can't help." && s.source === "think_tag");
 * assert(splitReasoning({ content: "Just an answer" }).source === "none");
 * ```
 */
export function splitReasoning(message: ChatMessageLike): SplitCompletion {
  const content = message.content ?? "";
  for (const field of ["reasoning_content", "reasoning"] as const) {
    const r = message[field];
    if (typeof r === "string" && r.trim()) {
      return { reasoning: r.trim(), answer: _stripThink(content).trim(), source: field };
    }
  }
  const open = content.search(/<think>/i);
  const close = content.search(/<\/think>/i);
  if (close !== -1 && (open === -1 || open < close)) {
    // Some chat templates put <think> in the prompt, so the completion starts inside it.
    const start = open === -1 ? 0 : open + "<think>".length;
    const reasoning = content.slice(start, close).trim();
    const answer = content.slice(close + "</think>".length).trim();
    return reasoning ? { reasoning, answer, source: "think_tag" } : { reasoning: null, answer, source: "none" };
  }
  if (open !== -1) {
    const reasoning = content.slice(open + "<think>".length).trim();
    return { reasoning: reasoning || null, answer: "", source: reasoning ? "unterminated_think" : "none" };
  }
  return { reasoning: null, answer: content.trim(), source: "none" };
}

function _stripThink(content: string): string {
  return content.replace(/<think>[\s\S]*?<\/think>/gi, "");
}
