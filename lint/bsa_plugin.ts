/**
 * Lint rules of bsa-lab that `deno lint` lacks a per-folder setting for.
 *
 * `bsa/no-console-in-lib`: library code returns values and warnings and throws typed errors;
 * only the command line (`lib/cli.ts`, `lib/cli/`) prints.
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

const plugin: Deno.lint.Plugin = {
  name: "bsa",
  rules: {
    "no-console-in-lib": {
      create(context) {
        if (!isQuietLib(context.filename)) return {};
        return {
          MemberExpression(node) {
            if (node.object.type !== "Identifier" || node.object.name !== "console") return;
            context.report({
              node,
              message: "library code does not print: return the text or a warning; the CLI prints it",
            });
          },
        };
      },
    },
  },
};

export default plugin;
