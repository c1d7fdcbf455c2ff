import { UsageError } from "../errors.ts";
import { type BatchApi, createBatchApi } from "../pipeline/batch/api.ts";
import { type ChatClient, createClient, DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from "../pipeline/client.ts";
import { LIMITS, listFlag, numberFlag } from "./_flags.ts";

/**
 * Flags shared by commands that talk to an endpoint.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENDPOINT_FLAGS } from "./_endpoint.ts";
 * assert("api-key-env" in ENDPOINT_FLAGS);
 * ```
 */
export const ENDPOINT_FLAGS = {
  "api-key-env": { type: "string" },
  "timeout": { type: "string" },
  "retries": { type: "string" },
  "backoff": { type: "string" },
} as const;

/**
 * The help lines of {@linkcode ENDPOINT_FLAGS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENDPOINT_HELP } from "./_endpoint.ts";
 * assert(ENDPOINT_HELP.includes("--timeout SECONDS"));
 * ```
 */
export const ENDPOINT_HELP = `  --timeout SECONDS     per request, the preflight's GET /models included (1 to ${
  Math.floor(MAX_TIMEOUT_MS / 1000)
}, default ${DEFAULT_TIMEOUT_MS / 1000}, for long reasoning
                        replies; a notice comes when nothing has answered for a minute);
                        --retries N (0 to ${LIMITS.retries}, default 6): HTTP failures (429 with Retry-After,
                        5xx, timeouts) are retried by the SDK
  --backoff MS          first wait before retrying a reply that was not a completion (0 to ${LIMITS.backoffMs},
                        default 500)
  --quiet               no progress display (the stall notice and the summary still print)
  A key is read from OPENAI_API_KEY (or --api-key-env NAME) only; with none, no Authorization
  header is sent. A base URL with credentials (user:pass@) or a query (?key=...) is refused.`;

/**
 * Build a client from `--<prefix>base-url` (repeatable or comma-separated, for replicas) and the key
 * in `OPENAI_API_KEY` or the variable `--api-key-env` names, through the one client factory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientFromFlags } from "./_endpoint.ts";
 * const c = clientFromFlags("run", { "base-url": ["http://127.0.0.1:8000/v1,http://127.0.0.1:8001/v1"] });
 * assert(c.hosts.length === 2);
 * ```
 */
export function clientFromFlags(command: string, values: Record<string, unknown>, prefix = ""): ChatClient {
  const urls = listFlag(values, `${prefix}base-url`);
  if (!urls.length) throw new UsageError(`bsa ${command}: --${prefix}base-url is required`);
  const keyVar = values["api-key-env"] as string | undefined;
  if (keyVar !== undefined && Deno.env.get(keyVar) === undefined) {
    throw new UsageError(`bsa ${command}: --api-key-env names ${keyVar}, which is not set`);
  }
  const config = endpointConfig(command, values);
  try {
    // The preflight's stall notice goes to stderr, as generation's does (even with --quiet).
    return createClient({ baseUrls: urls, apiKeyEnv: keyVar, ...config, notice: (l) => console.error(l) });
  } catch (err) {
    throw new UsageError(`bsa ${command}: --${prefix}base-url: ${(err as Error).message}`);
  }
}

/**
 * `--timeout`, `--retries` and `--backoff`, checked (a timeout beyond what timers accept is refused).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { endpointConfig } from "./_endpoint.ts";
 * assert(endpointConfig("run", { timeout: "60" }).timeoutSeconds === 60);
 * assert.throws(() => endpointConfig("run", { timeout: "3000000" }), /--timeout must be a number from 1 to 2147483/);
 * ```
 */
export function endpointConfig(
  command: string,
  values: Record<string, unknown>,
): { timeoutSeconds: number; retries: number; backoffMs: number } {
  return {
    timeoutSeconds: numberFlag(command, values, "timeout", {
      min: 1,
      max: Math.floor(MAX_TIMEOUT_MS / 1000),
      default: DEFAULT_TIMEOUT_MS / 1000,
    })!,
    retries: numberFlag(command, values, "retries", { integer: true, min: 0, max: LIMITS.retries, default: 6 })!,
    backoffMs: numberFlag(command, values, "backoff", { integer: true, min: 0, max: LIMITS.backoffMs, default: 500 })!,
  };
}

/**
 * The Batch API client of `--<prefix>base-url` (one URL: a batch lives on one service), with
 * the key and limits read as {@linkcode clientFromFlags} reads them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchApiFromFlags } from "./_endpoint.ts";
 * assert(batchApiFromFlags("run", { "base-url": ["http://127.0.0.1:8000/v1"] }).host === "http://127.0.0.1:8000/v1");
 * ```
 */
export function batchApiFromFlags(command: string, values: Record<string, unknown>, prefix = ""): BatchApi {
  const urls = listFlag(values, `${prefix}base-url`);
  if (urls.length !== 1) {
    throw new UsageError(
      `bsa ${command}: --batch takes exactly one --${prefix}base-url (a batch lives on one service)`,
    );
  }
  const keyVar = values["api-key-env"] as string | undefined;
  const { timeoutSeconds, retries } = endpointConfig(command, values);
  try {
    return createBatchApi({ baseUrls: urls, apiKeyEnv: keyVar, timeoutSeconds, retries });
  } catch (err) {
    throw new UsageError(`bsa ${command}: --${prefix}base-url: ${(err as Error).message}`);
  }
}
