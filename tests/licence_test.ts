import { assertEquals } from "./helpers/assert.ts";
import { loadDataset } from "../lib/dataset/mod.ts";
import { rows } from "../lib/table.ts";
import { DATASET_CSV, ROOT, SHARED_BSA } from "./helpers/paths.ts";
import { requires } from "./helpers/requires.ts";

Deno.test({
  name: "no tracked file holds the benchmark's questions, risk summaries or prompts (CC BY-NC 4.0)",
  ...requires("git"),
  fn: async () => {
    const ds = await loadDataset({ path: DATASET_CSV });
    const texts = rows<{ query: string; risk_summary: string }>(ds.questions)
      .flatMap((q) => [q.query, q.risk_summary])
      .filter((t) => t.length >= 60)
      .map((t) => t.slice(0, 60));
    for (const f of ["Safe_Ans_Judge.md", "Thinking_Accuracy_Judge.md", "Safe_Rules.md"]) {
      const prompt = await Deno.readTextFile(`${SHARED_BSA}prompts/${f}`);
      // A distinctive line of each prompt file.
      texts.push(
        ...prompt.split("\n").filter((l) => l.trim().length > 80).slice(0, 3).map((l) => l.trim().slice(0, 60)),
      );
    }
    const listed = await new Deno.Command("git", { args: ["ls-files", "-z"], cwd: ROOT, stdout: "piped" }).output();
    const files = new TextDecoder().decode(listed.stdout).split("\0").filter(Boolean);
    const leaks: string[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = await Deno.readTextFile(`${ROOT}${f}`);
      } catch {
        continue;
      }
      const hit = texts.find((t) => text.includes(t));
      if (hit) leaks.push(`${f}: "${hit}"`);
    }
    assertEquals(leaks, []);
  },
});
