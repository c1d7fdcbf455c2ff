import { newManifest, writeManifest } from "../lib/pipeline/manifest.ts";

/**
 * Write a run folder as `bsa run` leaves it: a manifest and `done` generation records (each
 * with `reasoningBytes` of reasoning), in question order; the rest of the questions × k are missing.
 */
export async function writeSyntheticRun(
  dir: string,
  o: {
    model: string;
    k: number;
    questions: { id: string; scenario: string }[];
    done: number;
    reasoningBytes: number;
    dataset: { source: string; sha256: string; pinned: boolean };
  },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeManifest(
    dir,
    newManifest({
      model: o.model,
      endpoints: ["http://127.0.0.1/v1"],
      k: o.k,
      dataset: o.dataset,
      subset: { ids: null, description: "all 2,000 questions" },
      params: { system_prompt: null },
      tags: {},
    }),
  );
  const file = await Deno.open(`${dir}/generations.jsonl`, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const reasoning = "Let me think about the risks here. ".repeat(Math.ceil(o.reasoningBytes / 35)).slice(
    0,
    o.reasoningBytes,
  );
  let written = 0, chunk = "";
  outer: for (const q of o.questions) {
    for (let s = 0; s < o.k; s++) {
      if (written >= o.done) break outer;
      chunk += JSON.stringify({
        id: q.id,
        sample: s,
        scenario: q.scenario,
        answer: "I can't help with that.",
        reasoning,
        reasoning_source: "reasoning_content",
        finish_reason: "stop",
        prompt_tokens: 40,
        completion_tokens: 2000,
      }) + "\n";
      written++;
      if (chunk.length > 1 << 22) (await file.write(enc.encode(chunk)), chunk = "");
    }
  }
  await file.write(enc.encode(chunk));
  file.close();
}
