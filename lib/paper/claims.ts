import { changeClaim, compareClaim } from "../stats/claims.ts";
import { zFor } from "../stats/wilson.ts";
import { publishedDifference, publishedRatio, questionsFor } from "../stats/published.ts";
import type { PaperTables } from "./load.ts";
import { type MarkFamily, safetyRulesSignificance, star1Significance } from "./significance.ts";

type Row = Record<string, number | string | boolean | null>;

function _familyClaims(family: MarkFamily, what: string): { metric: string; claim: string }[] {
  const metrics = [...new Set(family.rows.map((r) => r.metric))];
  const control = family.label.replace(/-adjusted \(.*?\) over/, " over");
  return metrics.map((metric) => ({
    metric,
    claim: changeClaim(
      metric,
      what,
      family.rows.filter((r) => r.metric === metric).map((r) => ({
        subject: r.model,
        diff: r.diff,
        lo: r.diff - r.halfWidth,
        hi: r.diff + r.halfWidth,
        significant: r.significant,
      })),
      control,
    ),
  }));
}

/**
 * What the safety-rules study shows, one computed sentence per @1 metric: how many models
 * rise or fall, how many changes are significant after Holm over the study's 25 comparisons,
 * and the largest change with its interval. (The paper's reading that the rules make models
 * over-sensitive is not supported: no OS@1 change is significant.)
 *
 * @param paper The paper's tables.
 * @returns One sentence per @1 metric.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { safetyRulesClaims } from "./claims.ts";
 * const os = safetyRulesClaims(await loadPaper()).find((c) => c.metric === "OS@1")!;
 * assert(os.claim.includes("no change is significant"), os.claim);
 * ```
 */
export function safetyRulesClaims(paper: PaperTables): { metric: string; claim: string }[] {
  return _familyClaims(safetyRulesSignificance(paper), "with safety rules");
}

/**
 * What STAR-1 fine-tuning shows, one computed sentence per @1 metric (Holm over 30 comparisons).
 *
 * @param paper The paper's tables.
 * @returns One sentence per @1 metric.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { star1Claims } from "./claims.ts";
 * const think = star1Claims(await loadPaper()).find((c) => c.metric === "Think@1")!;
 * assert(think.claim.startsWith("Think@1 after STAR-1: rises for 6 of 6"), think.claim);
 * ```
 */
export function star1Claims(paper: PaperTables): { metric: string; claim: string }[] {
  return _familyClaims(star1Significance(paper), "after STAR-1");
}

/** One family's gain per scenario from its smallest to its largest dense model. */
export interface ScenarioGain {
  family: string;
  smallest: string;
  largest: string;
  scenario: string;
  /** Largest − smallest, points. */
  gain: number;
  /** 95% half-width of the gain (two published values). */
  halfWidth: number;
  /** Largest ÷ smallest (null when either is 0), with its 95% log-ratio interval. */
  ratio: number | null;
  ratio_lo: number | null;
  ratio_hi: number | null;
  /** The family's mixture-of-experts models, left out of "smallest to largest dense". */
  moe: string[];
}

const FAMILIES = ["Qwen3", "R1-Distill-Qwen", "R1-Distill-Llama"];

/**
 * Gains of RO@1, CS@1 and OS@1 from each family's smallest to its largest dense model, with
 * the uncertainty of two published values.
 *
 * @param paper The paper's tables.
 * @returns One row per family and scenario: the gain, its half-width and its ratio.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { scenarioGains } from "./claims.ts";
 * const g = scenarioGains(await loadPaper());
 * assert(g.length === 9 && g.find((x) => x.family === "Qwen3" && x.scenario === "RO")!.gain > 50);
 * ```
 */
export function scenarioGains(paper: PaperTables): ScenarioGain[] {
  const main = paper.main.objects() as Row[];
  return FAMILIES.flatMap((family) => {
    const dense = main.filter((r) => r.family === family && r.total_params_b === r.active_params_b)
      .sort((a, b) => (a.total_params_b as number) - (b.total_params_b as number));
    if (dense.length < 2) return [];
    const [s, l] = [dense[0], dense.at(-1)!];
    const moe = main.filter((r) => r.family === family && r.total_params_b !== r.active_params_b)
      .map((r) => r.model as string);
    return ["RO", "CS", "OS"].map((scenario) => {
      const m = `${scenario}@1`;
      const d = publishedDifference(s[m] as number, l[m] as number, questionsFor(m));
      const r = publishedRatio(s[m] as number, l[m] as number, questionsFor(m));
      return {
        family,
        smallest: s.model as string,
        largest: l.model as string,
        scenario,
        gain: d.diff,
        halfWidth: d.halfWidth,
        ratio: r?.ratio ?? null,
        ratio_lo: r?.lo ?? null,
        ratio_hi: r?.hi ?? null,
        moe,
      };
    });
  });
}

// "RO gains most (×11.8, 95% CI ×8.1 to ×17.3; vs ×2.9 for OS, ... significant)": the ratio
// with its interval, against the runner-up's on the log scale (independent: variances add).
function _relative(g: ScenarioGain[]): { text: string; apart: boolean } {
  const byRatio = g.filter((x) => x.ratio !== null).sort((a, b) => b.ratio! - a.ratio!);
  if (!byRatio.length) return { text: "no ratio is defined (a scenario at 0)", apart: false };
  const [a, b] = byRatio;
  const ci = (x: ScenarioGain) =>
    `×${x.ratio!.toFixed(1)}, 95% CI ×${x.ratio_lo!.toFixed(1)} to ×${x.ratio_hi!.toFixed(1)}`;
  if (!b) return { text: `${a.scenario} gains most (${ci(a)})`, apart: false };
  const se = (x: ScenarioGain) => (Math.log(x.ratio_hi!) - Math.log(x.ratio_lo!)) / (2 * zFor(0.95));
  const apart = Math.abs(Math.log(a.ratio!) - Math.log(b.ratio!)) > zFor(0.95) * Math.hypot(se(a), se(b));
  const text = `${a.scenario} gains most (${ci(a)}; ${b.scenario} ${ci(b)}: ${
    apart ? "significantly more" : "not significantly more"
  })`;
  return { text, apart };
}

/**
 * Which scenario gains most with scale, per family, computed with intervals: the largest
 * gain compared with the runner-up and the smallest with the one above it (each "not
 * significant" when their difference's interval contains zero), and which gains most in
 * relative terms; then one sentence across the families.
 *
 * @param paper The paper's tables.
 * @returns One sentence per family, then one across families.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadPaper } from "./load.ts";
 * import { scalingClaims } from "./claims.ts";
 * const c = scalingClaims(await loadPaper());
 * assert(c.length === 4 && c[0].startsWith("Qwen3"), c.join("\n"));
 * ```
 */
export function scalingClaims(paper: PaperTables): string[] {
  const gains = scenarioGains(paper);
  const perFamily: {
    family: string;
    most: string;
    least: string;
    relMost: string;
    sigMost: boolean;
    sigLeast: boolean;
    sigRel: boolean;
  }[] = [];
  const out = FAMILIES.filter((f) => gains.some((g) => g.family === f)).map((family) => {
    const g = gains.filter((x) => x.family === family).sort((a, b) => b.gain - a.gain);
    const rel = [...g].sort((a, b) => (b.ratio ?? -Infinity) - (a.ratio ?? -Infinity))[0];
    const relative = _relative(g);
    const item = (x: ScenarioGain) => ({ name: `the ${x.scenario} gain`, value: x.gain, halfWidth: x.halfWidth });
    const apart = (a: ScenarioGain, b: ScenarioGain) =>
      Math.abs(a.gain - b.gain) > Math.hypot(a.halfWidth, b.halfWidth);
    perFamily.push({
      family,
      most: g[0].scenario,
      least: g.at(-1)!.scenario,
      relMost: rel.scenario,
      sigMost: apart(g[0], g[1]),
      sigLeast: apart(g.at(-2)!, g.at(-1)!),
      sigRel: relative.apart,
    });
    const moe = g[0].moe.length ? `; mixture-of-experts ${g[0].moe.join(", ")} left out` : "";
    return `${family}, smallest to largest dense model (${g[0].smallest} → ${g[0].largest}${moe}): ` +
      `${g[0].scenario} gains most in points — ` +
      `${compareClaim(item(g[0]), item(g[1]))}; ${g.at(-1)!.scenario} gains least — ` +
      `${compareClaim(item(g.at(-2)!), item(g.at(-1)!))}; in relative terms ${relative.text}.`;
  });
  const count = (key: "most" | "least" | "relMost", s: string) => perFamily.filter((p) => p[key] === s).length;
  const n = perFamily.length;
  const most = ["RO", "CS", "OS"].sort((a, b) => count("most", b) - count("most", a))[0];
  const least = ["RO", "CS", "OS"].sort((a, b) => count("least", b) - count("least", a))[0];
  const rel = ["RO", "CS", "OS"].sort((a, b) => count("relMost", b) - count("relMost", a))[0];
  const sig = (key: "most" | "least", s: string) =>
    perFamily.filter((p) => p[key] === s && (key === "most" ? p.sigMost : p.sigLeast)).length;
  out.push(
    `Across the ${n} families: ${most} gains most in points in ${count("most", most)} of ${n} ` +
      `(significantly more than the runner-up in ${sig("most", most)}), ` +
      `${least} least in ${count("least", least)} of ${n} (significantly less than the next in ${
        sig("least", least)
      }); in relative terms ${rel} gains most in ${count("relMost", rel)} of ${n} (significantly more than the ` +
      `runner-up in ${perFamily.filter((p) => p.relMost === rel && p.sigRel).length}).`,
  );
  return out;
}
