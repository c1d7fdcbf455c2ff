/**
 * The `bsa` command line: a thin entry that parses the subcommand and calls lib.
 * Run it as `deno task bsa <command> ...`.
 * @module
 */
import { agreementCommand } from "./cli/agreement.ts";
import { compareCommand } from "./cli/compare.ts";
import { datasetCommand } from "./cli/dataset.ts";
import { estimateCommand } from "./cli/estimate.ts";
import { judgeCommand } from "./cli/judge.ts";
import { paperCommand } from "./cli/paper.ts";
import { powerCommand } from "./cli/power.ts";
import { reproduceCommand } from "./cli/reproduce.ts";
import { runCommand } from "./cli/run.ts";
import { scoreCommand } from "./cli/score.ts";
import { studyCommand } from "./cli/study.ts";
import { BsaError } from "./errors.ts";

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  dataset: datasetCommand,
  score: scoreCommand,
  paper: paperCommand,
  reproduce: reproduceCommand,
  run: runCommand,
  judge: judgeCommand,
  study: studyCommand,
  estimate: estimateCommand,
  compare: compareCommand,
  agreement: agreementCommand,
  power: powerCommand,
};

const USAGE = `bsa: the Beyond Safe Answers toolkit

Commands:
  dataset stats     composition of the dataset beside the paper's numbers
  run               generate k answers per question from an OpenAI-compatible endpoint
  judge             judge a run's answers and reasoning with an LLM judge
  score             BSA metrics from judgments (run folders, or the upstream CSV)
  study             expand a study file into runs, run, judge and score them
  estimate          requests, tokens and cost of a run before it starts
  compare           paired comparison of two runs (intervals, McNemar / permutation p, Holm)
  agreement         agreement between two judges (or a judge and human labels)
  power             smallest detectable difference for a baseline and k
  paper audit       recompute the paper's derived numbers and list disagreements
  reproduce         reproduce the paper's tables (deno task reproduce)

Run 'deno task bsa <command> --help' for a command's flags.`;

/** Run the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) {
    console.error(`bsa: unknown command '${command}'\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof BsaError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
