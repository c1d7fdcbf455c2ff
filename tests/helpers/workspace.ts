import { ROOT } from "./paths.ts";

/**
 * A throwaway copy of the project layout for running notebooks: notebooks are copied (they
 * are executed in place), while lib/, data/, deno.json and deno.lock are symlinked, so the
 * notebooks' `../lib/...` imports and the import map resolve as in the repository.
 */
export async function notebookWorkspace(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await Deno.makeTempDir({ prefix: "bsa-ws-" });
  for (const entry of ["lib", "data", "deno.json", "deno.lock", "studies"]) {
    await Deno.symlink(`${ROOT}${entry}`, `${path}/${entry}`);
  }
  await Deno.mkdir(`${path}/notebooks`);
  for (const e of Deno.readDirSync(`${ROOT}notebooks`)) {
    if (e.name.endsWith(".ipynb")) await Deno.copyFile(`${ROOT}notebooks/${e.name}`, `${path}/notebooks/${e.name}`);
  }
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}
