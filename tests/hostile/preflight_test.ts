/**
 * The preflight is never silent: a hung `/models` gets the stall notice generation has, and
 * ends within the per-request timeout.
 */
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { startFakeOpenAI } from "../helpers/fake_openai.ts";
import { ChatClient } from "../../lib/pipeline/client.ts";
import { EndpointError } from "../../lib/errors.ts";

Deno.test("preflight: a hung GET /models gets the stall notice, and an error when the timeout ends it", async () => {
  await using server = startFakeOpenAI({ hangModels: true });
  const lines: string[] = [];
  const client = new ChatClient({
    baseUrls: [server.url],
    timeoutMs: 400,
    notice: (l) => lines.push(l),
    stallMs: 60,
  });
  const err = await assertRejects(() => client.preflight("m"), EndpointError);
  assert(err.message.includes("did not answer GET /models within the per-request timeout (0.4 s"), err.message);
  assert(lines.length >= 2, `one notice per quiet period: ${lines}`);
  assert(lines[0].startsWith(`preflight (GET /models of ${server.url}): no reply for`), lines[0]);
  const before = lines.length;
  await new Promise((r) => setTimeout(r, 150));
  assertEquals(lines.length, before, "the notice stops with the preflight");
  assertEquals(server.stats.chat + server.stats.pings, 0, "no completion is sent by the preflight");
});
