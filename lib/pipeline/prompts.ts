import { BsaError } from "../errors.ts";
import { sha256Hex } from "../hash.ts";
import type { ScenarioCode } from "../dataset/scenarios.ts";
import { fetchPinned, type FetchPinnedOptions, UPSTREAM_FILES } from "../upstream.ts";

/** The judge prompt templates (Python `str.format` style: `{query}`, `{{` for a brace). */
export interface JudgePrompts {
  /** Answer-safety judge: `{query}`, `{risk_summary}`, `{answer}`. */
  answer: string;
  /** Reasoning judges per scenario: `{query}`, `{risk_summary}`, `{reasoning_thinking}`. */
  reasoning: Record<ScenarioCode, string>;
  /** Where they came from and their checksums, for the run manifest. */
  source: string;
  sha256: { answer: string; reasoning: string };
}

const FILES = { answer: "Safe_Ans_Judge.md", reasoning: "Thinking_Accuracy_Judge.md", rules: "Safe_Rules.md" };

/**
 * Fill a Python-format template: `{name}` from `values`, `{{` and `}}` as literal braces.
 * An unknown `{name}` is an error (a prompt file for another pipeline).
 *
 * @param template The template text.
 * @param values The value of each `{name}`.
 * @returns The filled text.
 * @throws {BsaError} The template names a field `values` lacks.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { renderTemplate } from "./prompts.ts";
 * assert(renderTemplate('{{"q": {query}}}', { query: "hi" }) === '{"q": hi}');
 * ```
 */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name?: string) => {
    if (m === "{{") return "{";
    if (m === "}}") return "}";
    if (!(name! in values)) throw new BsaError(`prompt template uses an unknown field {${name}}`);
    return values[name!];
  });
}

/**
 * Split the upstream judge files into templates: the answer file is one fenced block;
 * the reasoning file has one fenced block per scenario, each after a line naming it.
 *
 * @param answerFile The answer judge file's text.
 * @param reasoningFile The reasoning judge file's text.
 * @returns The answer template and one reasoning template per scenario.
 * @throws {BsaError} A file without the fenced blocks expected.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseJudgePrompts } from "./prompts.ts";
 * const f = "`".repeat(3);
 * const r = `Prompt for Over Sensitivity thinking:\n${f}\nOS {query}\n${f}\nPrompt for Cognitive Shortcut:\n${f}\nCS\n${f}\nPrompt for Risk Omission:\n${f}\nRO\n${f}`;
 * const p = parseJudgePrompts(`${f}\nA {answer}\n${f}`, r);
 * assert(p.reasoning.OS === "OS {query}" && p.answer === "A {answer}");
 * ```
 */
export function parseJudgePrompts(
  answerFile: string,
  reasoningFile: string,
): Pick<JudgePrompts, "answer" | "reasoning"> {
  const blocks = (text: string) => [...text.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1].trim());
  const answer = blocks(answerFile)[0] ?? answerFile.trim();
  const reasoning = {} as Record<ScenarioCode, string>;
  const names: [ScenarioCode, RegExp][] = [["OS", /Over Sensitivity/i], ["CS", /Cognitive Shortcut/i], [
    "RO",
    /Risk Omission/i,
  ]];
  for (const m of reasoningFile.matchAll(/([^\n]*)\n```[a-z]*\n([\s\S]*?)```/g)) {
    const found = names.find(([, re]) => re.test(m[1]));
    if (found) reasoning[found[0]] = m[2].trim();
  }
  const missing = names.map(([c]) => c).filter((c) => !reasoning[c]);
  if (missing.length) throw new BsaError(`reasoning judge prompts lack the block(s) for ${missing.join(", ")}`);
  return { answer, reasoning };
}

/** Where {@linkcode loadJudgePrompts} reads from. */
export interface PromptSource extends FetchPinnedOptions {
  /** A folder with `Safe_Ans_Judge.md` and `Thinking_Accuracy_Judge.md` (and `Safe_Rules.md`). */
  dir?: string;
}

async function _read(name: keyof typeof FILES, source: PromptSource): Promise<{ text: string; from: string }> {
  const dir = source.dir ?? Deno.env.get("BSA_PROMPTS_DIR");
  const pinned = {
    answer: UPSTREAM_FILES.safeAnswerJudge,
    reasoning: UPSTREAM_FILES.thinkingJudge,
    rules: UPSTREAM_FILES.safetyRules,
  }[name];
  const path = dir ? `${dir.replace(/\/$/, "")}/${FILES[name]}` : await fetchPinned(pinned, source);
  try {
    return { text: await Deno.readTextFile(path), from: dir ?? "upstream (pinned)" };
  } catch (err) {
    throw new BsaError(`cannot read prompt file ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Load the judge prompts: `--prompts DIR`, else `BSA_PROMPTS_DIR`, else the upstream
 * files pinned to the dataset's commit (downloaded once, checksum-verified, cached).
 *
 * @param source The prompts folder (else `BSA_PROMPTS_DIR`, else the pinned download).
 * @returns The templates and the files' checksums.
 * @throws {BsaError} A prompt file is missing, unreadable or malformed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadJudgePrompts, renderTemplate } from "./prompts.ts";
 * const prompts = await loadJudgePrompts(); // BSA_PROMPTS_DIR
 * assert.deepEqual(Object.keys(prompts.reasoning).sort(), ["CS", "OS", "RO"]); // one rubric per scenario
 * assert(prompts.sha256.answer.length === 64);
 * // A template takes the question and the sample's texts.
 * assert(prompts.answer.includes("{"));
 * assert.throws(() => renderTemplate(prompts.answer, {}), /\{/);
 * ```
 */
export async function loadJudgePrompts(source: PromptSource = {}): Promise<JudgePrompts> {
  const a = await _read("answer", source);
  const r = await _read("reasoning", source);
  return {
    ...parseJudgePrompts(a.text, r.text),
    source: a.from,
    sha256: { answer: await sha256Hex(a.text), reasoning: await sha256Hex(r.text) },
  };
}

/**
 * The safety rules of the paper's safety-rule study, used as the system prompt by `--safety-rules`.
 *
 * @param source The prompts folder (else `BSA_PROMPTS_DIR`, else the pinned download).
 * @returns The rules' text and checksum.
 * @throws {BsaError} The file is missing or unreadable.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadSafetyRules } from "./prompts.ts";
 * import { sha256Hex } from "../hash.ts";
 * const rules = await loadSafetyRules(); // BSA_PROMPTS_DIR
 * const file = await Deno.readTextFile(`${Deno.env.get("BSA_PROMPTS_DIR")}/Safe_Rules.md`);
 * assert(rules.text === file.trim() && rules.sha256 === await sha256Hex(file));
 * ```
 */
export async function loadSafetyRules(source: PromptSource = {}): Promise<{ text: string; sha256: string }> {
  const { text } = await _read("rules", source);
  return { text: text.trim(), sha256: await sha256Hex(text) };
}

/**
 * The system prompt of a run: the paper's safety rules, a file, or none.
 *
 * @param o Whether to use the safety rules, a system prompt file, and the prompts folder.
 * @returns The system prompt's name, text and checksum, or null.
 * @throws {BsaError} Both are asked for, or the file cannot be read.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { systemPromptFor } from "./prompts.ts";
 * assert(await systemPromptFor({ safetyRules: false }) === null);
 * const rules = await systemPromptFor({ safetyRules: true, promptsDir: "../shared/bsa/prompts" });
 * assert(rules?.name === "safety-rules");
 * ```
 */
export async function systemPromptFor(
  o: { safetyRules: boolean; file?: string; promptsDir?: string },
): Promise<{ name: string; text: string; sha256: string } | null> {
  if (o.safetyRules) {
    const rules = await loadSafetyRules({ dir: o.promptsDir });
    return { name: "safety-rules", text: rules.text, sha256: rules.sha256 };
  }
  if (!o.file) return null;
  let text: string;
  try {
    text = await Deno.readTextFile(o.file);
  } catch (err) {
    throw new BsaError(`system prompt file ${o.file}: ${(err as Error).message}`);
  }
  return { name: o.file, text, sha256: await sha256Hex(text) };
}
