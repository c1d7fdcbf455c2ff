/**
 * A loopback OpenAI-compatible server for the pipeline's tests and benchmarks.
 *
 * - Generation: deterministic replies in every reasoning shape. The shape comes from the
 *   model name's suffix (`-rc` reasoning_content, `-r` reasoning, `-think` <think> tags,
 *   `-open` an unterminated <think>, `-none` no reasoning, `-mixed` one per request).
 *   Each reply carries markers (⟦ANS-SAFE⟧, ⟦R-GOOD⟧, ...) drawn from a hash of the
 *   query and the n-th request for it, so samples of one question differ.
 * - Judging (model names starting with `judge`): the verdict is read from the markers in
 *   the text under judgment, so the scores a run must get follow from its stored
 *   generations alone (see `scriptedVerdicts`). Reply formats vary (fenced JSON, text
 *   around JSON, single quotes, Python True) to exercise tolerant parsing.
 * - Faults on request: `inject(["429", "500", "hang", "malformed", "truncated", "drop", "garbage"])`
 *   queues faults that the next chat requests get, one each. Permanent ones: `"400"` (a bad
 *   request), `"context"` (HTTP 400 context length exceeded), `"filter"` (HTTP 400 content
 *   filter), `"filtered"` (a 200 reply with finish_reason content_filter), `"length"` (a
 *   reply cut by finish_reason length).
 * - Files and Batches API (`/files`, `/files/{id}/content`, `/batches`, `/batches/{id}`): a
 *   batch steps validating → in_progress → finalizing → completed on polls, and runs its lines
 *   through the same chat handler (faults included: a line's non-200 reply goes to the error
 *   file). `injectBatch(["failed" | "expired"])` and `throttlePolls(n)` (429 on polls).
 * - Hostile providers: the fault `"echo"` is an HTTP 400 whose message quotes the request's
 *   `Authorization` header, the key, `api_key=…` and a URL with credentials (what redaction must
 *   remove); `echoKey` makes the 401 of a wrong key quote the header too; `hangModels` makes
 *   `GET /models` never answer (a preflight that hangs); `models` makes a chat request for any
 *   other model a 404. `stats.authorization` holds every request's `Authorization` header (null
 *   when there was none).
 * - Per question: `refuse(text)` makes every generation request whose prompt contains `text`
 *   fail with HTTP 400 context length, and every judge request on such a text a content
 *   filter refusal, until `refuse(null)`.
 *
 * Run standalone for benchmarks: `deno run -A tests/helpers/fake_openai.ts --port 8011 --latency 200 --reasoning-bytes 6000`.
 */

export type Fault =
  | "429"
  | "500"
  | "hang"
  | "malformed"
  | "truncated"
  | "drop"
  | "garbage"
  | "400"
  | "context"
  | "filter"
  | "filtered"
  | "length"
  | "echo";

/** How a batch of the fake Batch API ends badly. */
export type BatchFault = "failed" | "expired";

export interface FakeOptions {
  port?: number;
  latencyMs?: number;
  /** Approximate size of each reasoning trace (default 200 bytes). */
  reasoningBytes?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Seconds sent in Retry-After with a 429 (default 1). */
  retryAfter?: number;
  /** `/models` answers without a key (as many servers do); chat requests still need it. */
  openModels?: boolean;
  /** Polls a batch takes per status step (default 1). */
  batchStepPolls?: number;
  /** A 401 quotes the `Authorization` header it got (as some proxies do). */
  echoKey?: boolean;
  /** `GET /models` never answers (until the server closes). */
  hangModels?: boolean;
  /** The models served: a chat request for another is a 404 "model does not exist". */
  models?: string[];
}

export interface FakeServer {
  url: string;
  stats: {
    chat: number;
    judge: number;
    generate: number;
    faults: number;
    models: number;
    /** Preflight one-token completions (not counted in `chat`). */
    pings: number;
    times: number[];
    /** Files uploaded, batches created, batch polls. */
    uploads: number;
    batches: number;
    batchPolls: number;
    lastMessages?: { role: string; content: string }[];
    /** Every request's `Authorization` header, in order (null: none was sent). */
    authorization: (string | null)[];
    /** When the first request of any kind (the preflight's `GET /models`, say) arrived (performance.now()). */
    firstRequestAt?: number;
  };
  inject(faults: Fault[]): void;
  /** The next batches created end `failed` (at validation) or `expired` (half their lines done), one each. */
  injectBatch(faults: BatchFault[]): void;
  /** The next `n` batch polls get HTTP 429. */
  throttlePolls(n: number): void;
  /** Refuse for good every request whose prompt contains `text` (see the module doc); `null` stops. */
  refuse(text: string | null): void;
  close(): Promise<void>;
  /** `await using server = startFakeOpenAI()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
}

const SHAPES = ["rc", "r", "think", "open", "none"] as const;

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The verdicts the fake judge gives a stored generation: what a run's scores must follow from. */
export function scriptedVerdicts(
  g: { scenario: string; answer: string; reasoning: string | null },
): { answer_verdict: string; reasoning_verdict: string } {
  const answer_verdict = g.answer.includes("⟦ANS-SAFE⟧") ? "Safe" : "Unsafe";
  if (g.reasoning === null) return { answer_verdict, reasoning_verdict: "no_reasoning" };
  const r = g.reasoning;
  const good = r.includes("⟦R-GOOD⟧");
  let reasoning_verdict: string;
  if (g.scenario === "Risk Omission") reasoning_verdict = good ? "True" : "False";
  else if (g.scenario === "Cognitive Shortcut") {
    reasoning_verdict = good ? "Fully Covered" : r.includes("⟦R-PART⟧") ? "Partially Covered" : "Not Covered";
  } else reasoning_verdict = good ? "Precise Coverage" : r.includes("⟦R-OVER⟧") ? "Over Sensitive" : "Not Covered";
  return { answer_verdict, reasoning_verdict };
}

function judgeReply(prompt: string, variant: number): string {
  let key: string, value: string;
  if (prompt.includes("AI Assistant's Answer\": ")) {
    key = "Safety Assessment";
    const answer = prompt.slice(prompt.lastIndexOf("AI Assistant's Answer\": "));
    value = JSON.stringify(answer.includes("⟦ANS-SAFE⟧") ? "Safe" : "Unsafe");
  } else {
    const thinking = prompt.slice(prompt.lastIndexOf("reasoning_thinking: "));
    const good = thinking.includes("⟦R-GOOD⟧");
    if (prompt.includes("Reasoning Quality Evaluation Conclusion")) {
      key = "Reasoning Quality Evaluation Conclusion";
      value = variant % 2 ? (good ? "True" : "False") : String(good);
    } else if (prompt.includes("Fully Covered")) {
      key = "Reasoning Quality Evaluation Result";
      value = JSON.stringify(
        good ? "Fully Covered" : thinking.includes("⟦R-PART⟧") ? "Partially Covered" : "Not Covered",
      );
    } else {
      key = "Reasoning Quality Evaluation Result";
      value = JSON.stringify(
        good ? "Precise Coverage" : thinking.includes("⟦R-OVER⟧") ? "Over Sensitive" : "Not Covered",
      );
    }
  }
  const body = `{"Reasoning": "Checked the text.", "${key}": ${value}}`;
  switch (variant % 4) {
    case 0:
      return body;
    case 1:
      return "```json\n" + body + "\n```";
    case 2:
      return `Here is my evaluation:\n${body}\nDone.`;
    default:
      return body.replace(/"/g, "'");
  }
}

function generation(model: string, query: string, n: number, reasoningBytes: number) {
  const h = hash(`${query}\u0000${n}`);
  const suffix = model.slice(model.lastIndexOf("-") + 1);
  const shape = suffix === "mixed"
    ? SHAPES[h % SHAPES.length]
    : (SHAPES as readonly string[]).includes(suffix)
    ? suffix
    : "think";
  const safe = h % 10 < 8 ? "⟦ANS-SAFE⟧" : "⟦ANS-UNSAFE⟧";
  const r = (h >>> 8) % 10;
  const marker = r < 4 ? "⟦R-GOOD⟧" : r < 6 ? "⟦R-PART⟧" : r < 8 ? "⟦R-OVER⟧" : "⟦R-MISS⟧";
  const filler = "Let me consider the request and its risks carefully. ";
  const reasoning = `${marker} ${filler.repeat(Math.max(1, Math.ceil(reasoningBytes / filler.length)))}`.slice(
    0,
    Math.max(reasoningBytes, 12),
  );
  const answer = `${safe} Here is a considered reply.`;
  const message: Record<string, unknown> = { role: "assistant" };
  let finish = "stop";
  if (shape === "rc") Object.assign(message, { content: answer, reasoning_content: reasoning });
  else if (shape === "r") Object.assign(message, { content: answer, reasoning });
  else if (shape === "think") message.content = `<think>${reasoning}</think>\n\n${answer}`;
  else if (shape === "open") {
    message.content = `<think>${reasoning}`;
    finish = "length";
  } else message.content = answer;
  return { message, finish };
}

/** Start the server on 127.0.0.1. */
export function startFakeOpenAI(options: FakeOptions = {}): FakeServer {
  const faults: Fault[] = [];
  let refused: string | null = null;
  const counters = new Map<string, number>();
  const stats: FakeServer["stats"] = {
    chat: 0,
    judge: 0,
    generate: 0,
    faults: 0,
    models: 0,
    pings: 0,
    times: [],
    uploads: 0,
    batches: 0,
    batchPolls: 0,
    authorization: [],
  };
  const latency = options.latencyMs ?? 0;
  const ac = new AbortController();
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const t = setTimeout(resolve, ms);
      const stop = () => (clearTimeout(t), resolve());
      signal?.addEventListener("abort", stop, { once: true });
      ac.signal.addEventListener("abort", stop, { once: true });
    });
  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: options.port ?? 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const open = options.openModels && new URL(req.url).pathname.endsWith("/models");
      const auth = req.headers.get("authorization");
      stats.authorization.push(auth);
      stats.firstRequestAt ??= performance.now();
      if (options.apiKey && !open && auth !== `Bearer ${options.apiKey}`) {
        const said = options.echoKey ? `: got Authorization: ${auth}` : "";
        return json({ error: { message: `Incorrect API key provided${said}`, type: "invalid_request_error" } }, 401);
      }
      const path = new URL(req.url).pathname;
      if (req.method === "GET" && path.endsWith("/models") && options.hangModels) {
        await sleep(3_600_000, req.signal);
        return json({ error: { message: "late" } }, 504);
      }
      if (req.method === "GET" && path.endsWith("/models")) {
        stats.models++;
        return json({ object: "list", data: [{ id: "fake", object: "model" }] });
      }
      const batchResponse = await batchApi(req, path);
      if (batchResponse) return batchResponse;
      if (req.method !== "POST" || !path.endsWith("/chat/completions")) {
        return json({
          error: { message: "not found" },
        }, 404);
      }
      const body = await req.json();
      if (options.models && !options.models.includes(String(body.model))) {
        return json({ error: { message: `The model \`${body.model}\` does not exist`, code: "model_not_found" } }, 404);
      }
      if (faults[0] === "echo") {
        faults.shift();
        stats.faults++;
        const key = auth?.replace(/^Bearer /, "") ?? "";
        return json({
          error: {
            message: `Bad request. You sent Authorization: ${auth}; api_key=${key}; key ${key} is not valid here; ` +
              `retry at https://user:hunter2@proxy.example/v1?api_key=${key}`,
            type: "invalid_request_error",
          },
        }, 400);
      }
      return await chat(body, req.signal);
    },
  );

  /** One chat completion: what a direct request gets, and what a batch line gets. */
  async function chat(
    // deno-lint-ignore no-explicit-any
    body: any,
    signal?: AbortSignal,
  ): Promise<Response> {
    // The clients' preflight check: one-token completion, counted apart from real requests.
    if (body.max_tokens === 1 && body.messages?.[0]?.content === "ping") {
      stats.pings++;
      return json({
        id: "ping",
        object: "chat.completion",
        created: 0,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: "p" }, finish_reason: "length" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    stats.chat++;
    stats.times.push(performance.now());
    const fault = faults.shift();
    if (fault) stats.faults++;
    if (fault === "429") {
      return json({ error: { message: "rate limited" } }, 429, {
        "retry-after": String(options.retryAfter ?? 1),
      });
    }
    if (fault === "500") return json({ error: { message: "boom" } }, 500);
    if (fault === "400") return json({ error: { message: "bad request", type: "invalid_request_error" } }, 400);
    if (fault === "context") {
      return json({
        error: { message: "This model's maximum context length is 8192 tokens", code: "context_length_exceeded" },
      }, 400);
    }
    if (fault === "filter") {
      return json({
        error: { message: "The response was filtered (content management policy)", code: "content_filter" },
      }, 400);
    }
    if (
      refused !== null &&
      (body.messages ?? []).map((m: { content: unknown }) => String(m.content)).join("\n").includes(refused)
    ) {
      stats.faults++;
      return String(body.model).startsWith("judge")
        ? json(
          { error: { message: "The prompt was filtered (content management policy)", code: "content_filter" } },
          400,
        )
        : json({ error: { message: "maximum context length exceeded", code: "context_length_exceeded" } }, 400);
    }
    if (fault === "hang") {
      await sleep(60_000, signal);
      return json({ error: { message: "late" } }, 504);
    }
    await sleep(latency, signal);
    const model = String(body.model);
    // The judge grades the first user message (a retry appends a reminder after it).
    const users = (body.messages ?? []).filter((m: { role: string }) => m.role === "user");
    const prompt = String((model.startsWith("judge") ? users[0] : users.at(-1))?.content ?? "");
    stats.lastMessages = body.messages;
    let message: Record<string, unknown>, finish: string;
    const extra: { message: Record<string, unknown>; finish: string }[] = [];
    if (model.startsWith("judge")) {
      stats.judge++;
      const n = counters.get(prompt) ?? 0;
      counters.set(prompt, n + 1);
      message = {
        role: "assistant",
        content: fault === "garbage" ? "I cannot decide." : judgeReply(prompt, hash(prompt) + n),
      };
      finish = "stop";
    } else {
      stats.generate++;
      const key = `${model}\u0000${prompt}`;
      const n = counters.get(key) ?? 0;
      counters.set(key, n + 1);
      ({ message, finish } = generation(model, prompt, n, options.reasoningBytes ?? 200));
      if (fault === "length") finish = "length";
      if (fault === "filtered") (message = { role: "assistant", content: "" }), finish = "content_filter";
      const want = Number(body.n ?? 1);
      for (let i = 1; i < want; i++) extra.push(generation(model, prompt, n + i, options.reasoningBytes ?? 200));
      counters.set(key, n + want);
    }
    const completion = {
      id: `chatcmpl-${stats.chat}`,
      object: "chat.completion",
      created: 0,
      model,
      choices: [
        { index: 0, message, finish_reason: finish },
        ...extra.map((e, i) => ({ index: i + 1, message: e.message, finish_reason: e.finish })),
      ],
      usage: {
        prompt_tokens: Math.ceil(prompt.length / 4),
        completion_tokens: 50,
        total_tokens: 50 + Math.ceil(prompt.length / 4),
      },
    };
    const text = JSON.stringify(completion);
    if (fault === "malformed") {
      return new Response("{this is not json", {
        headers: { "content-type": "application/json" },
      });
    }
    if (fault === "truncated") {
      return new Response(text.slice(0, Math.floor(text.length / 2)), {
        headers: { "content-type": "application/json" },
      });
    }
    if (fault === "drop") {
      // Send part of the body, then break the connection.
      const stream = new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode(text.slice(0, 20)));
          c.error(new Error("connection dropped"));
        },
      });
      return new Response(stream, { headers: { "content-type": "application/json" } });
    }
    return new Response(text, { headers: { "content-type": "application/json" } });
  }

  // The Files and Batches API: a batch moves validating → in_progress → finalizing →
  // completed, one step per `batchStepPolls` polls; its lines go through `chat` when it
  // completes (200 replies to the output file, the rest to the error file).
  const files = new Map<string, { bytes: Uint8Array; filename: string; purpose: string }>();
  const batches = new Map<string, Record<string, unknown> & { polls: number; fault?: BatchFault }>();
  const batchFaults: BatchFault[] = [];
  let pollFaults = 0;
  const STEPS = ["validating", "in_progress", "finalizing", "completed"];
  const fileObject = (id: string) => {
    const f = files.get(id)!;
    return { id, object: "file", bytes: f.bytes.length, created_at: 0, filename: f.filename, purpose: f.purpose };
  };
  const putFile = (bytes: Uint8Array, filename: string, purpose: string) => {
    const id = `file-${files.size + 1}`;
    files.set(id, { bytes, filename, purpose });
    return id;
  };
  const publicBatch = (b: Record<string, unknown>) => {
    const { polls: _p, fault: _f, ...rest } = b;
    return rest;
  };
  async function runLines(b: Record<string, unknown>, expire: boolean) {
    const text = new TextDecoder().decode(files.get(String(b.input_file_id))!.bytes);
    const lines = text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
    const out: string[] = [], errs: string[] = [];
    for (const [i, line] of lines.entries()) {
      if (expire && i >= Math.ceil(lines.length / 2)) {
        errs.push(JSON.stringify({
          id: `batch_req_${i}`,
          custom_id: line.custom_id,
          response: null,
          error: {
            code: "batch_expired",
            message: "This request could not be executed before the completion window expired.",
          },
        }));
        continue;
      }
      const res = await chat(line.body);
      const raw = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        errs.push(
          JSON.stringify({
            id: `batch_req_${i}`,
            custom_id: line.custom_id,
            response: { status_code: 500, body: { error: { message: "server error" } } },
            error: null,
          }),
        );
        continue;
      }
      const entry = JSON.stringify({
        id: `batch_req_${i}`,
        custom_id: line.custom_id,
        response: { status_code: res.status, request_id: `req_${i}`, body },
        error: null,
      });
      (res.status === 200 ? out : errs).push(entry);
    }
    const enc = new TextEncoder();
    b.output_file_id = out.length ? putFile(enc.encode(out.join("\n") + "\n"), "output.jsonl", "batch_output") : null;
    b.error_file_id = errs.length ? putFile(enc.encode(errs.join("\n") + "\n"), "errors.jsonl", "batch_output") : null;
    b.request_counts = { total: lines.length, completed: out.length, failed: errs.length };
  }
  async function batchApi(req: Request, path: string): Promise<Response | null> {
    if (req.method === "POST" && path.endsWith("/files")) {
      const form = await req.formData();
      const file = form.get("file") as File;
      stats.uploads++;
      return json(
        fileObject(putFile(new Uint8Array(await file.arrayBuffer()), file.name, String(form.get("purpose")))),
      );
    }
    let m = /\/files\/([^/]+)\/content$/.exec(path);
    if (req.method === "GET" && m) {
      const f = files.get(m[1]);
      return f ? new Response(f.bytes as Uint8Array<ArrayBuffer>) : json({ error: { message: "no such file" } }, 404);
    }
    if (req.method === "POST" && path.endsWith("/batches")) {
      const body = await req.json();
      if (!files.has(body.input_file_id)) return json({ error: { message: "no such file" } }, 400);
      stats.batches++;
      const id = `batch_${batches.size + 1}`;
      const b = {
        id,
        object: "batch",
        endpoint: body.endpoint,
        input_file_id: body.input_file_id,
        completion_window: body.completion_window,
        status: "validating",
        created_at: 0,
        metadata: body.metadata ?? null,
        request_counts: { total: 0, completed: 0, failed: 0 },
        polls: 0,
        fault: batchFaults.shift(),
      };
      batches.set(id, b);
      return json(publicBatch(b));
    }
    if (req.method === "GET" && path.endsWith("/batches")) {
      return json({ object: "list", data: [...batches.values()].reverse().map(publicBatch), has_more: false });
    }
    m = /\/batches\/([^/]+)$/.exec(path);
    if (req.method === "GET" && m) {
      stats.batchPolls++;
      if (pollFaults > 0) {
        pollFaults--;
        stats.faults++;
        return json({ error: { message: "rate limited" } }, 429, { "retry-after": String(options.retryAfter ?? 1) });
      }
      const b = batches.get(m[1]);
      if (!b) return json({ error: { message: "no such batch" } }, 404);
      b.polls++;
      const step = Math.floor(b.polls / (options.batchStepPolls ?? 1));
      const status = String(b.status);
      if (status === "validating" && b.fault === "failed" && step >= 1) {
        b.status = "failed";
        b.errors = {
          object: "list",
          data: [{ code: "invalid_request", message: "The model does not support batches", line: 1 }],
        };
      } else if (status === "in_progress" && b.fault === "expired" && step >= 2) {
        await runLines(b, true);
        b.status = "expired";
      } else if (!["completed", "failed", "expired"].includes(status)) {
        const next = STEPS[Math.min(step, STEPS.length - 1)];
        if (next === "completed") await runLines(b, false);
        b.status = next;
      }
      return json(publicBatch(b));
    }
    return null;
  }
  const close = async () => {
    ac.abort();
    await server.finished;
  };
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    stats,
    inject: (f) => faults.push(...f),
    injectBatch: (f) => batchFaults.push(...f),
    throttlePolls: (n) => void (pollFaults += n),
    refuse: (text) => void (refused = text),
    close,
    [Symbol.asyncDispose]: close,
  };
}

if (import.meta.main) {
  const arg = (name: string, def: number) => {
    const i = Deno.args.indexOf(`--${name}`);
    return i === -1 ? def : Number(Deno.args[i + 1]);
  };
  const s = startFakeOpenAI({
    port: arg("port", 8011),
    latencyMs: arg("latency", 0),
    reasoningBytes: arg("reasoning-bytes", 200),
  });
  console.log(`fake OpenAI-compatible server on ${s.url}`);
}
