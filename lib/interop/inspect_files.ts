/**
 * inspect_ai's two log files: a `.json` file holding one `EvalLog`, and the zip-based `.eval`
 * file, whose members are those inspect writes: `_journal/start.json` (the spec and plan),
 * `samples/<id>_epoch_<n>.json` (one `EvalSample` each), `_journal/summaries/1.json` and
 * `summaries.json` (an `EvalSampleSummary` per sample), `reductions.json` and `header.json`
 * (the log without its samples).
 * @module
 */
import { strFromU8, strToU8, unzipSync, type Zippable, zipSync } from "fflate";
import { BsaError } from "../errors.ts";
import type { InspectLog, InspectMessage, InspectSample, InspectSampleSummary } from "./inspect_types.ts";

/**
 * The members of the `.eval` file of a log, in the order inspect writes them.
 *
 * @param log The log, samples included.
 * @returns Member name to its JSON text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evalMembers } from "./inspect_files.ts";
 * const log = { version: 2, status: "success", eval: {}, plan: {}, stats: {}, invalidated: false, tags: [], metadata: {},
 *   samples: [{ id: "q", epoch: 2, input: "Hi?", target: "", messages: [], output: { model: "m", choices: [], completion: "" },
 *   metadata: {}, store: {}, events: [], model_usage: {}, role_usage: {}, attachments: {} }], reductions: [] } as never;
 * const members = evalMembers(log);
 * assert.deepEqual(Object.keys(members), ["_journal/start.json", "samples/q_epoch_2.json", "_journal/summaries/1.json", "summaries.json", "reductions.json", "header.json"]);
 * assert(!("samples" in JSON.parse(members["header.json"])));
 * ```
 */
export function evalMembers(log: InspectLog): Record<string, string> {
  const { samples, reductions, ...header } = log;
  const members: Record<string, string> = {
    "_journal/start.json": JSON.stringify({ version: log.version, eval: log.eval, plan: log.plan }),
  };
  for (const s of samples ?? []) members[`samples/${s.id}_epoch_${s.epoch}.json`] = JSON.stringify(s);
  const summaries = JSON.stringify((samples ?? []).map(sampleSummary));
  members["_journal/summaries/1.json"] = summaries;
  members["summaries.json"] = summaries;
  members["reductions.json"] = JSON.stringify(reductions ?? []);
  members["header.json"] = JSON.stringify(header);
  return members;
}

/**
 * A sample's summary, as `summaries.json` lists it (`EvalSampleSummary`).
 *
 * @param s The sample.
 * @returns Its summary: ids, input, target, metadata, scores, usage, error and whether it completed.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { sampleSummary } from "./inspect_files.ts";
 * const s = { id: "q", epoch: 1, input: "Hi?", target: "", messages: [{ role: "user", content: "Hi?" }], output: { model: "m", choices: [], completion: "" },
 *   metadata: {}, store: {}, events: [], model_usage: {}, role_usage: {}, attachments: {}, error: { message: "HTTP 400", traceback: "", traceback_ansi: "" } } as never;
 * const summary = sampleSummary(s);
 * assert(summary.error === "HTTP 400" && summary.completed && summary.message_count === 1);
 * ```
 */
export function sampleSummary(s: InspectSample): InspectSampleSummary {
  return {
    id: s.id,
    epoch: s.epoch,
    input: s.input,
    target: s.target,
    metadata: s.metadata,
    scores: s.scores ?? null,
    model_usage: s.model_usage,
    role_usage: s.role_usage,
    ...(s.error && { error: s.error.message }),
    completed: true,
    message_count: s.messages.length,
  };
}

/**
 * The bytes of a log's `.eval` file (a zip of {@linkcode evalMembers}, deflated).
 *
 * @param log The log, samples included.
 * @returns The zip file's bytes.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { evalArchive, parseInspectLog } from "./inspect_files.ts";
 * const log = { version: 2, status: "success", eval: { task: "bsa" }, plan: {}, stats: {}, invalidated: false, tags: [], metadata: {}, samples: [], reductions: [] } as never;
 * const back = parseInspectLog("x.eval", evalArchive(log));
 * assert(back.eval.task === "bsa" && back.samples!.length === 0);
 * ```
 */
export function evalArchive(log: InspectLog): Uint8Array {
  const files: Zippable = {};
  // A fixed time (the run's start) keeps an export of the same run byte-identical; a zip
  // holds only dates from 1980 to 2099.
  const created = Date.parse(log.eval.created ?? "");
  const mtime = created >= Date.UTC(1980, 0, 2) && created < Date.UTC(2099, 11, 31) ? created : Date.UTC(1980, 0, 2);
  for (const [name, text] of Object.entries(evalMembers(log))) files[name] = [strToU8(text), { mtime }];
  return zipSync(files, { level: 6 });
}

/**
 * The text of a log's `.json` file.
 *
 * @param log The log, samples included.
 * @returns The JSON text (indented, as inspect writes it).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inspectLogJson } from "./inspect_files.ts";
 * assert(JSON.parse(inspectLogJson({ version: 2 } as never)).version === 2);
 * ```
 */
export function inspectLogJson(log: InspectLog): string {
  return JSON.stringify(log, null, 2) + "\n";
}

/**
 * Read an inspect log from its bytes: a `.json` log, or an `.eval` zip (told apart by content).
 * Only what bsa reads is checked: a JSON object with `eval` and, for an `.eval` file, a
 * `header.json` (or, for a log still being written, `_journal/start.json`).
 *
 * @param path The file's name, for messages.
 * @param bytes The file's bytes.
 * @returns The log, with the samples of an `.eval` file in member order.
 * @throws {BsaError} The bytes are neither, or a member is not JSON.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInspectLog } from "./inspect_files.ts";
 * const log = parseInspectLog("a.json", new TextEncoder().encode('{"version":2,"eval":{"task":"t"},"samples":[]}'));
 * assert(log.eval.task === "t");
 * assert.throws(() => parseInspectLog("b.json", new TextEncoder().encode("[1]")), /b.json is not an inspect log/);
 * ```
 */
export function parseInspectLog(path: string, bytes: Uint8Array): InspectLog {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (!isZip) {
    let log: unknown;
    try {
      log = JSON.parse(new TextDecoder().decode(bytes));
    } catch (err) {
      throw new BsaError(`${path} is not an inspect log: neither a zip (.eval) nor JSON (${(err as Error).message})`);
    }
    return _checked(path, log);
  }
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, { filter: (f) => f.name.endsWith(".json") });
  } catch (err) {
    throw new BsaError(`${path} is not a readable zip (.eval) file: ${(err as Error).message}`);
  }
  const json = (name: string): unknown => {
    try {
      return JSON.parse(strFromU8(members[name]));
    } catch (err) {
      throw new BsaError(`${path}: member ${name} is not JSON: ${(err as Error).message}`);
    }
  };
  const head = members["header.json"]
    ? json("header.json")
    : members["_journal/start.json"]
    ? { status: "started", ...(json("_journal/start.json") as object) }
    : null;
  if (!head) throw new BsaError(`${path} is not an inspect .eval log: it has no header.json (nor _journal/start.json)`);
  const names = Object.keys(members).filter((n) => /^samples\/[^/]+\.json$/.test(n));
  const samples = names.map((n) => json(n) as InspectSample);
  const reductions = members["reductions.json"] ? json("reductions.json") : (head as InspectLog).reductions;
  return _checked(path, { ...(head as object), samples, reductions });
}

function _checked(path: string, log: unknown): InspectLog {
  const o = log as Partial<InspectLog> | null;
  if (!o || typeof o !== "object" || Array.isArray(o) || !o.eval || typeof o.eval !== "object") {
    throw new BsaError(`${path} is not an inspect log: it has no 'eval' (the EvalSpec of an EvalLog)`);
  }
  if (o.samples !== undefined && o.samples !== null && !Array.isArray(o.samples)) {
    throw new BsaError(`${path}: 'samples' is not a list`);
  }
  return o as InspectLog;
}

/**
 * The text of a message's content: a string, or its text items joined (reasoning items left out).
 *
 * @param m A message (or its content).
 * @returns The text.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { messageText } from "./inspect_files.ts";
 * assert(messageText({ content: [{ type: "reasoning", reasoning: "r", redacted: false }, { type: "text", text: "ok" }] }) === "ok");
 * ```
 */
export function messageText(m: Pick<InspectMessage, "content">): string {
  if (typeof m.content === "string") return m.content;
  if (!Array.isArray(m.content)) return "";
  const items = m.content as Record<string, unknown>[];
  return items.filter((c) => c?.type === "text" && typeof c.text === "string").map((c) => c.text as string).join("");
}
