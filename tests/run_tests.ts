/**
 * `deno task test`: the whole suite (or the paths given), with the benchmark files read from
 * `../shared/bsa` beside the checkout when they are there and no `BSA_DATASET` /
 * `BSA_PROMPTS_DIR` says otherwise; without them, tests fall back to the pinned download.
 * @module
 */
import { fileURLToPath } from "node:url";

const shared = fileURLToPath(new URL("../../shared/bsa/", import.meta.url));
const env: Record<string, string> = {};
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
if (!Deno.env.get("BSA_DATASET") && await exists(`${shared}dataset.csv`)) env.BSA_DATASET = `${shared}dataset.csv`;
if (!Deno.env.get("BSA_PROMPTS_DIR") && await exists(`${shared}prompts`)) env.BSA_PROMPTS_DIR = `${shared}prompts`;

const paths = Deno.args.length ? Deno.args : ["--doc", "lib/", "lint/", "tests/"];
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-all", ...paths],
  cwd: fileURLToPath(new URL("../", import.meta.url)),
  env,
  stdin: "inherit",
  stdout: "inherit",
  stderr: "inherit",
}).output();
Deno.exit(code);
