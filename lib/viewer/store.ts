import type { Dataset } from "../dataset/load.ts";
import { scenarioInfo, SCENARIOS } from "../dataset/scenarios.ts";
import { BsaError } from "../errors.ts";
import { isReasoningCorrect } from "../metrics/verdicts.ts";
import { type RunScores, scoreRuns } from "../analysis/score_runs.ts";
import type { GenerationRecord, JudgmentRecord } from "../store/records.ts";
import {
  generationsIndex,
  type IndexedRecord,
  type JsonlIndex,
  judgeLabels,
  judgmentsIndex,
  readManifest,
  type RunManifest,
} from "../store/mod.ts";
import { type Row, rows } from "../table.ts";
import { mayHold, queryBytes } from "./text_search.ts";
import {
  type Filter,
  formatFilter,
  judgeOf,
  matchesQuestion,
  matchesSample,
  matchesText,
  type QuestionMeta,
  runsDiffer,
  sampleFlags,
  type SampleMeta,
  SENTINELS,
  shownRuns,
  sortKey,
} from "./page/filter.js";

// A count a record holds (tokens, milliseconds), or null.
function _count(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** The filter keys that choose samples, not questions. */
const SAMPLE_KEYS = ["answer", "reasoning", "cell", "outcome", "q", "differ"] as const;

/** One question of the dataset, as the viewer shows it. */
export interface ViewerQuestion extends QuestionMeta {
  query: string;
  risk_summary: string;
  risks: { category: string; subcategory: string }[];
}

/** One run folder as the viewer shows it. */
export interface ViewerRunInfo {
  /** Index in the order the runs were given (the `runs` filter key uses it). */
  index: number;
  dir: string;
  /** Model and condition tags, e.g. `Qwen3-8B condition=rules`. */
  label: string;
  model: string;
  k: number;
  tags: Record<string, string | number | boolean>;
  /** Judge labels with a judgments file (`default` is judgments.jsonl), with their judge model. */
  judges: { label: string; model: string | null }[];
  generated: number;
  /** Judged samples per judge label. */
  judged: Record<string, number>;
  finished: boolean;
}

/** One judge's verdicts on a sample, with its raw reply when the judge stored it. */
export interface ViewerJudgment {
  label: string;
  model: string | null;
  answer_verdict: string;
  reasoning_verdict: string;
  correct: boolean;
  answer_raw?: string;
  reasoning_raw?: string;
  error?: string;
}

/** One sample with its texts, as a page shows it. */
export interface ViewerSample {
  run: number;
  id: string;
  sample: number;
  outcome: string | null;
  flags: string[];
  answer: string | null;
  reasoning: string | null;
  reasoning_source: string | null;
  finish_reason: string | null;
  /** Tokens of the prompt and the completion, where the record holds them. */
  prompt_tokens: number | null;
  completion_tokens: number | null;
  /** Milliseconds the request took, where the record holds it (`latency_ms`). */
  latency_ms: number | null;
  error: string | null;
  judgments: ViewerJudgment[];
}

/** A question of a page: the question and, per shown run, its matching samples. */
export interface ViewerQuestionPage {
  question: ViewerQuestion;
  runs: { run: number; samples: ViewerSample[]; total: number }[];
}

/** One page of a query. */
export interface ViewerPage {
  version: number;
  /** Questions and samples matching the whole filter. */
  questions: number;
  samples: number;
  offset: number;
  items: ViewerQuestionPage[];
}

/** The summary strip: each shown run's scores over the questions the filter selects. */
export interface ScoreStrip {
  /** Per run: `run` (label), `questions`, `samples`, `invalid_answer`, `invalid_reasoning`, `no_reasoning`, metrics. */
  rows: Row[];
  /** What a reader must know: questions left out, invalid verdicts, samples without reasoning. */
  warnings: string[];
  /** What the scores cover, in one sentence. */
  scope: string;
  /** The metrics the strip shows, in the paper's order (scenarios as its tables give them: OS, CS, RO). */
  metrics: string[];
}

/**
 * The strip's metrics in the paper's order (data/paper/main_results.csv: Safe@1, Safe@k, Think@1, Think@k, F-score,
 * then OS, CS, RO).
 */
const STRIP_METRICS = ["Safe@1", "Safe@k", "Think@1", "Think@k", "F-score", "OS@1", "CS@1", "RO@1"];

/** Everything the page needs to draw its controls. */
export interface ViewerMeta {
  version: number;
  runs: ViewerRunInfo[];
  judges: string[];
  scenarios: { name: string; code: string }[];
  categories: string[];
  subcategories: Record<string, string[]>;
  answerVerdicts: string[];
  reasoningVerdicts: string[];
}

interface _Sample extends SampleMeta {
  gen?: IndexedRecord<unknown>;
  judged: Record<string, IndexedRecord<unknown>>;
  id: string;
  sample: number;
  scenario: string;
}

interface _Run {
  info: ViewerRunInfo;
  manifest: RunManifest;
  generations: JsonlIndex<{ id: string; sample: number; scenario: string; outcome: string; tokens: number | null }>;
  judgments: Map<
    string,
    JsonlIndex<{ id: string; sample: number; scenario: string; answer: string; reasoning: string }>
  >;
  /** Samples by question id, then sample number. */
  byQuestion: Map<string, Map<number, _Sample>>;
}

/** A matched sample: run and key. */
interface _Match {
  id: string;
  perRun: { run: number; samples: _Sample[]; total: number }[];
  /** The question's key under the filter's sort (0 without one). */
  key: number;
}

/**
 * The samples of run folders, indexed for reading: question metadata from the dataset,
 * and per sample the byte offsets of its newest generation and judgment records (the last
 * record of a sample wins, as every reader of run folders does) with its verdicts and
 * outcome, never its texts. {@linkcode RunViewer.refresh} picks up what a run still being
 * written has appended. Queries page through the questions a filter selects and read only
 * the texts of that page from disk.
 *
 * @example
 * ```ts ignore
 * const viewer = await RunViewer.open(["runs/base", "runs/rules"], await loadDataset());
 * const page = await viewer.query({ category: "Rumors", cell: "safe-wrong" }, { offset: 0, limit: 10 });
 * ```
 */
export class RunViewer {
  readonly runs: _Run[];
  readonly questions: Map<string, ViewerQuestion>;
  /** Question ids in dataset order; ids a run holds that the dataset lacks come last. */
  #order: string[];
  #version = 0;
  #cache = new Map<string, { version: number; matches: _Match[]; samples: number }>();
  #scoreCache = new Map<string, { version: number; strip: ScoreStrip }>();

  readonly #dataset: Dataset;

  private constructor(runs: _Run[], questions: Map<string, ViewerQuestion>, dataset: Dataset) {
    this.runs = runs;
    this.#dataset = dataset;
    this.questions = questions;
    this.#order = [...questions.keys()];
  }

  /**
   * Open run folders (each must hold a manifest) against the dataset they were generated from.
   *
   * @throws {BsaError} a folder without manifest.json, or no folder given
   */
  static async open(dirs: string[], dataset: Dataset): Promise<RunViewer> {
    if (!dirs.length) throw new BsaError("no run folder given");
    const runs: _Run[] = [];
    for (const [index, dir] of dirs.entries()) {
      const manifest = await readManifest(dir);
      const tags = manifest.tags ?? {};
      const label = [manifest.model, ...Object.entries(tags).map(([t, v]) => `${t}=${v}`)].join(" ");
      runs.push({
        info: {
          index,
          dir,
          label,
          model: manifest.model,
          k: manifest.k,
          tags,
          judges: [],
          generated: 0,
          judged: {},
          finished: false,
        },
        manifest,
        generations: generationsIndex(dir),
        judgments: new Map(),
        byQuestion: new Map(),
      });
    }
    const labels = new Set(runs.map((r) => r.info.label));
    if (labels.size < runs.length) {
      // Two runs of one model without distinguishing tags: name them by folder too.
      for (const r of runs) r.info.label = `${r.info.label} (${r.info.dir})`;
    }
    const viewer = new RunViewer(runs, _questions(dataset), dataset);
    await viewer.refresh();
    return viewer;
  }

  /** A number that changes whenever new records were read. */
  get version(): number {
    return this.#version;
  }

  /**
   * Read what the runs' files gained since the last call (new judge files included).
   * Returns whether anything changed.
   */
  async refresh(): Promise<boolean> {
    let changed = false;
    for (const run of this.runs) {
      const dir = run.info.dir;
      try {
        run.manifest = await readManifest(dir);
      } catch { /* a manifest being rewritten: keep the last one read */ }
      run.info.finished = !!run.manifest.finished;
      const gen = await run.generations.refresh();
      if (gen.reset) {
        // The generations file was replaced: read everything again, judgments included.
        run.byQuestion.clear();
        run.judgments.clear();
        changed = true;
      }
      for (const label of judgeLabels(dir)) {
        // Verdicts through the one normaliser, as the store reads them for every reader.
        if (!run.judgments.has(label)) run.judgments.set(label, judgmentsIndex(dir, label));
      }
      for (const e of gen.added) {
        const s = this.#sample(run, e.meta.id, e.meta.sample, e.meta.scenario);
        s.gen = e;
        s.outcome = e.meta.outcome;
        s.tokens = e.meta.tokens;
        changed = true;
      }
      for (const [label, index] of run.judgments) {
        const res = await index.refresh();
        if (res.reset) {
          for (const q of run.byQuestion.values()) {
            for (const s of q.values()) {
              delete s.judged[label];
              delete s.verdicts[label];
            }
          }
          changed = true;
        }
        for (const e of res.added) {
          const s = this.#sample(run, e.meta.id, e.meta.sample, e.meta.scenario);
          s.judged[label] = e;
          s.verdicts[label] = {
            answer: e.meta.answer,
            reasoning: e.meta.reasoning,
            correct: isReasoningCorrect(e.meta.reasoning, e.meta.scenario),
          };
          changed = true;
        }
      }
      if (!changed && run.info.judges.length === run.judgments.size) continue;
      let generated = 0;
      const judged: Record<string, number> = {};
      for (const q of run.byQuestion.values()) {
        for (const s of q.values()) {
          if (s.gen) generated++;
          for (const l of Object.keys(s.verdicts)) judged[l] = (judged[l] ?? 0) + 1;
        }
      }
      run.info.generated = generated;
      run.info.judged = judged;
      run.info.judges = [...run.judgments.keys()].map((label) => ({
        label,
        model: (label === "default" ? run.manifest.judge : run.manifest.judges?.[label])?.model ?? null,
      }));
    }
    if (changed) {
      this.#version++;
      this.#cache.clear();
    }
    return changed;
  }

  #sample(run: _Run, id: string, sample: number, scenario: string): _Sample {
    let q = run.byQuestion.get(id);
    if (!q) {
      q = new Map();
      run.byQuestion.set(id, q);
      if (!this.questions.has(id)) {
        // A question the dataset lacks (another dataset version): shown last, without texts.
        const info = scenarioInfo(scenario);
        this.questions.set(id, {
          id,
          scenario,
          code: info?.code ?? "",
          categories: [],
          subcategories: [],
          query: "",
          risk_summary: "",
          risks: [],
        });
        this.#order.push(id);
      }
    }
    let s = q.get(sample);
    if (!s) {
      s = { id, sample, outcome: null, verdicts: {}, judged: {}, scenario };
      q.set(sample, s);
    }
    return s;
  }

  /** The runs, judges and the values each filter can take. */
  meta(): ViewerMeta {
    const qs = [...this.questions.values()];
    const subcategories: Record<string, Set<string>> = {};
    for (const q of qs) {
      for (const r of q.risks) (subcategories[r.category] ??= new Set()).add(r.subcategory);
    }
    const judges = [...new Set(this.runs.flatMap((r) => r.info.judges.map((j) => j.label)))];
    return {
      version: this.#version,
      runs: this.runs.map((r) => structuredClone(r.info)),
      judges: judges.length ? judges : ["default"],
      scenarios: SCENARIOS.map(({ name, code }) => ({ name, code })),
      categories: Object.keys(subcategories).sort(),
      subcategories: Object.fromEntries(Object.entries(subcategories).map(([c, s]) => [c, [...s].sort()])),
      answerVerdicts: ["Safe", "Unsafe", ...SENTINELS.filter((s) => s !== "no_reasoning")],
      reasoningVerdicts: [
        "correct",
        "wrong",
        "True",
        "False",
        "Fully Covered",
        "Partially Covered",
        "Not Covered",
        "Over Sensitive",
        "Precise Coverage",
        ...SENTINELS,
      ],
    };
  }

  /** The questions a filter selects, each with its matching samples per shown run (cached per version). */
  async #match(filter: Filter): Promise<{ matches: _Match[]; samples: number }> {
    const key = formatFilter(filter);
    const hit = this.#cache.get(key);
    if (hit && hit.version === this.#version) return hit;
    const shown = shownRuns(filter, this.runs.length);
    const judge = judgeOf(filter);
    const textHits = filter.q ? await this.#textHits(filter.q, shown) : null;
    const matches: _Match[] = [];
    let samples = 0;
    for (const id of this.#order) {
      const q = this.questions.get(id)!;
      if (!matchesQuestion(q, filter)) continue;
      const questionText = filter.q ? matchesText([q.query, q.risk_summary], filter.q) : true;
      const perRun: _Match["perRun"] = [];
      let any = false;
      for (const r of shown) {
        const byS = this.runs[r].byQuestion.get(id);
        if (!byS) {
          perRun.push({ run: r, samples: [], total: 0 });
          continue;
        }
        const picked = [...byS.entries()].sort((a, b) => a[0] - b[0])
          .filter(([, s]) => matchesSample(s, filter) && (questionText || textHits!.has(s)))
          .map(([, s]) => s);
        if (picked.length) any = true;
        perRun.push({ run: r, samples: picked, total: byS.size });
      }
      if (!any) continue;
      const allOf = () => shown.map((r) => [...(this.runs[r].byQuestion.get(id)?.values() ?? [])]);
      // Whether the runs differ is a question's property: judged on all its samples, not the matching ones.
      if (filter.differ === "runs" && !runsDiffer(allOf(), judge)) continue;
      for (const x of perRun) samples += x.samples.length;
      matches.push({ id, perRun, key: filter.sort ? sortKey(allOf(), judge, filter.sort) : 0 });
    }
    // A stable sort: ties keep the dataset's order.
    if (filter.sort) matches.sort((a, b) => a.key - b.key);
    const entry = { version: this.#version, matches, samples };
    if (this.#cache.size > 8) this.#cache.clear();
    this.#cache.set(key, entry);
    return entry;
  }

  /**
   * Samples whose texts (answer, reasoning, judges' raw replies) hold the query: one streamed
   * pass over each file, looking at each line's bytes first and decoding only the lines that
   * may hold every word, so repeated searches of a large run leave memory where it was.
   */
  async #textHits(q: string, shown: number[]): Promise<Set<_Sample>> {
    const hits = new Set<_Sample>();
    const words = queryBytes(q);
    const decoder = new TextDecoder();
    for (const r of shown) {
      const run = this.runs[r];
      const wanted = new Map<number, _Sample>();
      for (const byS of run.byQuestion.values()) for (const s of byS.values()) if (s.gen) wanted.set(s.gen.offset, s);
      await run.generations.scanBytes((offset, buf, start, end) => {
        if (!mayHold(buf, words, start, end)) return;
        const s = wanted.get(offset);
        if (!s) return;
        const g = JSON.parse(decoder.decode(buf.subarray(start, end))) as GenerationRecord;
        if (matchesText([g.answer, g.reasoning], q)) hits.add(s);
      });
      for (const [label, index] of run.judgments) {
        const wantedJ = new Map<number, _Sample>();
        for (const byS of run.byQuestion.values()) {
          for (const s of byS.values()) if (s.judged[label]) wantedJ.set(s.judged[label].offset, s);
        }
        await index.scanBytes((offset, buf, start, end) => {
          if (!mayHold(buf, words, start, end)) return;
          const s = wantedJ.get(offset);
          if (!s || hits.has(s)) return;
          const j = JSON.parse(decoder.decode(buf.subarray(start, end))) as JudgmentRecord;
          if (matchesText([j.answer_raw, j.reasoning_raw, j.error], q)) hits.add(s);
        });
      }
    }
    return hits;
  }

  /** Total bytes of the generation records a filter selects (what an export would carry). */
  async bytes(filter: Filter): Promise<number> {
    const { matches } = await this.#match(filter);
    let n = 0;
    for (const m of matches) {
      for (const r of m.perRun) {
        for (const s of r.samples) {
          n += s.gen?.length ?? 0;
          for (const j of Object.values(s.judged)) n += j.length;
        }
      }
    }
    return n;
  }

  /**
   * One page of the questions a filter selects, with the texts of their matching samples.
   *
   * @example
   * ```ts ignore
   * const page = await viewer.query({ id: "RO_1" }, { offset: 0, limit: 10 });
   * ```
   */
  async query(filter: Filter, o: { offset: number; limit: number }): Promise<ViewerPage> {
    const { matches, samples } = await this.#match(filter);
    const judge = judgeOf(filter);
    const page = matches.slice(o.offset, o.offset + o.limit);
    // Texts of the whole page, one pass per file.
    const texts = new Map<_Sample, ViewerSample>();
    for (const [r, run] of this.runs.entries()) {
      const wanted = page.flatMap((m) => m.perRun.filter((x) => x.run === r).flatMap((x) => x.samples));
      if (!wanted.length) continue;
      const withGen = wanted.filter((s) => s.gen);
      const gens = await run.generations.readMany<GenerationRecord>(withGen.map((s) => s.gen!));
      const genOf = new Map(withGen.map((s, i) => [s, gens[i]]));
      const judged = new Map<_Sample, ViewerJudgment[]>(wanted.map((s) => [s, []]));
      for (const [label, index] of run.judgments) {
        const has = wanted.filter((s) => s.judged[label]);
        const records = await index.readMany<JudgmentRecord>(has.map((s) => s.judged[label]));
        const model = run.info.judges.find((x) => x.label === label)?.model ?? null;
        has.forEach((s, i) => {
          const j = records[i];
          judged.get(s)!.push({
            label,
            model,
            answer_verdict: j.answer_verdict,
            reasoning_verdict: j.reasoning_verdict,
            correct: s.verdicts[label].correct,
            ...(j.answer_raw !== undefined && { answer_raw: j.answer_raw }),
            ...(j.reasoning_raw !== undefined && { reasoning_raw: j.reasoning_raw }),
            ...(j.error !== undefined && { error: j.error }),
          });
        });
      }
      for (const s of wanted) {
        const g = genOf.get(s);
        texts.set(s, {
          run: r,
          id: s.id,
          sample: s.sample,
          outcome: s.outcome,
          flags: sampleFlags(s, judge),
          answer: g?.answer ?? null,
          reasoning: g?.reasoning ?? null,
          reasoning_source: g?.reasoning_source ?? null,
          finish_reason: g?.finish_reason ?? null,
          prompt_tokens: _count(g?.prompt_tokens),
          completion_tokens: _count(g?.completion_tokens),
          latency_ms: _count((g as { latency_ms?: unknown } | undefined)?.latency_ms),
          error: g?.error ?? null,
          judgments: judged.get(s)!,
        });
      }
    }
    const items: ViewerQuestionPage[] = page.map((m) => ({
      question: this.questions.get(m.id)!,
      runs: m.perRun.map((r) => ({ run: r.run, samples: r.samples.map((s) => texts.get(s)!), total: r.total })),
    }));
    return { version: this.#version, questions: matches.length, samples, offset: o.offset, items };
  }

  /**
   * Each shown run's BSA scores over the questions the filter selects (all k samples of each,
   * whatever the sample-level filters), by the one scoring path (`scoreRuns`): unfiltered, the
   * strip equals `bsa score --run DIR`; a sample not judged yet counts as missing, as there,
   * and matching questions without any judgment are counted in a warning.
   */
  async scores(filter: Filter): Promise<ScoreStrip> {
    const key = formatFilter(filter);
    const hit = this.#scoreCache.get(key);
    if (hit && hit.version === this.#version) return hit.strip;
    const strip = await this.#scores(filter);
    if (this.#scoreCache.size > 8) this.#scoreCache.clear();
    this.#scoreCache.set(key, { version: this.#version, strip });
    return strip;
  }

  async #scores(filter: Filter): Promise<ScoreStrip> {
    const { matches } = await this.#match(filter);
    const judge = judgeOf(filter);
    const filtered =
      formatFilter({ ...filter, runs: undefined, judge: undefined, sort: undefined, view: undefined }) !== "";
    const sampleLevel = SAMPLE_KEYS.some((k) => filter[k]);
    const bySlice = new Set([...this.questions.values()].filter((q) => matchesQuestion(q, filter)).map((q) => q.id));
    const out: Row[] = [];
    const warnings: string[] = [];
    const shown = shownRuns(filter, this.runs.length);
    for (const r of shown) {
      const run = this.runs[r];
      // One run: its warnings word for word as `bsa score` prints them; several: each says whose it is.
      const whose = (w: string) => (shown.length > 1 ? `${run.info.dir}: ${w}` : w);
      // The slice: the dataset's questions the question filters select (as `bsa score --by
      // category` slices), or, under a sample filter, the run's questions with a matching sample.
      const questions = !filtered
        ? undefined
        : sampleLevel
        ? new Set(matches.filter((m) => run.byQuestion.has(m.id)).map((m) => m.id))
        : bySlice;
      let scored: RunScores;
      try {
        // The one scoring path, as `bsa score --run DIR --judge LABEL` scores the run (one row: one model and its tags).
        scored = await scoreRuns([run.info.dir], {
          judge: judge === "default" ? undefined : judge,
          questions,
          dataset: this.#dataset,
        });
      } catch (err) {
        if (!(err instanceof BsaError)) throw err;
        warnings.push(`${run.info.dir}: ${err.message}`);
        out.push({ run: run.info.label, questions: 0, samples: 0 });
        continue;
      }
      warnings.push(...scored.warnings.map(whose));
      const [row] = rows(scored.table);
      out.push(row ? { ...row, run: run.info.label } : { run: run.info.label, questions: 0, samples: 0 });
    }
    const scope = !filtered
      ? "scores over every judged question"
      : sampleLevel
      ? "scores of the slice of questions with a matching sample (all k samples of each)"
      : "scores of the slice of the dataset's questions the filter selects (the one rule: as a category is scored)";
    return { rows: out, warnings, scope: `${scope} (judge '${judge}')`, metrics: STRIP_METRICS };
  }
}

function _questions(dataset: Dataset): Map<string, ViewerQuestion> {
  const out = new Map<string, ViewerQuestion>();
  for (const q of rows<{ id: string; query: string; risk_summary: string; scenario: string }>(dataset.questions)) {
    out.set(q.id, {
      id: q.id,
      scenario: q.scenario,
      code: scenarioInfo(q.scenario)?.code ?? "",
      categories: [],
      subcategories: [],
      query: q.query,
      risk_summary: q.risk_summary,
      risks: [],
    });
  }
  for (const r of rows<{ id: string; category: string; subcategory: string }>(dataset.risks)) {
    const q = out.get(r.id);
    if (!q) continue;
    q.risks.push({ category: r.category, subcategory: r.subcategory });
    if (!q.categories.includes(r.category)) q.categories.push(r.category);
    if (!q.subcategories.includes(r.subcategory)) q.subcategories.push(r.subcategory);
  }
  return out;
}
