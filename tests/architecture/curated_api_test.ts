/**
 * The public API is curated: every folder's `mod.ts` names what it re-exports (no
 * `export *`), no module exports a name starting with `_` (private by convention), and the
 * notebooks import the curated modules only (`lib/mod.ts` or a folder's `mod.ts`), never a
 * module inside a folder.
 */
import { assertEquals } from "../helpers/assert.ts";
import { ROOT, sourceFiles } from "../helpers/paths.ts";

Deno.test("every mod.ts names its exports: no export * anywhere in lib", () => {
  const star = sourceFiles(`${ROOT}lib`).filter((f) => f.endsWith("/mod.ts"))
    .filter((f) => /^export \* from/m.test(Deno.readTextFileSync(f)))
    .map((f) => f.slice(ROOT.length));
  assertEquals(star, []);
});

Deno.test("no module of lib exports a name that starts with an underscore", () => {
  const found: string[] = [];
  for (const f of sourceFiles(`${ROOT}lib`).filter((f) => f.endsWith(".ts"))) {
    const text = Deno.readTextFileSync(f);
    for (const m of text.matchAll(/^export (?:async )?(?:function\*?|const|let|class|interface|type|enum) (_\w*)/gm)) {
      found.push(`${f.slice(ROOT.length)}: ${m[1]}`);
    }
    for (const m of text.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
      for (const name of m[1].split(",").map((s) => s.trim().replace(/^type /, "").split(/\s+as\s+/).at(-1)!)) {
        if (name.startsWith("_")) found.push(`${f.slice(ROOT.length)}: ${name}`);
      }
    }
  }
  assertEquals(found, []);
});

Deno.test("notebooks import lib only through its curated modules (lib/mod.ts, a folder's mod.ts)", () => {
  const found: string[] = [];
  for (const e of Deno.readDirSync(`${ROOT}notebooks`)) {
    if (!e.name.endsWith(".ipynb")) continue;
    const nb = JSON.parse(Deno.readTextFileSync(`${ROOT}notebooks/${e.name}`));
    for (const cell of nb.cells.filter((c: { cell_type: string }) => c.cell_type === "code")) {
      const src = [cell.source].flat().join("");
      for (const m of src.matchAll(/from\s+"([^"]+)"/g)) {
        if (m[1].startsWith(".") && !/^\.\.\/lib\/([a-z]+\/)?mod\.ts$/.test(m[1])) found.push(`${e.name}: ${m[1]}`);
      }
    }
  }
  assertEquals(found, []);
});
