/**
 * Every exported function of lib/ is documented for the person who calls it: `@param` for each
 * named parameter, `@returns` when it returns a value, `@throws` naming each error class it
 * throws itself, and a runnable `@example` (run by `deno test --doc lib/`). The symbols come
 * from `deno doc --json`, the `throw` statements from the source's syntax tree.
 */
import { fileURLToPath } from "node:url";
import { assert, assertEquals } from "../helpers/assert.ts";
import { sourceFiles, tempDir } from "../helpers/paths.ts";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/** Files of lib/ this check leaves out, each with its reason. */
const EXEMPT_FILES: Record<string, string> = {
  "viewer/page/app.js": "browser-only script of the viewer page (DOM), not importable from Deno",
  "viewer/page/render.js": "browser-only script of the viewer page (DOM), not importable from Deno",
  "viewer/page/review.js": "browser-only script of the review page (DOM), not importable from Deno",
  "viewer/page/source.js": "browser-only script of the viewer page (fetch from the local server)",
  "cli/_flags.ts":
    "flag parsing internal to lib/cli (the `_` prefix; never re-exported); every command's example runs it",
  "cli/_endpoint.ts": "flag-to-client helpers internal to lib/cli (the `_` prefix; never re-exported)",
  "cli/_batch.ts": "flag-to-batch helpers internal to lib/cli (the `_` prefix; never re-exported)",
};

// deno-lint-ignore no-explicit-any
type Json = any;

interface Tag {
  kind: string;
  name?: string;
  doc?: string;
  tsType?: { repr?: string };
}

/** One exported function as `deno doc` sees it. */
interface DocFunction {
  /** `file.ts:line name`, relative to lib/. */
  where: string;
  file: string;
  name: string;
  params: string[];
  returns: "value" | "nothing";
  tags: Tag[];
}

/** The name of a parameter, or undefined for a destructured one. */
function _paramName(p: Json): string | undefined {
  if (p.kind === "identifier") return p.name;
  if (p.kind === "assign") return _paramName(p.left);
  if (p.kind === "rest") return _paramName(p.arg);
  return undefined;
}

/** Whether a declared return type says the function returns nothing the caller uses. */
function _returnsNothing(t: Json): boolean {
  if (!t) return false; // inferred: assume a value, so the doc says what it is
  if (t.kind === "keyword") return ["void", "never", "undefined"].includes(t.value);
  if (t.kind === "typeRef" && t.value?.typeName === "Promise") {
    const [arg] = t.value.typeParams ?? [];
    return arg?.kind === "keyword" && ["void", "undefined"].includes(arg.value);
  }
  return false;
}

/** Every exported function declared in `files` (absolute paths), once each, and the class hierarchy. */
async function docFunctions(files: string[]): Promise<{ fns: DocFunction[]; parents: Map<string, string> }> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["doc", "--json", ...files], stderr: "null" }).output();
  assert(out.success, "deno doc --json succeeds");
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const wanted = new Set(files.map((f) => `file://${f}`));
  const seen = new Set<string>();
  const fns: DocFunction[] = [];
  const parents = new Map<string, string>();
  for (const node of Object.values<Json>(doc.nodes)) {
    for (const sym of node.symbols ?? []) {
      for (const d of sym.declarations) {
        const loc = d.location;
        if (!wanted.has(loc.filename)) continue; // declared outside the files checked (an npm type, an exempt file)
        if (d.kind === "class" && d.def?.extends) parents.set(sym.name, d.def.extends);
        if (d.kind !== "function" || d.declarationKind !== "export") continue;
        // A `_` name is exported only so that tests reach it (the layers test's convention for internals).
        if (sym.name.startsWith("_")) continue;
        const key = `${loc.filename}:${loc.line}:${loc.col}`;
        if (seen.has(key)) continue; // the same function re-exported by a mod.ts
        seen.add(key);
        const file = fileURLToPath(loc.filename).slice(LIB.length);
        fns.push({
          where: `${file}:${loc.line} ${sym.name}`,
          file,
          name: sym.name,
          params: d.def.params.map(_paramName).filter((n: string | undefined) => n !== undefined),
          returns: _returnsNothing(d.def.returnType) ? "nothing" : "value",
          tags: d.jsDoc?.tags ?? [],
        });
      }
    }
  }
  return { fns, parents };
}

/** What a function's doc lacks: the missing `@example`, `@param` and `@returns`. */
function missingDocs(fn: DocFunction): string[] {
  const has = (kind: string, name?: string) =>
    fn.tags.some((t) => t.kind === kind && (name === undefined || t.name === name) && (t.doc ?? "").trim() !== "");
  const missing: string[] = [];
  if (!fn.tags.some((t) => t.kind === "example" && /```(ts|js)[ \t]*\n[\s\S]*assert/.test(t.doc ?? ""))) {
    missing.push("@example with an assertion");
  }
  for (const p of fn.params) if (!has("param", p)) missing.push(`@param ${p}`);
  if (fn.returns === "value" && !has("return")) missing.push("@returns");
  return missing;
}

/**
 * The error classes each exported function of `file` throws itself (`throw new X(...)` in its
 * body, outside a `try` block), keyed by function name. Errors from the functions it calls are
 * left to the author: the check sees only what the body says.
 */
function thrownErrors(file: string, source: string): Map<string, Set<string>> {
  const thrown = new Map<string, Set<string>>();
  const plugin: Deno.lint.Plugin = {
    name: "api-docs",
    rules: {
      throws: {
        create() {
          return {
            ThrowStatement(node) {
              const arg = node.argument;
              if (arg?.type !== "NewExpression" || arg.callee.type !== "Identifier") return;
              // Walk up to the exported declaration; a throw inside `try { }` is usually caught there.
              let p: Deno.lint.Node | undefined = node;
              let child: Deno.lint.Node = node;
              let fn: string | undefined;
              while (p && p.type !== "Program") {
                if (p.type === "TryStatement" && p.block === child) return;
                if (p.type === "ExportNamedDeclaration") {
                  const decl = p.declaration;
                  if (decl?.type === "FunctionDeclaration") fn = decl.id?.name;
                  else if (decl?.type === "VariableDeclaration" && child.type === "VariableDeclaration") {
                    const v = decl.declarations.find((x) => x.init && _contains(x.init, node));
                    if (v?.id.type === "Identifier") fn = v.id.name;
                  }
                  break;
                }
                child = p;
                p = (p as { parent?: Deno.lint.Node }).parent;
              }
              if (fn === undefined) return;
              if (!thrown.has(fn)) thrown.set(fn, new Set());
              thrown.get(fn)!.add(arg.callee.name);
            },
          };
        },
      },
    },
  };
  Deno.lint.runPlugin(plugin, file, source);
  return thrown;
}

function _contains(outer: Deno.lint.Node, inner: Deno.lint.Node): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

/** Whether a `@throws` tag names `cls` or one of its ancestors (a `@throws {BsaError}` covers a UsageError). */
function throwsNamed(tags: Tag[], cls: string, parents: Map<string, string>): boolean {
  const names: string[] = [];
  for (let c: string | undefined = cls; c; c = parents.get(c)) names.push(c);
  return tags.some((t) =>
    t.kind === "throws" && names.some((n) => new RegExp(`\\b${n}\\b`).test(`${t.tsType?.repr ?? ""} ${t.doc ?? ""}`))
  );
}

/** Every gap of every exported function in `files`, as `where: what is missing`. */
async function _gaps(files: string[]): Promise<string[]> {
  const { fns, parents } = await docFunctions(files);
  const throwsByFile = new Map<string, Map<string, Set<string>>>();
  const gaps: string[] = [];
  for (const fn of fns) {
    const missing = missingDocs(fn);
    if (!throwsByFile.has(fn.file)) {
      const path = `${LIB}${fn.file}`;
      throwsByFile.set(fn.file, thrownErrors(path, Deno.readTextFileSync(path)));
    }
    for (const cls of throwsByFile.get(fn.file)!.get(fn.name) ?? []) {
      if (!throwsNamed(fn.tags, cls, parents)) missing.push(`@throws ${cls}`);
    }
    if (missing.length) gaps.push(`${fn.where}: ${missing.join(", ")}`);
  }
  return gaps;
}

const CHECKED = sourceFiles(LIB.replace(/\/$/, "")).filter((f) => !(f.slice(LIB.length) in EXEMPT_FILES));

Deno.test("every exported function of lib/ has @param, @returns, @throws and a runnable @example", async () => {
  for (const f of Object.keys(EXEMPT_FILES)) assert(CHECKED.every((c) => !c.endsWith(f)), f);
  assert(CHECKED.length > 100, "the scan finds lib's modules");
  const { fns } = await docFunctions(CHECKED);
  assert(fns.length > 250, `the scan finds the exported functions (${fns.length})`);
  assertEquals(await _gaps(CHECKED), []);
});

Deno.test("the doc check catches a function without @example, @param, @returns or @throws", async () => {
  await using dir = await tempDir();
  // Written inside lib/'s layout so paths resolve the same way; a temp folder keeps lib/ untouched.
  const file = `${dir.path}/probe.ts`;
  await Deno.writeTextFile(
    file,
    `export class ProbeError extends Error {}
export class SubError extends ProbeError {}
/**
 * Documented.
 * @param a The number.
 * @returns Twice a.
 * @throws {ProbeError} a is negative.
 * @example
 * \`\`\`ts
 * import assert from "node:assert/strict";
 * assert(1 === 1);
 * \`\`\`
 */
export function good(a: number): number { if (a < 0) throw new SubError("neg"); return 2 * a; }
/**
 * Half documented.
 * @param a The number.
 */
export function bad(a: number, b = 2): number { if (a < 0) throw new ProbeError("neg"); return a * b; }
/**
 * Says nothing back.
 * @example
 * \`\`\`ts
 * import assert from "node:assert/strict";
 * assert(true);
 * \`\`\`
 */
export async function quiet(): Promise<void> {}
`,
  );
  const { fns, parents } = await docFunctions([file]);
  const byName = Object.fromEntries(fns.map((f) => [f.name, f]));
  assertEquals(Object.keys(byName).sort(), ["bad", "good", "quiet"]);
  assertEquals(missingDocs(byName.good), []);
  assertEquals(missingDocs(byName.quiet), [], "Promise<void> needs no @returns");
  assertEquals(missingDocs(byName.bad), ["@example with an assertion", "@param b", "@returns"]);
  const thrown = thrownErrors(file, await Deno.readTextFile(file));
  assertEquals([...thrown.get("good")!], ["SubError"]);
  assert(throwsNamed(byName.good.tags, "SubError", parents), "@throws of the parent class covers the subclass");
  assert(!throwsNamed(byName.bad.tags, "ProbeError", parents));
});

Deno.test("lib/mod.ts names its exports one by one and leaves the internals out", async () => {
  const text = await Deno.readTextFile(`${LIB}mod.ts`);
  assertEquals(text.split("\n").filter((l) => /^export \*/.test(l)), [], "no `export *`: the public API is curated");
  const out = await new Deno.Command(Deno.execPath(), { args: ["doc", "--json", `${LIB}mod.ts`], stderr: "null" })
    .output();
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const names = new Set<string>(
    Object.values<Json>(doc.nodes).flatMap((n) => (n.symbols ?? []).map((s: { name: string }) => s.name)),
  );
  assert(names.has("scoreRuns") && names.has("loadDataset"), "the scan reads mod.ts's exports");
  // The request pool, the run store's sample keys, the judge's retry reminder, locks and retries stay in their modules.
  const internals = ["runPool", "doneKeys", "RETRY_REMINDER", "sampleKey", "withRetry", "acquireLock", "readLatest"];
  assertEquals(internals.filter((n) => names.has(n)), []);
});
