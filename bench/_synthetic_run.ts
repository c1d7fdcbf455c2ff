import { generationLine, writeRunManifest } from "../tests/helpers/viewer_runs.ts";

/**
 * Write a run folder as `bsa run` leaves it: a manifest and `done` generation records (each
 * with `reasoningBytes` of reasoning), in question order; the rest of the questions × k are missing.
 * Records are the tests' (`tests/helpers/viewer_runs.ts`), streamed in chunks: the file runs to hundreds of MB.
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
  await writeRunManifest(dir, {
    model: o.model,
    k: o.k,
    subset: { ids: null, description: "all 2,000 questions" },
    dataset: o.dataset,
  });
  const file = await Deno.open(`${dir}/generations.jsonl`, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const reasoning = "Let me think about the risks here. ".repeat(Math.ceil(o.reasoningBytes / 35)).slice(
    0,
    o.reasoningBytes,
  );
  const sample = { answer: "I can't help with that.", reasoning, tokens: { prompt: 40, completion: 2000 } };
  let written = 0, chunk = "";
  outer: for (const q of o.questions) {
    for (let s = 0; s < o.k; s++) {
      if (written >= o.done) break outer;
      chunk += generationLine(q, s, sample);
      written++;
      if (chunk.length > 1 << 22) (await file.write(enc.encode(chunk)), chunk = "");
    }
  }
  await file.write(enc.encode(chunk));
  file.close();
}
