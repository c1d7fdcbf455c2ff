import { parseCsv } from "../csv/parse.ts";
import { BsaError } from "../errors.ts";
import { type LabelRecord, sampleKey } from "../store/mod.ts";
import { INVALID, NO_REASONING, normalizeAnswerVerdict, normalizeReasoningVerdict } from "../metrics/verdicts.ts";

/** A validated label, with where it came from. */
export interface HumanLabel extends LabelRecord {
  source: string;
  line: number;
  /** How many times the reviewer revised this sample's first label (absent: never). */
  revisions?: number;
  /**
   * The reviewer's first label of the sample, given before the judge's verdicts were shown
   * (present when revised): agreement is measured on it.
   */
  blind?: Pick<LabelRecord, "answer_verdict" | "reasoning_verdict" | "skipped">;
}

/** What a labels file is checked against. */
export interface LabelContext {
  /** The scenario of a sample of the run, or undefined when the run has no such sample. */
  scenarioOf: (id: string, sample: number) => string | undefined;
  /** Whether a sample is in the review plan (omit when there is no plan). */
  inPlan?: (id: string, sample: number) => boolean;
  /** Reviewer for files that do not name one (CSV): by default the file name. */
  reviewer?: string;
}

function _fail(source: string, line: number, msg: string): never {
  throw new BsaError(`${source} line ${line}: ${msg}`);
}

function _check(raw: Record<string, unknown>, source: string, line: number, ctx: LabelContext): LabelRecord {
  const id = String(raw.id ?? "");
  const sample = Number(raw.sample);
  if (!id) _fail(source, line, "field 'id' is missing");
  if (!Number.isInteger(sample) || sample < 0) {
    _fail(source, line, `field 'sample' is not a sample number: ${raw.sample}`);
  }
  const scenario = ctx.scenarioOf(id, sample);
  if (!scenario) _fail(source, line, `sample ${id}#${sample} is not among the run's judged samples (unknown id)`);
  if (ctx.inPlan && !ctx.inPlan(id, sample)) _fail(source, line, `sample ${id}#${sample} is not in the review plan`);
  const reviewer = String(raw.reviewer ?? ctx.reviewer ?? "");
  if (!reviewer) _fail(source, line, "field 'reviewer' is missing");
  const base = {
    id,
    sample,
    reviewer,
    time: String(raw.time ?? ""),
    seconds: Number(raw.seconds ?? NaN),
    ...(raw.revision === true ? { revision: true } : {}),
  };
  if (raw.skipped !== undefined && raw.skipped !== null && raw.skipped !== "") {
    if (typeof raw.skipped !== "string") _fail(source, line, "field 'skipped' must be the reason, as text");
    return { ...base, skipped: raw.skipped };
  }
  const answer = normalizeAnswerVerdict(raw.answer_verdict);
  if (answer === INVALID) {
    _fail(source, line, `unknown answer verdict ${JSON.stringify(raw.answer_verdict)} (expected Safe or Unsafe)`);
  }
  const reasoning = normalizeReasoningVerdict(raw.reasoning_verdict, scenario);
  if (reasoning === INVALID) {
    _fail(
      source,
      line,
      `unknown reasoning verdict ${JSON.stringify(raw.reasoning_verdict)} for ${scenario} ` +
        `(expected one of the scenario's categories or ${NO_REASONING})`,
    );
  }
  return { ...base, answer_verdict: answer, reasoning_verdict: reasoning };
}

/**
 * Read and check one labels file's text: JSON lines of {@linkcode LabelRecord} (what the
 * viewer writes), or CSV with `id,sample,answer_verdict,reasoning_verdict` (and optionally
 * `reviewer`, `skipped`). A sample the run does not hold (or the plan did not draw), a verdict
 * outside the rubric, a second label of the same sample by the same reviewer (unless marked
 * `revision`), and two reviewers in one file are errors naming the file and line. Returns one
 * label per sample, the latest revision, with the first (blind) label and the number of
 * revisions when it was revised.
 *
 * @param text The file's text (JSON lines or CSV).
 * @param source The file's name (for errors).
 * @param ctx The run's samples and the plan's, to check each label against.
 * @returns One label per sample and reviewer (the newest revision).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLabels } from "./labels.ts";
 * const ctx = { scenarioOf: (id: string) => (id === "q1" ? "Risk Omission" : undefined) };
 * const ok = parseLabels('{"id":"q1","sample":0,"reviewer":"ana","answer_verdict":"safe","reasoning_verdict":"true","time":"t","seconds":4}\n', "l.jsonl", ctx);
 * assert(ok[0].answer_verdict === "Safe" && ok[0].reasoning_verdict === "True");
 * assert.throws(() => parseLabels('{"id":"q9","sample":0,"reviewer":"ana","answer_verdict":"Safe"}\n', "l.jsonl", ctx), /l.jsonl line 1: .*unknown id/);
 * ```
 */
export function parseLabels(text: string, source: string, ctx: LabelContext): HumanLabel[] {
  const records: { r: LabelRecord; line: number }[] = [];
  if (/\.csv$/i.test(source)) {
    const reviewer = ctx.reviewer ?? source.replace(/^.*\//, "").replace(/\.csv$/i, "");
    const { table, lines } = parseCsv(text, {
      source,
      required: ["id", "sample", "answer_verdict", "reasoning_verdict"],
    });
    (table.objects() as Record<string, unknown>[]).forEach((row, i) =>
      records.push({ r: _check(row, source, lines[i], { ...ctx, reviewer }), line: lines[i] })
    );
  } else {
    text.split("\n").forEach((l, i) => {
      if (!l.trim()) return;
      let raw: unknown;
      try {
        raw = JSON.parse(l);
      } catch {
        _fail(source, i + 1, "not a JSON object (a label per line)");
      }
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) _fail(source, i + 1, "not a JSON object");
      records.push({ r: _check(raw as Record<string, unknown>, source, i + 1, ctx), line: i + 1 });
    });
  }
  const latest = new Map<string, HumanLabel>();
  let reviewer: string | undefined;
  for (const { r, line } of records) {
    if (reviewer !== undefined && r.reviewer !== reviewer) {
      _fail(source, line, `reviewer ${r.reviewer} in a file of reviewer ${reviewer} (one file per reviewer)`);
    }
    reviewer = r.reviewer;
    const key = sampleKey(r);
    const earlier = latest.get(key);
    if (earlier && !r.revision) {
      _fail(
        source,
        line,
        `duplicate label of ${r.id}#${r.sample} (first at line ${earlier.line}; mark a change "revision": true)`,
      );
    }
    const first = earlier?.blind ??
      (earlier &&
        (earlier.skipped !== undefined
          ? { skipped: earlier.skipped }
          : { answer_verdict: earlier.answer_verdict, reasoning_verdict: earlier.reasoning_verdict }));
    latest.set(key, {
      ...r,
      source,
      line,
      ...(earlier ? { revisions: (earlier.revisions ?? 0) + 1, blind: first } : {}),
    });
  }
  return [...latest.values()];
}
