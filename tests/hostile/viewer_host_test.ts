/**
 * The viewer's answer to a Host header no browser would send: a 400 (malformed) or a 403 (a
 * name not ours), never a 500, and nothing printed in the user's terminal (no stack trace).
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";
import { writeViewerRun } from "../helpers/viewer_runs.ts";
import { loadDataset } from "../../lib/dataset/load.ts";
import { RunViewer } from "../../lib/viewer/store.ts";
import { serveViewer } from "../../lib/viewer/server.ts";
import { rows } from "../../lib/table.ts";

const dataset = await loadDataset({ path: DATASET_CSV });
const QUESTIONS = rows<{ id: string; scenario: string }>(dataset.questions.select("id", "scenario")).slice(0, 2);

async function _raw(port: number, host: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode(`GET /api/meta HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`));
  return new TextDecoder().decode(await new Response(conn.readable).bytes());
}

Deno.test("viewer: a malformed Host header (port 99999, empty, junk) is a 400 with no stack trace; a foreign name a 403", async () => {
  await using dir = await tempDir();
  await writeViewerRun(`${dir.path}/a`, {
    model: "m",
    k: 1,
    questions: QUESTIONS,
    sample: () => ({ answer: "No.", reasoning: "r", verdicts: { answer: "Safe", reasoning: "True" } }),
  });
  const printed: unknown[][] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void printed.push(args);
  const server = await serveViewer(await RunViewer.open([`${dir.path}/a`], dataset));
  try {
    for (const host of ["127.0.0.1:99999", "127.0.0.1:0", "127.0.0.1:abc", "", "a b", "127.0.0.1:1:2"]) {
      const reply = await _raw(server.port, host);
      assert(reply.startsWith("HTTP/1.1 400"), `${host}: ${reply.slice(0, 80)}`);
      assert(!/\bat \S+:\d+:\d+/.test(reply), reply);
    }
    assert((await _raw(server.port, "evil.example")).startsWith("HTTP/1.1 403"));
    assert((await _raw(server.port, `127.0.0.1:${server.port}`)).startsWith("HTTP/1.1 200"));
  } finally {
    await server.shutdown();
    console.error = original;
  }
  assertEquals(printed, [], "nothing printed: no stack trace in the terminal");
});
