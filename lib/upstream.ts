import { fileURLToPath } from "node:url";
import { BsaError, DownloadError } from "./errors.ts";
import { sha256Hex } from "./hash.ts";

/**
 * The upstream benchmark commit every download is pinned to.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UPSTREAM_COMMIT } from "./upstream.ts";
 * assert(UPSTREAM_COMMIT.length === 40);
 * ```
 */
export const UPSTREAM_COMMIT = "b54c09fb8c8fdc0d568bdaff89ff0a46149ab094";

/**
 * Raw-file base URL of the upstream repository at the pinned commit.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UPSTREAM_BASE_URL, UPSTREAM_COMMIT } from "./upstream.ts";
 * assert(UPSTREAM_BASE_URL.endsWith(UPSTREAM_COMMIT));
 * ```
 */
export const UPSTREAM_BASE_URL = `https://raw.githubusercontent.com/OpenStellarTeam/BSA/${UPSTREAM_COMMIT}`;

/** A file of the upstream repository, pinned by its path and checksum. */
export interface PinnedFile {
  /** Path inside the upstream repository, e.g. `data/dataset.csv`. */
  path: string;
  /** Expected hex SHA-256 of its bytes. */
  sha256: string;
  /** The variable that points at a local copy instead (named when the download fails). */
  localCopy?: "BSA_DATASET" | "BSA_PROMPTS_DIR";
}

/**
 * The upstream files the toolkit uses (CC BY-NC 4.0; downloaded at run time, never committed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UPSTREAM_FILES } from "./upstream.ts";
 * assert(UPSTREAM_FILES.dataset.path === "data/dataset.csv");
 * ```
 */
export const UPSTREAM_FILES = {
  dataset: {
    path: "data/dataset.csv",
    sha256: "c1e26c30d0a0c8013d986aeb84b63c4b592387a92c52c70fd79b2796678eef3c",
    localCopy: "BSA_DATASET",
  },
  safeAnswerJudge: {
    path: "Prompt/Safe_Ans_Judge.md",
    sha256: "7c72e39dde166756f7ce6dbdf07cbe2855f679e1d5e20689ebc7600ecd9041b1",
    localCopy: "BSA_PROMPTS_DIR",
  },
  thinkingJudge: {
    path: "Prompt/Thinking_Accuracy_Judge.md",
    sha256: "1bcfe0906882a85f0f37f199626af64b5371e661c658833d2f993e0a5f6e13cf",
    localCopy: "BSA_PROMPTS_DIR",
  },
  safetyRules: {
    path: "Prompt/Safe_Rules.md",
    sha256: "f8220589d42357decd92aa762cc773aa3352dc365d13abc352b4578733a30903",
    localCopy: "BSA_PROMPTS_DIR",
  },
} as const satisfies Record<string, PinnedFile>;

/** Where and how {@linkcode fetchPinned} downloads. */
export interface FetchPinnedOptions {
  /** Base URL the file path is appended to. Default: `BSA_UPSTREAM_URL` or {@linkcode UPSTREAM_BASE_URL}. */
  baseUrl?: string;
  /** Cache folder. Default: `BSA_CACHE_DIR` or `.cache/bsa-lab` at the project root. */
  cacheDir?: string;
}

/**
 * The default cache folder: `BSA_CACHE_DIR`, else `.cache/bsa-lab` at the project root (git-ignored).
 *
 * @returns The cache folder's path.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { defaultCacheDir } from "./upstream.ts";
 * assert(defaultCacheDir().length > 0);
 * ```
 */
export function defaultCacheDir(): string {
  const fromEnv = Deno.env.get("BSA_CACHE_DIR");
  if (fromEnv) return fromEnv;
  return fileURLToPath(new URL("../.cache/bsa-lab", import.meta.url));
}

/**
 * Return the local path of a pinned upstream file, downloading it once into the cache.
 *
 * A cached copy is re-verified on every call; a copy whose checksum is wrong is
 * never used. A download is written to a temporary file and moved into place
 * only after its checksum matches, so a failed or corrupted download leaves the
 * cache as it was.
 *
 * @param file The upstream path and its expected SHA-256.
 * @param options Where to download from and where to cache.
 * @returns The path of the verified local copy.
 * @throws {DownloadError} The server cannot be reached.
 * @throws {BsaError} The server answers with an error, or the checksum is not `file.sha256` (nothing is cached then).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fetchPinned } from "./upstream.ts";
 * import { sha256Hex } from "./hash.ts";
 * const body = "id,query\n1,hello\n";
 * await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response(body));
 * const options = { baseUrl: `http://127.0.0.1:${server.addr.port}`, cacheDir: await Deno.makeTempDir() };
 * const path = await fetchPinned({ path: "data/tiny.csv", sha256: await sha256Hex(body) }, options);
 * assert(path.endsWith("/data/tiny.csv") && await Deno.readTextFile(path) === body);
 * const wrong = { path: "data/other.csv", sha256: "0".repeat(64) };
 * await assert.rejects(fetchPinned(wrong, options), /checksum mismatch/);
 * ```
 */
export async function fetchPinned(file: PinnedFile, options: FetchPinnedOptions = {}): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const target = `${cacheDir}/${UPSTREAM_COMMIT.slice(0, 12)}/${file.path}`;
  try {
    const cached = await Deno.readFile(target);
    if ((await sha256Hex(cached)) === file.sha256) return target;
    await Deno.remove(target);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const base = (options.baseUrl ?? Deno.env.get("BSA_UPSTREAM_URL") ?? UPSTREAM_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/${file.path}`;
  let bytes: Uint8Array;
  try {
    const res = await fetch(url);
    if (!res.ok) {
      await res.body?.cancel();
      throw new BsaError(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`);
    }
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof BsaError) throw err;
    throw new DownloadError(url, (err as Error).message, file.localCopy, err);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new BsaError(
      `checksum mismatch for ${url}: expected sha256 ${file.sha256}, got ${actual}; the file was not cached`,
    );
  }
  const dir = target.slice(0, target.lastIndexOf("/"));
  await Deno.mkdir(dir, { recursive: true });
  const tmp = await Deno.makeTempFile({ dir, prefix: ".download-" });
  try {
    await Deno.writeFile(tmp, bytes);
    await Deno.rename(tmp, target);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  return target;
}
