/**
 * Scanning a run file's samples without holding their texts: the newest state of each
 * sample, the tokens of every record, the keys of the samples a file holds.
 * @module
 */
import { readJsonl, sampleKey } from "./jsonl.ts";

/** What the newest record of one sample says, as the run store tracks it (no texts). */
export interface SampleState {
  /** Generation records: `outcome` (absent in older folders: read as `ok`). */
  outcome?: string;
  answer_verdict?: string;
  reasoning_verdict?: string;
  failed_by?: string;
}

/** The samples of a generations or judgments file: newest state per sample, and the tokens of every record. */
export interface SampleScan {
  /** Newest state by {@linkcode sampleKey}. */
  latest: Map<string, SampleState>;
  /** Tokens of every record in the file, superseded ones included (they were paid for). */
  tokens: { prompt: number; completion: number };
}

/**
 * The state the run store keeps of a record: its outcome and verdicts, never its texts (a
 * judgment's raw reply, a generation's answer), so tracking every sample of a run stays small.
 *
 * @param r A generation or judgment record (or a state).
 * @returns Its outcome, verdicts and who failed it, nothing else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleState } from "./samples.ts";
 * const record = { id: "q", answer_verdict: "invalid", reasoning_verdict: "Safe", answer_raw: "a long reply" };
 * const s = sampleState(record);
 * assert(s.answer_verdict === "invalid" && !("answer_raw" in s) && !("id" in s));
 * ```
 */
export function sampleState(r: SampleState): SampleState {
  return {
    outcome: r.outcome,
    answer_verdict: r.answer_verdict,
    reasoning_verdict: r.reasoning_verdict,
    failed_by: r.failed_by,
  };
}

/**
 * Scan a run file (generations or judgments) without holding its texts: the newest state
 * of each sample (the last record wins, see {@linkcode readLatest}) and the tokens all its
 * records account for, so totals survive a kill before the manifest was updated.
 *
 * @param path A generations or judgments file.
 * @param options `warnings`: where a last line cut short (skipped) is noted.
 * @returns The newest record's state of each sample and the token totals.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scanSamples } from "./samples.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0,"outcome":"failed","prompt_tokens":3}\n{"id":"q","sample":0,"outcome":"ok","prompt_tokens":5}\n');
 * const s = await scanSamples(p);
 * assert(s.latest.size === 1 && s.latest.get("q\u00000")!.outcome === "ok" && s.tokens.prompt === 8);
 * ```
 */
export async function scanSamples(path: string, options: { warnings?: string[] } = {}): Promise<SampleScan> {
  const latest = new Map<string, SampleState>();
  const tokens = { prompt: 0, completion: 0 };
  for await (
    const r of readJsonl<
      SampleState & { id: string; sample: number; prompt_tokens?: number; completion_tokens?: number }
    >(
      path,
      options,
    )
  ) {
    latest.set(sampleKey(r), sampleState(r));
    tokens.prompt += r.prompt_tokens ?? 0;
    tokens.completion += r.completion_tokens ?? 0;
  }
  return { latest, tokens };
}

/**
 * Keys ({@linkcode sampleKey}) of the samples a JSONL file of records holds.
 *
 * @param path A JSONL file of records.
 * @returns The sample keys.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { doneKeys } from "./samples.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q","sample":0}\n{"id":"q","sample":1}\n{"id":"q","sample":0}\n');
 * assert((await doneKeys(p)).size === 2);
 * ```
 */
export async function doneKeys(path: string): Promise<Set<string>> {
  return new Set((await scanSamples(path)).latest.keys());
}

/**
 * The keys ({@linkcode sampleKey}) of a run file's samples, read fast: the id and sample
 * number are taken from the head of each line as the store writes it, and only a line that
 * does not start so is parsed whole. For counts over large generations files (no texts parsed).
 *
 * @param path A generations or judgments file (a missing one has no samples).
 * @returns The sample keys.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleKeys } from "./samples.ts";
 * const p = await Deno.makeTempFile();
 * await Deno.writeTextFile(p, '{"id":"q\\"1","sample":0,"answer":"long"}\n{"sample":1,"id":"q"}\n{"id":"q","sample":0}\n{"id":"cut');
 * assert.deepEqual([...(await sampleKeys(p))].sort(), ["q\u00000", "q\u00001", 'q"1\u00000']);
 * ```
 */
export async function sampleKeys(path: string): Promise<Set<string>> {
  const out = new Set<string>();
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return out;
    throw err;
  }
  const head = /^\{"id":("(?:[^"\\]|\\.)*"),"sample":(\d+)[,}]/;
  const decoder = new TextDecoder();
  let rest = "";
  const take = (line: string) => {
    if (!line.trim()) return;
    const m = head.exec(line.slice(0, 400));
    if (m) out.add(sampleKey({ id: JSON.parse(m[1]), sample: Number(m[2]) }));
    else {
      try {
        const r = JSON.parse(line) as { id: string; sample: number };
        out.add(sampleKey(r));
      } catch {
        // A last line cut short: not a sample yet.
      }
    }
  };
  for await (const chunk of file.readable) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0, nl: number;
    while ((nl = rest.indexOf("\n", start)) !== -1) {
      take(rest.slice(start, nl));
      start = nl + 1;
    }
    rest = rest.slice(start);
  }
  take(rest + decoder.decode());
  return out;
}
