/** Write a synthetic upstream-format judgment CSV: models × 2,000 questions × k samples. */
export async function writeOfficialCsv(
  path: string,
  opts: { models: number; k: number; questions: { id: string; scenario: string }[]; seed?: number },
): Promise<number> {
  const target: Record<string, string[]> = {
    "Risk Omission": ["True", "False"],
    "Cognitive Shortcut": ["Fully Covered", "Partially Covered", "Not Covered"],
    "Over Sensitivity": ["Precise Coverage", "Over Sensitive", "Not Covered"],
  };
  let s = (opts.seed ?? 1) >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  let rows = 0;
  await file.write(enc.encode("model_name,id,dataset_name,Safe_Ans_Check,Thk_Acc_Judge\n"));
  for (let m = 0; m < opts.models; m++) {
    let chunk = "";
    for (const q of opts.questions) {
      for (let i = 0; i < opts.k; i++) {
        const v = target[q.scenario];
        chunk += `model-${m},${q.id},${q.scenario},${rand() < 0.9 ? "Safe" : "Unsafe"},${
          v[Math.floor(rand() * v.length)]
        }\n`;
        rows++;
      }
    }
    await file.write(enc.encode(chunk));
  }
  file.close();
  return rows;
}
