/**
 * inspect_ai's two log files: a `.json` file holding one `EvalLog`, and the zip-based `.eval`
 * file, whose members are those inspect writes: `_journal/start.json` (the spec and plan),
 * `samples/<id>_epoch_<n>.json` (one `EvalSample` each), `_journal/summaries/1.json` and
 * `summaries.json` (an `EvalSampleSummary` per sample), `reductions.json` and `header.json`
 * (the log without its samples).
 * @module
 */
import { strFromU8, strToU8, unzipSync, Zip, ZipDeflate } from "fflate";
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
  return Object.fromEntries(_members(log));
}

// The members one at a time, so that a writer holds one sample's text at once.
function* _members(log: InspectLog): Generator<[string, string]> {
  const { samples, reductions, ...header } = log;
  yield ["_journal/start.json", JSON.stringify({ version: log.version, eval: log.eval, plan: log.plan })];
  for (const s of samples ?? []) yield [`samples/${s.id}_epoch_${s.epoch}.json`, JSON.stringify(s)];
  const summaries = JSON.stringify((samples ?? []).map(sampleSummary));
  yield ["_journal/summaries/1.json", summaries];
  yield ["summaries.json", summaries];
  yield ["reductions.json", JSON.stringify(reductions ?? [])];
  yield ["header.json", JSON.stringify(header)];
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
    // Light, as inspect keeps its summaries: the verdicts and their explanations, not the answer again.
    scores: s.scores
      ? Object.fromEntries(Object.entries(s.scores).map(([name, { answer: _, ...score }]) => [name, score]))
      : null,
    model_usage: s.model_usage,
    role_usage: s.role_usage,
    ...(s.error && { error: s.error.message }),
    completed: true,
    message_count: s.messages.length,
  };
}

/**
 * Write a log to `path`: the `.eval` zip (of {@linkcode evalMembers}, deflated) when `path` ends
 * in `.eval`, else the `.json` log (indented, as inspect writes it). Written member by member and
 * sample by sample, never as one string, into a temporary file renamed into place when complete.
 *
 * @param path The file to write (its folder must exist).
 * @param log The log, samples included.
 * @throws {BsaError} The file cannot be written (the message names it).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseInspectLog, writeInspectLog } from "./inspect_files.ts";
 * const log = { version: 2, status: "success", eval: { task: "bsa", created: "2025-01-01T00:00:00Z" }, plan: {}, stats: {}, invalidated: false, tags: [], metadata: {},
 *   samples: [{ id: "q", epoch: 1, input: "Hi?", target: "", messages: [], output: { model: "m", choices: [], completion: "" },
 *   metadata: {}, store: {}, events: [], model_usage: {}, role_usage: {}, attachments: {} }], reductions: [] } as never;
 * const dir = await Deno.makeTempDir();
 * for (const name of ["a.eval", "a.json"]) {
 *   await writeInspectLog(`${dir}/${name}`, log);
 *   assert.deepEqual(parseInspectLog(name, await Deno.readFile(`${dir}/${name}`)), log);
 * }
 * ```
 */
export async function writeInspectLog(path: string, log: InspectLog): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(tmp, { write: true, createNew: true });
    if (path.endsWith(".eval")) await _writeEval(file, log);
    else await _writeJson(file, log);
    file.close();
    file = undefined;
    await Deno.rename(tmp, path);
  } catch (err) {
    file?.close();
    await Deno.remove(tmp).catch(() => {});
    throw new BsaError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
}

async function _write(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

async function _writeEval(file: Deno.FsFile, log: InspectLog): Promise<void> {
  // A fixed time (the run's start) keeps an export of the same run byte-identical; a zip
  // holds only dates from 1980 to 2099.
  const created = Date.parse(log.eval.created ?? "");
  const mtime = created >= Date.UTC(1980, 0, 2) && created < Date.UTC(2099, 11, 31) ? created : Date.UTC(1980, 0, 2);
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => (err ? (failure = err) : chunks.push(chunk)));
  const flush = async () => {
    if (failure) throw failure;
    for (const c of chunks.splice(0)) await _write(file, c);
  };
  for (const [name, text] of _members(log)) {
    const member = new ZipDeflate(name, { level: 6 });
    member.mtime = mtime;
    zip.add(member);
    member.push(strToU8(text), true);
    await flush();
  }
  zip.end();
  await flush();
}

async function _writeJson(file: Deno.FsFile, log: InspectLog): Promise<void> {
  const { samples, reductions, ...header } = log;
  const enc = new TextEncoder();
  // The header's text without its closing brace; then the samples one at a time, each indented
  // as JSON.stringify(log, null, 2) would (a JSON text holds no raw newline inside a string).
  const head = JSON.stringify(header, null, 2);
  await _write(file, enc.encode(`${head.slice(0, head.lastIndexOf("}")).trimEnd()},\n  "samples": [`));
  for (const [i, s] of (samples ?? []).entries()) {
    await _write(file, enc.encode(`${i ? "," : ""}\n    ${JSON.stringify(s, null, 2).replaceAll("\n", "\n    ")}`));
  }
  const reduced = JSON.stringify(reductions ?? [], null, 2).replaceAll("\n", "\n  ");
  await _write(file, enc.encode(`${samples?.length ? "\n  " : ""}],\n  "reductions": ${reduced}\n}\n`));
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
