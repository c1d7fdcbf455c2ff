import { UsageError } from "../errors.ts";
import { ChatClient } from "../pipeline/client.ts";
import { listFlag, numberFlag } from "./_flags.ts";

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
 * Build a client from `--<prefix>base-url` (repeatable or comma-separated, for replicas) and the key
 * in `OPENAI_API_KEY` or the variable `--api-key-env` names. The key is read here and nowhere else.
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
  const keyVar = (values["api-key-env"] as string | undefined) ?? "OPENAI_API_KEY";
  if (values["api-key-env"] !== undefined && Deno.env.get(keyVar) === undefined) {
    throw new UsageError(`bsa ${command}: --api-key-env names ${keyVar}, which is not set`);
  }
  const timeout = numberFlag(command, values, "timeout", { min: 1, default: 600 })!;
  const retries = numberFlag(command, values, "retries", { integer: true, min: 0, default: 6 })!;
  const baseDelayMs = numberFlag(command, values, "backoff", { min: 0, default: 500 })!;
  try {
    return new ChatClient({
      baseUrls: urls,
      apiKey: Deno.env.get(keyVar),
      timeoutMs: timeout * 1000,
      retry: { retries, baseDelayMs },
    });
  } catch (err) {
    throw new UsageError(`bsa ${command}: --${prefix}base-url: ${(err as Error).message}`);
  }
}
