import OpenAI from "openai";
import { ApiKeyError, BsaError, EndpointError } from "../errors.ts";
import { redactSecrets } from "../redact.ts";
import { stallWatch } from "./progress.ts";
import { FatalRequestError, type RetryOptions, withRetry } from "./retry.ts";

/** The per-request timeout when none is given: long enough for a reasoning model's long reply. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

/** The longest timeout the runtime's timers accept (2^31 - 1 ms, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Where and how to reach one OpenAI-compatible service (possibly several replicas). */
export interface EndpointOptions {
  /** One or more base URLs (e.g. `http://localhost:8000/v1`); requests are spread over them. */
  baseUrls: string[];
  /** The API key (from the environment; never written anywhere). Local servers accept any, or none. */
  apiKey?: string;
  /** The variable the key was read from, named when a server refuses the request (default `OPENAI_API_KEY`). */
  apiKeyEnv?: string;
  /** Per-request timeout in ms (default {@linkcode DEFAULT_TIMEOUT_MS}, at most {@linkcode MAX_TIMEOUT_MS}). */
  timeoutMs?: number;
  /**
   * `retries`: attempts after the first, for HTTP failures (408, 409, 429, 5xx, connection
   * errors, timeouts: the openai SDK's own retry, which honours `Retry-After`) and, separately,
   * for replies the SDK cannot parse (malformed or cut-short JSON), which are retried here
   * with `baseDelayMs` backoff.
   */
  retry?: RetryOptions;
  /**
   * Where the preflight's stall notice goes (the CLI: stderr): when `/models` has not answered
   * for `stallMs` (default one minute), and again each further period, so a hung endpoint is
   * never silent. Without it nothing is said (a library caller's choice).
   */
  notice?: (line: string) => void;
  /** The quiet period before the preflight's stall notice (default 60 000 ms). */
  stallMs?: number;
}

/** The parts of a chat completion the pipeline keeps. */
export interface Completion {
  message: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  finishReason: string | null;
  /** Every choice, for requests with `n` > 1 (the first is `message`). */
  choices: { message: Completion["message"]; finishReason: string | null }[];
  promptTokens: number;
  completionTokens: number;
}

/** The run cannot go on (see lib/errors.ts); exported here too, where endpoints are reached. */
export { EndpointError };

/**
 * The one place an `npm:openai` client is made (chat completions, files, batches): the base
 * URL checked (an http(s) URL without credentials or query), the key sent as
 * `Authorization: Bearer …` only when one is set (with none, or an empty one, no
 * `Authorization` header goes out at all), the SDK's own retries, and a `fetch` that hands the
 * SDK's headers to the runtime as a plain record (see {@linkcode plainHeadersFetch}).
 *
 * @param baseURL An `http://` or `https://` base URL (e.g. `http://localhost:8000/v1`).
 * @param o The key (from the environment), the per-request timeout, the SDK's retry count, and
 *   optionally a `fetch` that sees every attempt.
 * @returns The SDK client.
 * @throws {BsaError} The URL is not an http(s) URL, or carries credentials (`user:pass@`) or a
 *   query (`?key=…`); the message names neither their values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openaiClient } from "./client.ts";
 * const c = openaiClient("http://127.0.0.1:8000/v1", { timeoutMs: 1000, maxRetries: 2 });
 * assert(c.baseURL === "http://127.0.0.1:8000/v1" && c.maxRetries === 2);
 * assert.throws(() => openaiClient("localhost:8000", { timeoutMs: 1000, maxRetries: 2 }), /http:\/\/ or https:\/\//);
 * assert.throws(() => openaiClient("http://u:pw@h/v1", { timeoutMs: 1000, maxRetries: 2 }), /credentials/);
 * assert.throws(() => openaiClient("http://h/v1?key=abc", { timeoutMs: 1000, maxRetries: 2 }), /query/);
 * ```
 */
export function openaiClient(
  baseURL: string,
  o: { apiKey?: string; timeoutMs: number; maxRetries: number; fetch?: typeof fetch },
): OpenAI {
  if (!/^https?:\/\/[^/]/.test(baseURL) || safeHost(baseURL) === "(invalid URL)") {
    throw new BsaError(`base URL must be an http:// or https:// URL, got ${JSON.stringify(redactSecrets(baseURL))}`);
  }
  const u = new URL(baseURL);
  if (u.username || u.password) {
    throw new BsaError(
      `base URL ${safeHost(baseURL)} carries credentials (user:password@): they would be sent to the server ` +
        "as part of the URL; give the key in OPENAI_API_KEY (or another environment variable) instead",
    );
  }
  if (u.search || baseURL.includes("?")) {
    throw new BsaError(
      `base URL ${safeHost(baseURL)} has a query (?${[...u.searchParams.keys()].join("&")}): request paths ` +
        "are appended to the base URL, so the query would end up before them; give a key in an environment " +
        "variable, and the URL without '?…'",
    );
  }
  // Local servers (vLLM, Ollama) need no key, but the SDK refuses to start without one: it
  // gets a placeholder, and the fetch below drops the header the placeholder would make.
  const keyless = !o.apiKey;
  return new OpenAI({
    baseURL,
    apiKey: o.apiKey || "unused",
    timeout: o.timeoutMs,
    maxRetries: o.maxRetries,
    fetch: plainHeadersFetch(o.fetch ?? fetch, { dropAuthorization: keyless }),
  });
}

/**
 * `inner` with a request's `Headers` object turned into a plain record first. The SDK builds a
 * `Headers` for every attempt, and Deno's `fetch` reads a `Headers` init with its iterator, which
 * rebuilds the sorted header list at every step: about 30 KB of short-lived objects per request,
 * which at concurrency 64 were the largest part of a run's garbage (bench/RESULTS.md). A record says the same headers
 * (a `Headers` object's entries are already combined, one per name) for a fraction of that.
 *
 * @param inner The fetch to call (the global one by default in {@linkcode openaiClient}).
 * @param o `dropAuthorization`: send no `Authorization` header (no key is set).
 * @returns A fetch that sees the same headers as a plain record.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plainHeadersFetch } from "./client.ts";
 * let seen: HeadersInit | undefined;
 * const f = plainHeadersFetch((_input, init) => (seen = init?.headers, Promise.resolve(new Response("ok"))));
 * await f("http://127.0.0.1:1/v1/models", { headers: new Headers([["Accept", "application/json"], ["X-A", "1"]]) });
 * assert.deepEqual(seen, { "accept": "application/json", "x-a": "1" });
 * const keyless = plainHeadersFetch((_input, init) => (seen = init?.headers, Promise.resolve(new Response("ok"))), { dropAuthorization: true });
 * await keyless("http://127.0.0.1:1/v1/models", { headers: new Headers([["Authorization", "Bearer unused"]]) });
 * assert.deepEqual(seen, {});
 * ```
 */
export function plainHeadersFetch(inner: typeof fetch, o: { dropAuthorization?: boolean } = {}): typeof fetch {
  return (input, init) => {
    if (init?.headers instanceof Headers) {
      // forEach, not iteration: Deno's Headers iterator re-sorts the whole list at every step.
      const headers: Record<string, string> = {};
      init.headers.forEach((value, name) => (headers[name] = value));
      if (o.dropAuthorization) delete headers.authorization;
      init = { ...init, headers };
    } else if (o.dropAuthorization && init?.headers) {
      const headers = new Headers(init.headers);
      headers.delete("authorization");
      init = { ...init, headers };
    }
    return inner(input, init);
  };
}

/**
 * A base URL without credentials or query, safe to record in a manifest or a log.
 *
 * @param url A base URL.
 * @returns Its scheme, host, port and path.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { safeHost } from "./client.ts";
 * assert(safeHost("https://user:secret@api.example.com/v1?key=x") === "https://api.example.com/v1");
 * ```
 */
export function safeHost(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/$/, "")}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * A chat client over `npm:openai` that spreads requests across replicas (least
 * in flight first), lets the SDK retry HTTP failures (with its backoff and `Retry-After`),
 * retries what the SDK does not (a reply whose body is not a completion), and turns a
 * rejected key or an unknown model into an {@linkcode EndpointError} and a permanent
 * refusal (4xx other than 408/429) into a {@linkcode FatalRequestError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ChatClient } from "./client.ts";
 * const client = new ChatClient({ baseUrls: ["http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"] });
 * assert(client.hosts.length === 2);
 * ```
 */
export class ChatClient {
  readonly hosts: string[];
  #clients: OpenAI[];
  #timeoutMs: number;
  #inFlight: number[];
  #retry: RetryOptions;
  #checked = false;
  #key: { keyVar: string; key: "set" | "unset" | "empty"; secret?: string };
  #notice?: (line: string) => void;
  #stallMs: number;
  /** Failed attempts so far (each retried or finally given up), for progress displays. */
  failures = 0;

  constructor(options: EndpointOptions) {
    if (!options.baseUrls.length) throw new BsaError("no base URL given");
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(timeout >= 1 && timeout <= MAX_TIMEOUT_MS)) {
      throw new BsaError(`timeout must be between 1 ms and ${MAX_TIMEOUT_MS} ms (about 24.8 days), got ${timeout}`);
    }
    this.hosts = options.baseUrls.map(safeHost);
    // The key is kept only to take it out of every error text (redactSecrets).
    this.#key = { ...keyState(options.apiKey, options.apiKeyEnv), secret: options.apiKey };
    this.#notice = options.notice;
    this.#stallMs = options.stallMs ?? 60_000;
    // Every attempt the SDK makes passes here: count the failed ones for progress displays.
    const counted = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      try {
        const res = await fetch(input, init);
        if (res.status === 408 || res.status === 409 || res.status === 429 || res.status >= 500) this.failures++;
        return res;
      } catch (err) {
        this.failures++;
        throw err;
      }
    };
    this.#clients = options.baseUrls.map((baseURL) =>
      openaiClient(baseURL, {
        apiKey: options.apiKey,
        timeoutMs: timeout,
        maxRetries: options.retry?.retries ?? 6,
        fetch: counted,
      })
    );
    this.#timeoutMs = timeout;
    this.#inFlight = this.#clients.map(() => 0);
    this.#retry = options.retry ?? {};
  }

  /**
   * Check every replica before anything is written: unreachable, or a key the server refuses on
   * `GET /models`, is an error. A server without a `/models` route is accepted. No completion is
   * sent here: the first real request is the check of the model name (and of a key a server
   * wants only for completions), so a run's first generation goes out one `/models` reply after
   * the start, not a model round trip later; a refusal of it stops the run as an
   * {@linkcode EndpointError}. The request is bounded by the per-request timeout, and a
   * `notice` (see {@linkcode EndpointOptions}) says when it has not answered for a minute.
   * Checked once per client.
   *
   * @param _model The model the run will ask (checked by its first request).
   */
  async preflight(_model?: string): Promise<void> {
    if (this.#checked) return;
    const stall = this.#notice
      ? stallWatch(
        `preflight (GET /models of ${this.hosts.join(", ")})`,
        this.#notice,
        this.#stallMs,
        "no reply",
      )
      : null;
    try {
      await Promise.all(this.#clients.map(async (c, i) => {
        try {
          await c.models.list({ maxRetries: 1 });
        } catch (err) {
          if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
            throw new ApiKeyError(this.hosts[i], err.status, this.#key.keyVar, this.#key.key);
          }
          if (err instanceof OpenAI.APIConnectionTimeoutError) {
            throw new EndpointError(
              `${this.hosts[i]} did not answer GET /models within the per-request timeout ` +
                `(${this.#timeoutMs / 1000} s, tried twice): the request timed out`,
            );
          }
          if (err instanceof OpenAI.APIConnectionError) {
            throw new EndpointError(`${this.hosts[i]} is unreachable: ${this.#redact(_cause(err))}`);
          }
          // 404 or other: the route may simply not exist on this server.
        }
      }));
    } finally {
      stall?.stop();
    }
    this.#checked = true;
  }

  #redact(text: string): string {
    return redactSecrets(text, [this.#key.secret]);
  }

  /** Send one chat completion request with retries; see the class description. */
  async complete(body: Record<string, unknown>): Promise<Completion> {
    return await withRetry(async () => {
      const i = this.#pick();
      this.#inFlight[i]++;
      try {
        // The SDK sends, retries and turns HTTP failures into its errors; the reply's body is
        // read here (asResponse): the SDK's own parse kept every parsed reply reachable across
        // young-generation collections, so each one was promoted to the old generation and
        // stayed there until a full collection (most of a run's peak memory, bench/RESULTS.md).
        const res = await this.#clients[i].chat.completions.create(
          { ...body, stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
        ).asResponse();
        return completionFrom(await readReply(res, this.#timeoutMs), this.hosts[i]);
      } catch (err) {
        // HTTP failures were counted (and retried) by the SDK already.
        if (!(err instanceof OpenAI.APIError)) this.failures++;
        throw _redacted(_classify(err, this.hosts[i], this.#key), this.#key.secret);
      } finally {
        this.#inFlight[i]--;
      }
    }, { ...this.#retry, retryable: (err) => !(err instanceof OpenAI.APIError) && !(err instanceof BsaError) });
  }

  #pick(): number {
    let best = 0;
    for (let i = 1; i < this.#inFlight.length; i++) if (this.#inFlight[i] < this.#inFlight[best]) best = i;
    return best;
  }
}

/**
 * The parts of a chat completion body the pipeline keeps: the one reading of a reply, for
 * direct calls and for batch result lines alike.
 *
 * @param res A chat completion body.
 * @param source Where it came from (for the error).
 * @returns The message, finish reason and usage.
 * @throws {Error} The body has no choice with a message (a reply that is not a completion; retried by the caller).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { completionFrom } from "./client.ts";
 * const c = completionFrom({ choices: [{ message: { content: "hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 1 } }, "h");
 * assert(c.message.content === "hi" && c.promptTokens === 3);
 * ```
 */
export function completionFrom(res: unknown, source: string): Completion {
  const r = res as {
    choices?: { message?: Completion["message"]; finish_reason?: string | null }[];
    usage?: { prompt_tokens?: number; completion_tokens?: number };
  } | null;
  const choice = r?.choices?.[0];
  if (!choice?.message) throw new Error(`malformed completion from ${source}: no choices[0].message`);
  return {
    message: choice.message,
    finishReason: choice.finish_reason ?? null,
    choices: r!.choices!.filter((c) => c?.message).map((c) => ({
      message: c.message!,
      finishReason: c.finish_reason ?? null,
    })),
    promptTokens: r!.usage?.prompt_tokens ?? 0,
    completionTokens: r!.usage?.completion_tokens ?? 0,
  };
}

/**
 * The body of a 2xx reply as the openai SDK reads it: JSON when its content type says so
 * (`undefined` when empty), else its text (which {@linkcode completionFrom} then refuses). The
 * body must arrive within `timeoutMs`, else "Request timed out." is thrown (not an SDK error, so
 * the caller's retry asks again, as the SDK's own retry would). A body that breaks off or is not
 * valid JSON throws the runtime's error, as it did through the SDK.
 *
 * @param res A 2xx reply (as the SDK's `asResponse()` gives it).
 * @param timeoutMs How long the body may take.
 * @returns The parsed JSON, `undefined` for an empty JSON body, or the text of a non-JSON body.
 * @throws {Error} "Request timed out.", a body that breaks off, or JSON that does not parse.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readReply } from "./client.ts";
 * const json = new Response('{"choices":[]}', { headers: { "content-type": "application/json; charset=utf-8" } });
 * assert.deepEqual(await readReply(json, 1000), { choices: [] });
 * assert(await readReply(new Response("Bad gateway"), 1000) === "Bad gateway");
 * const stalled = new Response(new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("{")); } }), {
 *   headers: { "content-type": "application/json" },
 * });
 * await assert.rejects(readReply(stalled, 20), /Request timed out/);
 * ```
 */
export async function readReply(res: Response, timeoutMs: number): Promise<unknown> {
  if (res.status === 204) return undefined;
  const type = res.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("Request timed out.")), timeoutMs);
  });
  let text: string;
  try {
    text = await Promise.race([res.text(), deadline]);
  } finally {
    clearTimeout(timer);
  }
  if (!(type?.includes("application/json") || type?.endsWith("+json"))) return text;
  return text ? JSON.parse(text) : undefined;
}

/**
 * Whether an HTTP status is a refusal that asking again will not change: any 4xx but 408
 * (timeout) and 429 (rate limit). Direct calls and batch result lines share this rule.
 *
 * @param status An HTTP status.
 * @returns True for a refusal for good.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isPermanentStatus } from "./client.ts";
 * assert(isPermanentStatus(400) && !isPermanentStatus(429) && !isPermanentStatus(500));
 * ```
 */
export function isPermanentStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function _cause(err: unknown): string {
  const c = (err as { cause?: { message?: string } }).cause;
  return c?.message ?? (err as Error).message;
}

// The error with every secret out of its message (and its cause's): what is stored and printed.
function _redacted(err: unknown, secret: string | undefined): unknown {
  if (!(err instanceof Error)) return err;
  try {
    err.message = redactSecrets(err.message, [secret]);
    const cause = (err as { cause?: unknown }).cause;
    if (cause instanceof Error) cause.message = redactSecrets(cause.message, [secret]);
  } catch {
    // A frozen error: left as it is (none of the SDK's or the runtime's are).
  }
  return err;
}

function _classify(err: unknown, host: string, key: ReturnType<typeof keyState>): unknown {
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new ApiKeyError(host, err.status, key.keyVar, key.key);
  }
  if (err instanceof OpenAI.NotFoundError) {
    // The SDK's message starts with the status already ("404 The model ... does not exist").
    const said = err.message.replace(/^404\s*/, "");
    return new EndpointError(`${host}: HTTP 404 ${said} (is the model name right, and the base URL?)`);
  }
  // Any other 4xx but 408 (timeout) and 429 (rate limit) is a refusal that asking again
  // will not change: a bad request, a content filter, a context length exceeded.
  if (err instanceof OpenAI.APIError && typeof err.status === "number" && isPermanentStatus(err.status)) {
    const code = typeof err.code === "string" ? ` (${err.code})` : "";
    const said = err.message.replace(new RegExp(`^${err.status}\\s*`), "");
    return new FatalRequestError(`${host}: HTTP ${err.status} ${said}${code}`);
  }
  return err;
}

/**
 * Whether a key is sent, and from which variable: what an {@linkcode ApiKeyError} says when a
 * server refuses the request. No key is fine for local servers (vLLM, Ollama): the request goes
 * out with no `Authorization` header, and only a refusal brings this up.
 *
 * @param apiKey The key read from the environment, if any.
 * @param apiKeyEnv The variable named (default `OPENAI_API_KEY`).
 * @returns The variable's name and whether a key was set, unset or empty.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keyState } from "./client.ts";
 * assert.deepEqual(keyState(undefined), { keyVar: "OPENAI_API_KEY", key: "unset" });
 * assert.deepEqual(keyState("", "MY_KEY"), { keyVar: "MY_KEY", key: "empty" });
 * ```
 */
export function keyState(
  apiKey: string | undefined,
  apiKeyEnv?: string,
): { keyVar: string; key: "set" | "unset" | "empty" } {
  return { keyVar: apiKeyEnv ?? "OPENAI_API_KEY", key: apiKey === undefined ? "unset" : apiKey ? "set" : "empty" };
}

/**
 * The API key of a client config, from the environment variable it names (default
 * `OPENAI_API_KEY`); a named variable that is not set is an error. Keys come from here only.
 *
 * @param config The client config (`apiKeyEnv`: the variable's name).
 * @returns The key, or undefined when the default variable is not set (a local server needs none).
 * @throws {BsaError} A variable named by `apiKeyEnv` is not set.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { apiKeyFor } from "./client.ts";
 * assert.throws(() => apiKeyFor({ baseUrls: [], apiKeyEnv: "NOT_SET_ANYWHERE" }), /NOT_SET_ANYWHERE is not set/);
 * ```
 */
export function apiKeyFor(config: ClientConfig): string | undefined {
  const keyVar = config.apiKeyEnv ?? "OPENAI_API_KEY";
  const apiKey = Deno.env.get(keyVar);
  if (config.apiKeyEnv !== undefined && apiKey === undefined) {
    throw new BsaError(`the API key variable ${keyVar} is not set`);
  }
  return apiKey;
}

/** How to build a client: what a command line or a study file says. */
export interface ClientConfig {
  baseUrls: string[];
  /** The environment variable holding the API key (default `OPENAI_API_KEY`); named ones must be set. */
  apiKeyEnv?: string;
  /** Per-request timeout in seconds (default 1800). */
  timeoutSeconds?: number;
  /** Attempts after the first (default 6). */
  retries?: number;
  /** First wait (ms) before retrying a reply that was not a completion (default 500). */
  backoffMs?: number;
  /** Where the preflight's stall notice goes (see {@linkcode EndpointOptions}). */
  notice?: (line: string) => void;
}

/**
 * The one way to build a {@linkcode ChatClient} (commands and studies alike): reads the
 * API key from the environment variable named (never from anywhere else), refuses a
 * named variable that is not set, and bounds the timeout to what the runtime accepts.
 *
 * @param config Base URLs, model, key variable, timeout, retries, backoff.
 * @returns The chat client.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createClient } from "./client.ts";
 * assert(createClient({ baseUrls: ["http://127.0.0.1:8000/v1"] }).hosts[0] === "http://127.0.0.1:8000/v1");
 * assert.throws(() => createClient({ baseUrls: ["http://h/v1"], apiKeyEnv: "NOT_SET_ANYWHERE" }), /NOT_SET_ANYWHERE is not set/);
 * assert.throws(() => createClient({ baseUrls: ["http://h/v1"], timeoutSeconds: 3e6 }), /timeout must be/);
 * ```
 */
export function createClient(config: ClientConfig): ChatClient {
  const apiKey = apiKeyFor(config);
  return new ChatClient({
    baseUrls: config.baseUrls,
    apiKey,
    apiKeyEnv: config.apiKeyEnv,
    timeoutMs: config.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000,
    retry: { retries: config.retries ?? 6, baseDelayMs: config.backoffMs ?? 500 },
    notice: config.notice,
  });
}
