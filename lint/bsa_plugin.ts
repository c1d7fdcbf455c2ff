/**
 * Lint rules of bsa-lab that `deno lint` lacks a per-folder setting for.
 *
 * `bsa/no-console-in-lib`: library code returns values and warnings and throws typed errors;
 * only the command line (`lib/cli.ts`, `lib/cli/`) prints. The rule reports `console.*` and any
 * use of `Deno.stdout` / `Deno.stderr` in library files. Tested in tests/lint/bsa_plugin_test.ts.
 * @module
 */

/**
 * Whether a file is library code that must not print (under `lib/`, outside the CLI).
 *
 * @param filename The file's path.
 * @returns True for library files.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isQuietLib } from "./bsa_plugin.ts";
 * assert(isQuietLib("/repo/lib/metrics/score.ts"));
 * assert(!isQuietLib("/repo/lib/cli/score.ts") && !isQuietLib("/repo/lib/cli.ts") && !isQuietLib("/repo/tests/x.ts"));
 * ```
 */
export function isQuietLib(filename: string): boolean {
  const p = filename.replaceAll("\\", "/");
  return /\/lib\//.test(p) && !/\/lib\/cli(\.ts$|\/)/.test(p);
}

/** Why a library file must not print: shown with every report of the rule. */
const MESSAGE = "library code does not print: return the text or a warning (or take a sink); the CLI prints it";

const plugin: Deno.lint.Plugin = {
  name: "bsa",
  rules: {
    // The name predates the Deno.stdout/Deno.stderr check; kept so existing ignore comments still apply.
    "no-console-in-lib": {
      create(context) {
        if (!isQuietLib(context.filename)) return {};
        return {
          MemberExpression(node) {
            const o = node.object;
            if (o.type !== "Identifier") return;
            // `console.x`, and `Deno.stdout` / `Deno.stderr` (their writers, `writeSync`, streams):
            // a library that touches them prints whatever the caller wanted.
            const printer = o.name === "console" ||
              (o.name === "Deno" && !node.computed && node.property.type === "Identifier" &&
                (node.property.name === "stdout" || node.property.name === "stderr"));
            if (printer) context.report({ node, message: MESSAGE });
          },
        };
      },
    },
  },
};

export default plugin;
