/**
 * The OpenAI Files and Batches API through `npm:openai` (`files`, `batches`): upload a
 * request file, create a batch, poll it, download its output and error files (whose bytes the
 * caller hands to the store to keep). The SDK retries 429s and 5xx with backoff and
 * `Retry-After`.
 * @module
 */
import OpenAI, { toFile } from "openai";
import { ApiKeyError, BsaError } from "../../errors.ts";
import { redactSecrets } from "../../redact.ts";
import {
  apiKeyFor,
  type ClientConfig,
  EndpointError,
  isPermanentStatus,
  keyState,
  openaiClient,
  safeHost,
} from "../client.ts";
import { BATCH_URL } from "./requests.ts";

/** Where the Batch API is. */
export interface BatchApiOptions {
  baseUrl: string;
  /** The API key (from the environment; never written anywhere). */
  apiKey?: string;
  /** The variable the key was read from, named when the service refuses (default `OPENAI_API_KEY`). */
  apiKeyEnv?: string;
  /** Per HTTP call, ms (default 600 000: uploads can be large). */
  timeoutMs?: number;
  /** SDK retries of one call (429, 5xx, connection errors; default 8). */
  maxRetries?: number;
}

/** What the pipeline keeps of a batch object. */
export interface BatchInfo {
  id: string;
  status: string;
  input_file_id: string;
  output_file_id: string | null;
  error_file_id: string | null;
  counts: { total: number; completed: number; failed: number };
  /** Why a batch failed (validation errors), when it says. */
  errors: string[];
}

/** Statuses after which a batch does not change. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(["completed", "failed", "expired", "cancelled"]);

/**
 * A client of the Files and Batches endpoints of one OpenAI-compatible service.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BatchApi } from "./api.ts";
 * assert(new BatchApi({ baseUrl: "http://127.0.0.1:1/v1" }).host === "http://127.0.0.1:1/v1");
 * ```
 */
export class BatchApi {
  readonly host: string;
  #client: OpenAI;
  #key: ReturnType<typeof keyState>;
  #secret: string | undefined;

  constructor(o: BatchApiOptions) {
    this.#key = keyState(o.apiKey, o.apiKeyEnv);
    this.#secret = o.apiKey;
    this.#client = openaiClient(o.baseUrl, {
      apiKey: o.apiKey,
      timeoutMs: o.timeoutMs ?? 600_000,
      maxRetries: o.maxRetries ?? 8,
    });
    this.host = safeHost(o.baseUrl);
  }

  /**
   * Upload a request file (purpose `batch`); returns its file id. The file is given by its
   * name and bytes (a run's request file, as the store reads it), or by a path to read.
   */
  async upload(file: string | { name: string; bytes: Uint8Array }): Promise<string> {
    const { name, bytes } = typeof file === "string"
      ? { name: file.slice(file.lastIndexOf("/") + 1), bytes: await Deno.readFile(file) }
      : file;
    return await this.#call(`upload ${name}`, async () => {
      const f = await this.#client.files.create({ file: await toFile(bytes, name), purpose: "batch" });
      return f.id;
    });
  }

  /** Create a batch of chat completions from an uploaded file. */
  async create(inputFileId: string, metadata: Record<string, string>): Promise<BatchInfo> {
    return await this.#call(`create a batch of ${inputFileId}`, async () =>
      _info(
        await this.#client.batches.create({
          input_file_id: inputFileId,
          endpoint: BATCH_URL,
          completion_window: "24h",
          metadata,
        }),
      ));
  }

  /** The current state of a batch. */
  async retrieve(id: string): Promise<BatchInfo> {
    return await this.#call(`poll batch ${id}`, async () => _info(await this.#client.batches.retrieve(id)));
  }

  /**
   * The batch created from an input file, if any: finds a batch whose creation was sent but
   * whose id was never stored (the command was killed in between), so it is not sent twice.
   */
  async findByInputFile(inputFileId: string): Promise<BatchInfo | null> {
    return await this.#call(`list batches`, async () => {
      for await (const b of this.#client.batches.list({ limit: 100 })) {
        if (b.input_file_id === inputFileId) return _info(b);
      }
      return null;
    });
  }

  /** Download a file's content (a finished batch's output or error file; the caller keeps it). */
  async content(fileId: string): Promise<Uint8Array> {
    return await this.#call(`download ${fileId}`, async () => {
      const res = await this.#client.files.content(fileId);
      return new Uint8Array(await res.arrayBuffer());
    });
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof OpenAI.AuthenticationError || err instanceof OpenAI.PermissionDeniedError) {
        throw new ApiKeyError(this.host, err.status, this.#key.keyVar, this.#key.key);
      }
      // A refusal stops the command; anything else (the SDK's retries ran out on 429s, 5xx or
      // a dropped connection) may pass: the batch ids are stored, so polling can go on.
      const message = redactSecrets(`${this.host}: cannot ${what}: ${(err as Error).message}`, [this.#secret]);
      if (err instanceof OpenAI.APIError && typeof err.status === "number" && isPermanentStatus(err.status)) {
        throw new EndpointError(message);
      }
      throw new BsaError(message, { cause: err });
    }
  }
}

function _info(b: OpenAI.Batch): BatchInfo {
  return {
    id: b.id,
    status: b.status,
    input_file_id: b.input_file_id,
    output_file_id: b.output_file_id ?? null,
    error_file_id: b.error_file_id ?? null,
    counts: {
      total: b.request_counts?.total ?? 0,
      completed: b.request_counts?.completed ?? 0,
      failed: b.request_counts?.failed ?? 0,
    },
    errors: (b.errors?.data ?? []).map((e) => `${e.line ? `line ${e.line}: ` : ""}${e.message ?? e.code ?? ""}`),
  };
}

/**
 * The Batch API client of a client config (its one base URL, the key read by `apiKeyFor`,
 * the timeout, and the retries given to the SDK) — the batch counterpart of `createClient`.
 *
 * @param config The endpoint (one base URL), key variable, timeout and retries.
 * @returns The Files + Batches API client.
 * @throws {BsaError} The key variable named is not set, or the config has several base URLs.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createBatchApi } from "./api.ts";
 * assert(createBatchApi({ baseUrls: ["http://127.0.0.1:8000/v1"] }).host === "http://127.0.0.1:8000/v1");
 * assert.throws(() => createBatchApi({ baseUrls: ["http://a/v1", "http://b/v1"] }), /one base URL/);
 * ```
 */
export function createBatchApi(config: ClientConfig): BatchApi {
  if (config.baseUrls.length !== 1) throw new BsaError("the Batch API takes one base URL");
  return new BatchApi({
    baseUrl: config.baseUrls[0],
    apiKey: apiKeyFor(config),
    apiKeyEnv: config.apiKeyEnv,
    timeoutMs: config.timeoutSeconds === undefined ? undefined : config.timeoutSeconds * 1000,
    maxRetries: config.retries === undefined ? undefined : Math.max(config.retries, 8),
  });
}
