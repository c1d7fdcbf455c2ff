/**
 * The README and docs/ are true to the CLI: every `bsa COMMAND` they name exists, every flag
 * written after it is in that command's help, every flag named on its own is some command's,
 * every `deno task NAME` is a task of deno.json, and every relative link resolves (to a file,
 * and to a heading when it has an #anchor).
 */
import { assertEquals } from "./helpers/assert.ts";
import { ROOT } from "./helpers/paths.ts";

const DOCS = [
  "README.md",
  ...[...Deno.readDirSync(`${ROOT}docs`)].filter((e) => e.name.endsWith(".md")).map((e) => `docs/${e.name}`).sort(),
];

/** Every exported string of each command module, by command name: its help texts. */
async function helps(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(`${ROOT}lib/cli`)) {
    if (!e.name.endsWith(".ts") || e.name.startsWith("_")) continue;
    const mod = await import(`../lib/cli/${e.name}`) as Record<string, unknown>;
    const text = Object.values(mod).filter((v): v is string => typeof v === "string").join("\n");
    out.set(e.name.replace(/\.ts$/, ""), text);
  }
  return out;
}

const TASKS = Object.keys(JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks);
// Flags of other programs that the docs show in their own commands.
const OTHER_TOOLS =
  /^\s*(\$ )?(deno (test|run|jupyter|fmt|lint|check)|apt-get|npm|pip|jupyter|curl|vllm|python3?|inspect|git|ollama|pdftoppm|docker)\b/;

function _slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").replace(/\s/g, "-");
}

Deno.test("README and docs name only commands, flags and tasks that exist", async () => {
  const help = await helps();
  // --help is every command's; the V8 flags are Deno's (the README says what `deno task bsa` sets).
  const allFlags = new Set([
    ...[...help.values()].join("\n").match(/--[a-z][a-z0-9-]*/g) ?? [],
    ...["--help", "--v8-flags", "--max-semi-space-size", "--heap-growing-percent"],
  ]);
  const problems: string[] = [];
  for (const doc of DOCS) {
    const text = await Deno.readTextFile(`${ROOT}${doc}`);
    let fenced = false;
    text.split("\n").forEach((line, i) => {
      const where = `${doc}:${i + 1}`;
      if (/^\s*```/.test(line)) return void (fenced = !fenced);
      // Only code says what to type: a fenced block's lines, or the inline code spans of prose.
      const codes = fenced ? [line.replace(/\s#\s.*$/, "")] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      for (const code of codes) {
        for (const m of code.matchAll(/deno task ([a-z][a-z-]*)/g)) {
          if (!TASKS.includes(m[1])) problems.push(`${where}: no task '${m[1]}'`);
        }
        if (OTHER_TOOLS.test(code) || /deno task (bench|test|check)\b/.test(code)) continue;
        // `bsa CMD ...` or `deno task bsa CMD ...`: the flags after it are that command's.
        const cmd = /^\s*(?:[A-Z_]+=\S*\s+)*(?:deno task )?bsa ([a-z]+)\b(.*)$/.exec(code);
        if (cmd && !help.has(cmd[1])) problems.push(`${where}: no command 'bsa ${cmd[1]}'`);
        else if (cmd) {
          for (const f of cmd[2].match(/--[a-z][a-z0-9-]*/g) ?? []) {
            if (f !== "--help" && !help.get(cmd[1])!.includes(f)) problems.push(`${where}: bsa ${cmd[1]} has no ${f}`);
          }
        } else if (!fenced) {
          // A flag named on its own: some command must have it.
          for (const f of code.match(/^--[a-z][a-z0-9-]*/g) ?? []) {
            if (!allFlags.has(f)) problems.push(`${where}: no command has ${f}`);
          }
        }
      }
    });
  }
  assertEquals(problems, []);
});

Deno.test("every relative link in README and docs resolves, anchors included", async () => {
  const problems: string[] = [];
  for (const doc of DOCS) {
    const text = await Deno.readTextFile(`${ROOT}${doc}`);
    const dir = doc.includes("/") ? doc.slice(0, doc.lastIndexOf("/") + 1) : "";
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
      const [file, anchor] = target.split("#");
      const path = file ? new URL(file, `file://${ROOT}${dir}`).pathname : `${ROOT}${doc}`;
      let body: string;
      try {
        body = (await Deno.stat(path)).isDirectory ? "" : await Deno.readTextFile(path);
      } catch {
        problems.push(`${doc}: link ${target}: no such file`);
        continue;
      }
      if (anchor && path.endsWith(".md")) {
        const slugs = [...body.matchAll(/^#+ (.*)$/gm)].map((h) => _slug(h[1]));
        if (!slugs.includes(anchor)) problems.push(`${doc}: link ${target}: no heading #${anchor}`);
      }
    }
  }
  assertEquals(problems, []);
});
