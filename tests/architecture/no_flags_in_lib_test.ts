import { fileURLToPath } from "node:url";
import { assertEquals } from "../helpers/assert.ts";
import { sourceFiles } from "../helpers/paths.ts";

const LIB = fileURLToPath(new URL("../../lib/", import.meta.url));

/**
 * Code in lib outside the CLI that may name a flag or a `bsa` command, each with why. Anything
 * else that does is a message written for the command line inside the library: the library's
 * errors and warnings say what is wrong in files, fields and values, and lib/cli.ts's
 * `cliMessage` (or the command) adds the flags.
 */
const ALLOWED: { file: string; text: string; why: string }[] = [
  { file: "report/jupyter.ts", text: "deno jupyter --install", why: "Jupyter's own install command, not bsa's" },
  { file: "report/jupyter.ts", text: '"--version"', why: "argument of the jupyter subprocess" },
  { file: "report/jupyter.ts", text: '"--json"', why: "argument of the jupyter subprocess" },
  { file: "report/reproduce.ts", text: '"--to"', why: "argument of the nbconvert subprocess" },
  { file: "report/reproduce.ts", text: '"--execute"', why: "argument of the nbconvert subprocess" },
  { file: "report/reproduce.ts", text: '"--output-dir"', why: "argument of the nbconvert subprocess" },
  {
    file: "store/run_records.ts",
    text: "`bsa judge${label ? ` --label",
    why: "names the process holding the lock, for whoever finds it held",
  },
  { file: "store/run_records.ts", text: '"bsa run"', why: "names the process holding the lock" },
  {
    file: "dataset/token_counts.ts",
    text: 'const _CHILD_ARGS = ["run", "--quiet",',
    why: "arguments of the deno subprocess counting tokens",
  },
  { file: "dataset/token_counts.ts", text: 'const _CONFIG_ARG = "--config"', why: "argument of the deno subprocess" },
  {
    file: "dataset/token_counts.ts",
    text: 'throw new Error("token counting in a child process needs --allow-run");',
    why: "Deno's own permission, caught by the caller (it falls back to an estimate from the texts)",
  },
  { file: "paper/fscore.ts", text: "see \\`bsa paper audit\\`", why: "a table note pointing at the audit's listing" },
];

/** The file's code with comments removed: block comments, and `//` comments after a space or at a line's start. */
function _code(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
}

/** Lines of lib (outside the CLI) whose code names a flag (`--name`) or a `bsa` command, as "file: line". */
function _flagLines(): string[] {
  const out: string[] = [];
  for (const path of sourceFiles(LIB.replace(/\/$/, ""))) {
    const file = path.slice(LIB.length);
    if (file === "cli.ts" || file.startsWith("cli/") || !file.endsWith(".ts")) continue;
    for (const line of _code(Deno.readTextFileSync(path)).split("\n")) {
      if (!/(^|[\s'"`(])--[a-z]|['"`]bsa [a-z]/.test(line)) continue;
      if (ALLOWED.some((a) => a.file === file && line.includes(a.text))) continue;
      out.push(`${file}: ${line.trim()}`);
    }
  }
  return out;
}

Deno.test("lib outside the CLI names no flag or bsa command in its code (messages say files, fields and values)", () => {
  assertEquals(_flagLines(), []);
});

Deno.test("every allowlisted flag is still there (a stale entry would let a new one through)", () => {
  const stale = ALLOWED.filter((a) => !_code(Deno.readTextFileSync(`${LIB}${a.file}`)).includes(a.text));
  assertEquals(stale, []);
});
