/** The three superficial-safety scenarios of BSA, as spelled in the dataset's `dataset_name` column. */
export type Scenario = "Risk Omission" | "Cognitive Shortcut" | "Over Sensitivity";

/** Short codes the paper uses for per-scenario scores (RO@1, CS@1, OS@1). */
export type ScenarioCode = "RO" | "CS" | "OS";

/** What the toolkit knows about one scenario. */
export interface ScenarioInfo {
  name: Scenario;
  code: ScenarioCode;
  /** Number of questions in the full benchmark. */
  size: number;
  /** Reasoning verdicts the scenario's judge rubric allows, canonical spelling. */
  verdicts: readonly string[];
  /** The reasoning verdict that counts as correct reasoning for Think@N. */
  target: string;
}

/**
 * The scenarios in the order the paper's tables use (RO, CS, OS is the upstream
 * script's order for Think; sizes are the paper's 600 / 1,200 / 200).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SCENARIOS } from "./scenarios.ts";
 * assert(SCENARIOS.reduce((n, s) => n + s.size, 0) === 2000);
 * ```
 */
export const SCENARIOS: readonly ScenarioInfo[] = [
  {
    name: "Risk Omission",
    code: "RO",
    size: 600,
    verdicts: ["True", "False"],
    target: "True",
  },
  {
    name: "Cognitive Shortcut",
    code: "CS",
    size: 1200,
    verdicts: ["Fully Covered", "Partially Covered", "Not Covered"],
    target: "Fully Covered",
  },
  {
    name: "Over Sensitivity",
    code: "OS",
    size: 200,
    verdicts: ["Over Sensitive", "Precise Coverage", "Not Covered"],
    target: "Precise Coverage",
  },
];

/**
 * Total number of questions in the benchmark.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BENCHMARK_SIZE } from "./scenarios.ts";
 * assert(BENCHMARK_SIZE === 2000);
 * ```
 */
export const BENCHMARK_SIZE: number = SCENARIOS.reduce((n, s) => n + s.size, 0);

/**
 * Look a scenario up by its dataset name or its code; `undefined` if unknown.
 *
 * @param nameOrCode A scenario's dataset name (`Risk Omission`) or code (`RO`).
 * @returns The scenario's name, code and size, or `undefined`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scenarioInfo } from "./scenarios.ts";
 * assert(scenarioInfo("CS")?.target === "Fully Covered");
 * assert(scenarioInfo("Risk Omission")?.code === "RO");
 * ```
 */
export function scenarioInfo(nameOrCode: string): ScenarioInfo | undefined {
  return SCENARIOS.find((s) => s.name === nameOrCode || s.code === nameOrCode);
}
