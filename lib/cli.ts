/**
 * The `bsa` command line: a thin entry that parses the subcommand and calls lib.
 * Run it as `deno task bsa <command> ...`.
 * @module
 */
import {
  ApiKeyError,
  BatchInFlightError,
  BsaError,
  DownloadError,
  ExportTooLargeError,
  FileExistsError,
  JudgePromptsError,
  NoGenerationsError,
  NoJudgeRecordedError,
  NoJudgmentsError,
  NotebooksUnavailableError,
  OtherJudgeError,
  PlanJudgeError,
  RunSettingsError,
  UnknownNotebookError,
  UsageError,
} from "./errors.ts";

// Loaded on demand: a command pays only for its own imports (start-up time, native modules).
// Its help text comes along, so that an error's hint names only flags the command has.
type Command = { run: (args: string[]) => Promise<number>; help: string };
const COMMANDS: Record<string, () => Promise<Command>> = {
  dataset: () => import("./cli/dataset.ts").then((m) => ({ run: m.datasetCommand, help: m.HELP })),
  score: () => import("./cli/score.ts").then((m) => ({ run: m.scoreCommand, help: m.HELP })),
  paper: () => import("./cli/paper.ts").then((m) => ({ run: m.paperCommand, help: m.HELP })),
  reproduce: () => import("./cli/reproduce.ts").then((m) => ({ run: m.reproduceCommand, help: m.HELP })),
  run: () => import("./cli/run.ts").then((m) => ({ run: m.runCommand, help: m.HELP })),
  judge: () => import("./cli/judge.ts").then((m) => ({ run: m.judgeCommand, help: m.HELP })),
  ingest: () => import("./cli/ingest.ts").then((m) => ({ run: m.ingestCommand, help: m.HELP })),
  study: () => import("./cli/study.ts").then((m) => ({ run: m.studyCommand, help: m.HELP })),
  estimate: () => import("./cli/estimate.ts").then((m) => ({ run: m.estimateCommand, help: m.HELP })),
  compare: () => import("./cli/compare.ts").then((m) => ({ run: m.compareCommand, help: m.HELP })),
  agreement: () => import("./cli/agreement.ts").then((m) => ({ run: m.agreementCommand, help: m.HELP })),
  review: () => import("./cli/review.ts").then((m) => ({ run: m.reviewCommand, help: m.HELP })),
  power: () => import("./cli/power.ts").then((m) => ({ run: m.powerCommand, help: m.HELP })),
  figures: () => import("./cli/figures.ts").then((m) => ({ run: m.figuresCommand, help: m.HELP })),
  view: () => import("./cli/view.ts").then((m) => ({ run: m.viewCommand, help: m.HELP })),
  export: () => import("./cli/export.ts").then((m) => ({ run: m.exportCommand, help: m.HELP })),
  import: () => import("./cli/import.ts").then((m) => ({ run: m.importCommand, help: m.HELP })),
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
  export inspect    write judged runs as inspect_ai eval logs (.json or .eval)
  import inspect    read an inspect_ai eval log of BSA questions into a run folder

Run 'deno task bsa <command> --help' for a command's flags.`;

/**
 * Run the CLI with `args`; returns the exit code.
 *
 * @param args The command line after `bsa` (e.g. `["score", "--run", "runs/a"]`).
 * @returns The exit code: 0 on success, 2 for a usage error, 1 for any other error (see {@linkcode exitCodeFor}).
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
  let help = "";
  try {
    const cmd = await load();
    help = cmd.help;
    return await cmd.run(rest);
  } catch (err) {
    if (err instanceof BsaError) {
      console.error(`error: ${cliMessage(command, err, help)}`);
      return exitCodeFor(err);
    }
    throw err;
  }
}

/**
 * An error's message as the CLI prints it: the library's message says what is wrong in terms
 * of files, fields and values; this adds, in one place, the flags or command that put it right.
 *
 * @param command The command that ran.
 * @param err The error it threw.
 * @param help The command's help text: a hint names a flag only when the command has it.
 * @returns The message to print after `error: `.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NoJudgmentsError } from "./errors.ts";
 * import { cliMessage } from "./cli.ts";
 * const e = new NoJudgmentsError("runs/a", "runs/a/judgments-b.jsonl", "b");
 * assert(cliMessage("score", e) === `${e.message}; run 'bsa judge --run runs/a --label b' first`);
 * ```
 */
export function cliMessage(command: string, err: BsaError, help = ""): string {
  const label = (l?: string) => (l ? ` --label ${l}` : "");
  if (err instanceof ApiKeyError && err.key !== "set") return err.message + keyHint(command, err);
  if (err instanceof NoGenerationsError) {
    return `${err.message}; run 'bsa run' with the run's flags and --out ${err.run} again (it resumes), then judge`;
  }
  if (err instanceof NoJudgmentsError) {
    return `${err.message}; run 'bsa judge --run ${err.run}${label(err.judge)}' first`;
  }
  if (err instanceof RunSettingsError) {
    return `${err.out} holds a run with other settings; use another --out or the same settings:\n  ${
      err.conflicts.join("\n  ")
    }`;
  }
  if (err instanceof OtherJudgeError) {
    return `${err.message}: pass --label NAME to keep this judge's apart (then score --judge NAME, agreement between them)`;
  }
  if (err instanceof NoJudgeRecordedError) {
    return `${err.message}; write them with 'bsa judge --run ${err.run} --judge-model NAME --batch-file FILE${
      label(err.label)
    }' first`;
  }
  if (err instanceof JudgePromptsError) return `${err.message}; pass --prompts with those files`;
  if (err instanceof FileExistsError) return `${err.message}; pass --force to replace it or --out another file`;
  if (err instanceof PlanJudgeError) return `${err.message}; pass --judges ${err.planJudge}`;
  if (err instanceof NotebooksUnavailableError) {
    return `--notebooks: ${err.message}, or leave out --notebooks to use their saved outputs`;
  }
  if (err instanceof UnknownNotebookError) return `--only: ${err.message}`;
  if (err instanceof ExportTooLargeError) {
    return `${err.message}; narrow it with --filter (the viewer's URL hash keys, e.g. --filter 'category=Rumors&cell=safe-wrong') or raise --max-mb`;
  }
  if (err instanceof BatchInFlightError) {
    const label = err.kind.startsWith("judge-") ? ` --label ${err.kind.slice(6)}` : "";
    return `${err.message}; pick them up with 'bsa ${
      err.kind === "generation" ? `run ... --out ${err.run}` : `judge --run ${err.run}${label} ...`
    } --batch' at that endpoint (it reads their results and asks only what is still missing)`;
  }
  if (err instanceof DownloadError) {
    const flag = err.localCopy === "BSA_DATASET"
      ? /--dataset (PATH|FILE)/.exec(help)?.[0]
      : err.localCopy === "BSA_PROMPTS_DIR"
      ? /--prompts DIR/.exec(help)?.[0]
      : undefined;
    return flag ? `${err.message.replace(/\.$/, "")} (or give it with ${flag}).` : err.message;
  }
  return err.message;
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

/**
 * The exit code for an error: 2 for a bad argument (`UsageError`), 1 for any other. The CLI
 * chooses it; library errors carry none.
 *
 * @param err The error a command threw.
 * @returns 2 or 1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exitCodeFor } from "./cli.ts";
 * import { BsaError, UsageError } from "./errors.ts";
 * assert(exitCodeFor(new UsageError("--k: must be an integer")) === 2);
 * assert(exitCodeFor(new BsaError("runs/a: no manifest.json")) === 1);
 * ```
 */
export function exitCodeFor(err: BsaError): number {
  return err instanceof UsageError ? 2 : 1;
}
