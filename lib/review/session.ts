import type { Dataset } from "../dataset/load.ts";
import { scenarioInfo } from "../dataset/scenarios.ts";
import { BsaError } from "../errors.ts";
import { rows } from "../table.ts";
import {
  appendLabel,
  type GenerationRecord,
  type LabelRecord,
  labelsFile,
  loadRunJudgments,
  readGenerations,
  readLabelsText,
  sampleKey,
} from "../store/mod.ts";
import { type HumanLabel, parseLabels } from "./labels.ts";
import type { JudgedSample, ReviewPlan } from "./plan.ts";
import { judgedSamples, readPlan } from "./store.ts";

/** One planned sample as a reviewer sees it. The judge's verdicts are there only once this reviewer labelled it. */
export interface ReviewItem {
  index: number;
  total: number;
  id: string;
  sample: number;
  scenario: string;
  query: string;
  risk_summary: string;
  reasoning: string | null;
  answer: string | null;
  outcome: string | null;
  /** The reasoning categories of the scenario's rubric, in the order keys 1, 2, 3 choose them. */
  reasoning_choices: string[];
  /** This reviewer's label, when given. */
  label?: LabelRecord;
  /** The judge's verdicts: revealed only after the reviewer's label was saved. */
  judge?: { answer_verdict: string; reasoning_verdict: string };
}

/** What a label request from the page holds. */
export interface LabelRequest {
  index: number;
  answer_verdict?: string;
  reasoning_verdict?: string;
  skipped?: string;
  seconds: number;
}

/**
 * A reviewer's labelling session over a review plan: serves the planned samples in the
 * plan's order without the judge's verdicts, appends each label to
 * `labels-<reviewer>.jsonl` beside the run the moment it is given (checked as `bsa agreement`
 * checks it), and reveals the judge's verdicts for a sample only after that. Reopening
 * resumes at the first sample this reviewer has not labelled.
 *
 * @example
 * ```ts ignore
 * const s = await ReviewSession.open({ run: "runs/a", plan: "runs/a/review-plan.json", reviewer: "ana", dataset });
 * const item = s.item(s.status().next!);
 * ```
 */
export class ReviewSession {
  readonly run: string;
  readonly reviewer: string;
  readonly plan: ReviewPlan;
  #judged: Map<string, JudgedSample>;
  #texts: Map<string, GenerationRecord>;
  #questions: Map<string, { query: string; risk_summary: string }>;
  #labels = new Map<string, HumanLabel>();
  #lines = 0;
  /** Notes from opening the session (a cut last line of the labels file skipped). */
  readonly warnings: string[] = [];

  private constructor(
    run: string,
    reviewer: string,
    plan: ReviewPlan,
    judged: Map<string, JudgedSample>,
    texts: Map<string, GenerationRecord>,
    questions: Map<string, { query: string; risk_summary: string }>,
  ) {
    this.run = run;
    this.reviewer = reviewer;
    this.plan = plan;
    this.#judged = judged;
    this.#texts = texts;
    this.#questions = questions;
  }

  /** Open a session: the plan, the run's judged samples and texts of the planned samples, the reviewer's labels so far. */
  static async open(o: { run: string; plan: string; reviewer: string; dataset: Dataset }): Promise<ReviewSession> {
    const path = labelsFile(o.run, o.reviewer);
    const plan = await readPlan(o.plan);
    const judged = new Map(judgedSamples(await loadRunJudgments([o.run], plan.judge)).map((s) => [sampleKey(s), s]));
    const wanted = new Set(plan.samples.map(sampleKey));
    for (const s of plan.samples) {
      if (!judged.has(sampleKey(s))) {
        throw new BsaError(`${o.plan}: sample ${s.id}#${s.sample} is not judged in ${o.run}`);
      }
    }
    const texts = new Map<string, GenerationRecord>();
    for await (const g of readGenerations(o.run)) {
      if (wanted.has(sampleKey(g))) texts.set(sampleKey(g), g);
    }
    const ids = new Set(plan.samples.map((s) => s.id));
    const questions = new Map<string, { query: string; risk_summary: string }>();
    for (const q of rows<{ id: string; query: string; risk_summary: string }>(o.dataset.questions)) {
      if (ids.has(q.id)) questions.set(q.id, { query: q.query, risk_summary: q.risk_summary });
    }
    const session = new ReviewSession(o.run, o.reviewer, plan, judged, texts, questions);
    let text = "";
    try {
      // A last line cut short (a server killed mid-write) is skipped; the next label repairs it.
      text = await readLabelsText(path, session.warnings);
    } catch (err) {
      throw new BsaError(`cannot read ${path}: ${(err as Error).message}`);
    }
    for (const l of parseLabels(text, path, session.#context())) {
      if (l.reviewer !== o.reviewer) {
        throw new BsaError(`${path} line ${l.line}: labels of ${l.reviewer}, not ${o.reviewer}`);
      }
      session.#labels.set(sampleKey(l), l);
    }
    session.#lines = text.split("\n").filter((l) => l.trim()).length;
    return session;
  }

  #context() {
    const drawn = new Set(this.plan.samples.map(sampleKey));
    return {
      scenarioOf: (id: string, sample: number) => this.#judged.get(sampleKey({ id, sample }))?.scenario,
      inPlan: (id: string, sample: number) => drawn.has(sampleKey({ id, sample })),
      reviewer: this.reviewer,
    };
  }

  /** Progress: planned samples, how many this reviewer labelled or skipped, and the first one left (null when done). */
  status(): { reviewer: string; total: number; done: number; next: number | null } {
    const next = this.plan.samples.findIndex((s) => !this.#labels.has(sampleKey(s)));
    return {
      reviewer: this.reviewer,
      total: this.plan.samples.length,
      done: this.#labels.size,
      next: next < 0 ? null : next,
    };
  }

  /** The planned sample at `index` in labelling order; the judge's verdicts only if this reviewer labelled it. */
  item(index: number): ReviewItem {
    const s = this.plan.samples[index];
    if (!s) throw new BsaError(`no planned sample ${index} (the plan has ${this.plan.samples.length})`);
    const key = sampleKey(s);
    const j = this.#judged.get(key)!, g = this.#texts.get(key), q = this.#questions.get(s.id);
    const label = this.#labels.get(key);
    return {
      index,
      total: this.plan.samples.length,
      id: s.id,
      sample: s.sample,
      scenario: j.scenario,
      query: q?.query ?? "(question not in the dataset)",
      risk_summary: q?.risk_summary ?? "",
      reasoning: g?.reasoning ?? null,
      answer: g?.answer ?? null,
      outcome: g?.outcome ?? null,
      reasoning_choices: [...(scenarioInfo(j.scenario)?.verdicts ?? [])],
      ...(label
        ? {
          label: _record(label),
          judge: { answer_verdict: j.answer_verdict, reasoning_verdict: j.reasoning_verdict },
        }
        : {}),
    };
  }

  /**
   * Check a label, append it to the reviewer's file at once, and return the item with the
   * judge's verdicts revealed. A second label of a sample is written as a revision.
   */
  async label(req: LabelRequest): Promise<ReviewItem> {
    const s = this.plan.samples[req.index];
    if (!s) throw new BsaError(`no planned sample ${req.index}`);
    const key = sampleKey(s);
    const record: LabelRecord = {
      id: s.id,
      sample: s.sample,
      reviewer: this.reviewer,
      ...(req.skipped !== undefined
        ? { skipped: String(req.skipped).trim() || "no reason given" }
        : { answer_verdict: req.answer_verdict, reasoning_verdict: req.reasoning_verdict }),
      time: new Date().toISOString(),
      seconds: Math.max(0, Math.round(Number(req.seconds) * 10) / 10) || 0,
      ...(this.#labels.has(key) ? { revision: true } : {}),
    };
    const path = labelsFile(this.run, this.reviewer);
    // The same check `bsa agreement` makes, before anything is written.
    const [checked] = parseLabels(JSON.stringify(record), path, this.#context());
    // The store decides `revision` under the file's lock: another session of this reviewer
    // may have labelled the sample meanwhile.
    const { record: written } = await appendLabel(this.run, _record(checked));
    this.#lines++;
    this.#labels.set(key, { ...checked, ...written, source: path, line: this.#lines });
    return this.item(req.index);
  }
}

function _record(l: HumanLabel | LabelRecord): LabelRecord {
  const { source: _s, line: _l, ...r } = l as HumanLabel;
  return r;
}
