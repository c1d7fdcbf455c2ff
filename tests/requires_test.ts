import { assert, assertEquals } from "./helpers/assert.ts";
import { ROOT, tempDir } from "./helpers/paths.ts";
import { runDenoOnly } from "./helpers/requires.ts";

/** Two test files gated on Jupyter and Chromium, run by `deno test` on a Deno-only machine. */
async function gatedRun(ci: boolean) {
  await using dir = await tempDir();
  const helper = new URL("helpers/requires.ts", `file://${ROOT}tests/`).href;
  for (const f of ["a", "b"]) {
    await Deno.writeTextFile(
      `${dir.path}/${f}_test.ts`,
      `import { chromiumPath, requires } from "${helper}";\n` +
        `Deno.test({ name: "${f} browser", ...requires("chromium"), fn: () => { chromiumPath(); } });\n` +
        `Deno.test({ name: "${f} notebooks", ...requires("jupyter"), fn: () => {} });\n` +
        `Deno.test("${f} plain", () => {});\n`,
    );
  }
  const r = await runDenoOnly(
    ["test", "--allow-all", "--no-check", `--config=${ROOT}deno.json`, dir.path],
    dir.path,
    { NO_COLOR: "1", ...(ci ? { CI: "true" } : {}) },
  );
  return { code: r.code, out: r.stdout + r.stderr };
}

Deno.test("without Jupyter or Chromium, gated tests are reported as ignored, never passed, with each reason said once", async () => {
  const r = await gatedRun(false);
  assertEquals(r.code, 0, r.out);
  assert(r.out.includes("ok | 2 passed | 0 failed | 4 ignored"), r.out);
  for (const name of ["a browser", "a notebooks", "b browser", "b notebooks"]) {
    assert(r.out.includes(`${name} ... ignored`), r.out);
  }
  assertEquals(r.out.split("ignored: the tests that need chromium, because").length - 1, 1, r.out);
  assertEquals(r.out.split("ignored: the tests that need jupyter, because").length - 1, 1, r.out);
  assert(r.out.includes("jupyter nbconvert is not installed") && r.out.includes("deno jupyter --install"), r.out);
  assert(r.out.includes("no chromium on PATH, BSA_CHROMIUM unset"), r.out);
});

Deno.test("under CI=true the gated tests are required: they run, and one whose tool is missing fails", async () => {
  const r = await gatedRun(true);
  assert(r.code !== 0, r.out);
  assert(!r.out.includes("ignored"), r.out);
  assert(r.out.includes("FAILED | 4 passed | 2 failed"), r.out);
  assert(r.out.includes("no Chromium: set BSA_CHROMIUM"), r.out);
});
