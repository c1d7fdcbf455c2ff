import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";
import type { JsonlAppender } from "../../lib/store/mod.ts";
import { Progress } from "../../lib/pipeline/progress.ts";
import { RunPass } from "../../lib/pipeline/pass.ts";

/** An appender whose writes fail with the errors given, in turn; records what was closed. */
function failingAppender(...errors: Error[]) {
  const state = { closed: false };
  const appender = {
    append: () => Promise.reject(errors.shift() ?? new Error("no more errors")),
    close: () => (state.closed = true, Promise.resolve()),
  } as unknown as JsonlAppender;
  return { appender, state };
}

Deno.test("a pass keeps its first write error, and a failed manifest update does not replace it", async () => {
  const { appender, state } = failingAppender(new Error("disk full"), new Error("bad descriptor"));
  const pass = new RunPass(appender, new Progress("generate m", 2, { write: () => {} }));
  await assertRejects(() => pass.append({ id: "a" }), Error, "disk full");
  await assertRejects(() => pass.append({ id: "b" }), Error, "bad descriptor");
  assertEquals((pass.stopped as Error).message, "disk full");
  await pass.finish(() => Promise.reject(new Error("manifest unwritable")));
  assert(state.closed);
  pass.throwManifestError(); // the write error is the one to report
});

Deno.test("a pass without a write error throws its manifest's error after closing, and shows the client's failures", async () => {
  const { appender, state } = failingAppender();
  const client = { failures: 3 }; // failures before the pass are not its own
  const progress = new Progress("judge m", 1, { write: () => {} });
  const pass = new RunPass(appender, progress, client);
  client.failures = 5;
  pass.syncFailures();
  client.failures = 6;
  pass.syncFailures();
  assertEquals(progress.state.retries, 3); // failed attempts are retries on the display, not failed samples
  assertEquals(progress.state.failures, 0);
  let closedFirst = false;
  await pass.finish(() => {
    closedFirst = state.closed;
    return Promise.reject(new Error("manifest unwritable"));
  });
  assert(closedFirst, "the manifest is updated after the file is closed");
  assertThrows(() => pass.throwManifestError(), Error, "manifest unwritable");
});
