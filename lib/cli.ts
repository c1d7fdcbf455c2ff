/**
 * The `bsa` command line: a thin entry that parses the subcommand and calls lib.
 * Run it as `deno task bsa <command> ...`.
 * @module
 */
import { ApiKeyError, BsaError } from "./errors.ts";

// Loaded on demand: a command pays only for its own imports (start-up time, native modules).
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  dataset: async () => (await import("./cli/dataset.ts")).datasetCommand,
  score: async () => (await import("./cli/score.ts")).scoreCommand,
  paper: async () => (await import("./cli/paper.ts")).paperCommand,
  reproduce: async () => (await import("./cli/reproduce.ts")).reproduceCommand,
  run: async () => (await import("./cli/run.ts")).runCommand,
  judge: async () => (await import("./cli/judge.ts")).judgeCommand,
  ingest: async () => (await import("./cli/ingest.ts")).ingestCommand,
  study: async () => (await import("./cli/study.ts")).studyCommand,
  estimate: async () => (await import("./cli/estimate.ts")).estimateCommand,
  compare: async () => (await import("./cli/compare.ts")).compareCommand,
  agreement: async () => (await import("./cli/agreement.ts")).agreementCommand,
  review: async () => (await import("./cli/review.ts")).reviewCommand,
  power: async () => (await import("./cli/power.ts")).powerCommand,
  figures: async () => (await import("./cli/figures.ts")).figuresCommand,
  view: async () => (await import("./cli/view.ts")).viewCommand,
};

const USAGE = `bsa: the Beyond Safe Answers toolkit

Commands:
  dataset stats     composition of the dataset beside the paper's numbers
  run               generate k answers per question from an OpenAI-compatible endpoint
  judge             judge a run's answers and reasoning with an LLM judge
  ingest            read a batch result file (OpenAI Batch API, vllm run-batch) into a run
  score             BSA metrics from judgments (run folders, or the upstream CSV)
  study             expand a study file into runs, run, judge and score them
  estimate          requests, tokens and cost of a run before it starts
  compare           paired comparison of two runs (intervals, McNemar / permutation p, Holm)
  agreement         agreement between two judges (or a judge and human labels)
  review plan       draw a stratified sample of a run for people to label
  power             smallest detectable difference for a baseline and k
  paper audit       recompute the paper's derived numbers and list disagreements
  reproduce         reproduce the paper's tables (deno task reproduce)
  figures           render every figure to SVG, PNG and PDF (deno task figures)
  view              read the samples of runs in the browser (or export a slice as one HTML file)

Run 'deno task bsa <command> --help' for a command's flags.`;

/**
 * Run the CLI with `args`; returns the exit code.
 *
 * @param args The command line after `bsa` (e.g. `["score", "--run", "runs/a"]`).
 * @returns The exit code: 0 on success, the error's `exitCode` (1, or 2 for a usage error) on failure.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 * assert(await main(["--version"]) === 0);
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === "--version" || command === "-V") {
    const { VERSION } = await import("./version.ts");
    console.log(`bsa-lab ${VERSION}`);
    return 0;
  }
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const load = COMMANDS[command];
  if (!load) {
    console.error(`bsa: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof BsaError) {
      console.error(
        `error: ${err.message}${err instanceof ApiKeyError && err.key !== "set" ? keyHint(command, err) : ""}`,
      );
      return err.exitCode;
    }
    throw err;
  }
}

/**
 * How to give the key a server asked for, in the words of the command that ran: the variable
 * to set, or the flag (a study: its file's field) that names another variable.
 *
 * @param command The command that ran (`study` names its file's fields instead of the flag).
 * @param err The refusal, with the variable the key was to come from.
 * @returns The text to append to the error's message.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ApiKeyError } from "./errors.ts";
 * import { keyHint } from "./cli.ts";
 * assert(keyHint("judge", new ApiKeyError("h", 401, "OPENAI_API_KEY", "unset")).includes("--api-key-env NAME"));
 * ```
 */
export function keyHint(command: string, err: ApiKeyError): string {
  const other = command === "study"
    ? "name the variable that holds it in the study file (endpoint.api_key_env, judge.api_key_env)"
    : "name the variable that holds it with --api-key-env NAME";
  return `; this endpoint needs a key: export ${err.keyVar}=<your key>, or ${other}`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
