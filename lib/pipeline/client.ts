import OpenAI from "openai";
import { BsaError } from "../errors.ts";
import { FatalRequestError, type RetryOptions, withRetry } from "./retry.ts";

/** Where and how to reach one OpenAI-compatible service (possibly several replicas). */
export interface EndpointOptions {
  /** One or more base URLs (e.g. `http://localhost:8000/v1`); requests are spread over them. */
  baseUrls: string[];
  /** The API key (from the environment; never written anywhere). Local servers accept any. */
  apiKey?: string;
  /** Per-request timeout in ms (default 600 000). */
  timeoutMs?: number;
  retry?: RetryOptions;
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

/**
 * The run cannot go on (key rejected, model unknown): abort everything, write nothing more.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EndpointError } from "./client.ts";
 * assert(new EndpointError("key rejected").exitCode === 1);
 * ```
 */
export class EndpointError extends BsaError {}

/**
 * A base URL without credentials or query, safe to record in a manifest or a log.
 *
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
 * in flight first), retries with backoff and `Retry-After`, and turns a rejected
 * key or an unknown model into an {@linkcode EndpointError}.
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
  #inFlight: number[];
  #retry: RetryOptions;
  /** Failed attempts so far (each retried or finally given up). */
  failures = 0;

  constructor(options: EndpointOptions) {
    if (!options.baseUrls.length) throw new BsaError("no base URL given");
    for (const u of options.baseUrls) {
      if (!/^https?:\/\//.test(u)) {
        throw new BsaError(`base URL must start with http:// or https://, got ${JSON.stringify(u)}`);
      }
    }
    this.hosts = options.baseUrls.map(safeHost);
    this.#clients = options.baseUrls.map((baseURL) =>
      new OpenAI({
        baseURL,
        apiKey: options.apiKey || "EMPTY",
        timeout: options.timeoutMs ?? 600_000,
        // Retries are ours: backoff with jitter, Retry-After, and accounting.
        maxRetries: 0,
      })
    );
    this.#inFlight = this.#clients.map(() => 0);
    this.#retry = options.retry ?? {};
  }

  /**
   * Check every replica before anything is written: unreachable or a rejected key is an
   * error. A server without a `/models` route is accepted.
   */
  async preflight(): Promise<void> {
    await Promise.all(this.#clients.map(async (c, i) => {
      try {
        await c.models.list();
      } catch (err) {
        if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
          throw new EndpointError(`${this.hosts[i]} rejected the API key (HTTP ${err.status})`);
        }
        if (err instanceof OpenAI.APIConnectionError) {
          throw new EndpointError(`${this.hosts[i]} is unreachable: ${_cause(err)}`);
        }
        // 404 or other: the route may simply not exist on this server.
      }
    }));
  }

  /** Send one chat completion request with retries; see the class description. */
  async complete(body: Record<string, unknown>, onRetry?: RetryOptions["onRetry"]): Promise<Completion> {
    return await withRetry(async () => {
      const i = this.#pick();
      this.#inFlight[i]++;
      try {
        const res = await this.#clients[i].chat.completions.create(
          { ...body, stream: false } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
        );
        const choice = res?.choices?.[0];
        if (!choice?.message) throw new Error(`malformed completion from ${this.hosts[i]}: no choices[0].message`);
        return {
          message: choice.message as Completion["message"],
          finishReason: choice.finish_reason ?? null,
          choices: res.choices.filter((c) => c?.message).map((c) => ({
            message: c.message as Completion["message"],
            finishReason: c.finish_reason ?? null,
          })),
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
        };
      } catch (err) {
        this.failures++;
        throw _classify(err, this.hosts[i]);
      } finally {
        this.#inFlight[i]--;
      }
    }, { ...this.#retry, onRetry: onRetry ?? this.#retry.onRetry });
  }

  #pick(): number {
    let best = 0;
    for (let i = 1; i < this.#inFlight.length; i++) if (this.#inFlight[i] < this.#inFlight[best]) best = i;
    return best;
  }
}

function _cause(err: unknown): string {
  const c = (err as { cause?: { message?: string } }).cause;
  return c?.message ?? (err as Error).message;
}

function _classify(err: unknown, host: string): unknown {
  if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
    return new EndpointError(`${host} rejected the API key (HTTP ${err.status})`);
  }
  if (err instanceof OpenAI.NotFoundError) {
    return new EndpointError(`${host}: HTTP 404 ${err.message} (is the model name right?)`);
  }
  // Any other 4xx but 408 (timeout) and 429 (rate limit) is a refusal that asking again
  // will not change: a bad request, a content filter, a context length exceeded.
  if (err instanceof OpenAI.APIError && typeof err.status === "number" && err.status >= 400 && err.status < 500) {
    if (err.status !== 408 && err.status !== 429) {
      const code = typeof err.code === "string" ? ` (${err.code})` : "";
      return new FatalRequestError(`${host}: HTTP ${err.message}${code}`);
    }
  }
  return err;
}
