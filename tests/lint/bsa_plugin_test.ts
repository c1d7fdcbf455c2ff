import assert from "node:assert/strict";
import plugin from "../../lint/bsa_plugin.ts";

const RULE = "bsa/no-console-in-lib";

/** The rule's reports for `source` as the file `filename`, as the text each one points at. */
function reported(filename: string, source: string): string[] {
  return Deno.lint.runPlugin(plugin, filename, source)
    .filter((d) => d.id === RULE)
    .map((d) => source.slice(d.range[0], d.range[1]));
}

const PRINTS = [
  'console.log("x");',
  'console.error("x");',
  "Deno.stderr.writeSync(new TextEncoder().encode('x'));",
  "await Deno.stdout.write(new Uint8Array(1));",
  "const w = Deno.stdout.writable.getWriter();",
  "const e = Deno.stderr;",
].join("\n");

Deno.test("lint bsa/no-console-in-lib: reports console.* and Deno.stdout / Deno.stderr in library files", () => {
  assert.deepEqual(reported("/repo/lib/metrics/score.ts", PRINTS), [
    "console.log",
    "console.error",
    "Deno.stderr",
    "Deno.stdout",
    "Deno.stdout",
    "Deno.stderr",
  ]);
  assert.equal(reported("/repo/lib/viewer/page/app.js", 'console.warn("x");').length, 1);
});

Deno.test("lint bsa/no-console-in-lib: the CLI, tests and bench may print; other Deno APIs are not reported", () => {
  for (const f of ["/repo/lib/cli.ts", "/repo/lib/cli/run.ts", "/repo/tests/x_test.ts", "/repo/bench/main.ts"]) {
    assert.deepEqual(reported(f, PRINTS), [], f);
  }
  assert.deepEqual(
    reported("/repo/lib/pipeline/x.ts", "Deno.env.get('A'); Deno.stdin; const d = { stderr: 1 }; d.stderr;"),
    [],
  );
});

Deno.test("lint bsa/no-console-in-lib: deno.json loads the plugin, so `deno task check` enforces it", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../../deno.json", import.meta.url)));
  assert.deepEqual(config.lint?.plugins, ["./lint/bsa_plugin.ts"]);
});
