import { assert, assertAlmostEquals, assertEquals } from "../helpers/assert.ts";
import { decodingSpreads, loadPaper } from "../../lib/paper/mod.ts";
import { rows } from "../../lib/table.ts";

const paper = await loadPaper();

Deno.test("decoding sensitivity compares like with like: settings at one k beside noise for that many settings", () => {
  const spreads = decodingSpreads(paper);
  // QwQ-32B's six k=3 settings: top_k=20, top_p 0.5/0.75, T 0.4/0.8/1.0.
  const k3 = rows(paper.decoding).filter((d) =>
    d.model === "QwQ-32B" && !d.recommended && d.top_k !== 1 && d.temperature !== 1.2
  ).map((r) => r["Think@1"]);
  assertEquals(k3.length, 6);
  const qwq = spreads.find((s) => s.metric === "Think@1" && s.source === "decoding: QwQ-32B, 6 settings at k=3")!;
  assertAlmostEquals(qwq.spread, Math.max(...k3) - Math.min(...k3), 1e-9);
  // Noise alone for 6 values: the range's 95% quantile (4.03 standard errors), not one value's half-width (1.96).
  const noise = spreads.find((s) => s.metric === "Think@1" && s.source === "noise alone: 95% range of 6 values")!;
  const p = k3.reduce((a, b) => a + b, 0) / 6 / 100;
  const se = 100 * Math.sqrt(p * (1 - p) / 2000);
  assertAlmostEquals(noise.spread / se, 4.03, 0.01);
  assert(spreads.some((s) => s.source === "decoding: Qwen3-32B, 8 settings at k=3"));
  assert(!spreads.some((s) => s.source.includes("half-width")));
  assertAlmostEquals(
    spreads.find((s) => s.metric === "Think@1" && s.source.startsWith("model size"))!.spread,
    34.02 - 25.57,
    1e-9,
  );
});
