import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { loadDataset } from "../../lib/dataset/mod.ts";
import { BsaError } from "../../lib/errors.ts";
import { fetchPinned, UPSTREAM_COMMIT, UPSTREAM_FILES } from "../../lib/upstream.ts";
import { DATASET_CSV, tempDir } from "../helpers/paths.ts";

/** A loopback server standing in for the upstream repository. */
function serveUpstream(body: () => Uint8Array | null) {
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    hits++;
    const path = new URL(req.url).pathname;
    const bytes = body();
    if (path !== `/${UPSTREAM_FILES.dataset.path}` || bytes === null) return new Response("nope", { status: 404 });
    return new Response(bytes as Uint8Array<ArrayBuffer>);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    hits: () => hits,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

const REAL = await Deno.readFile(DATASET_CSV);

Deno.test("the dataset downloads once, verifies its checksum and is then read from the cache", async () => {
  await using cache = await tempDir();
  await using up = serveUpstream(() => REAL);
  const path = await fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path });
  assert(path.startsWith(cache.path) && path.includes(UPSTREAM_COMMIT.slice(0, 12)), path);
  assertEquals(await Deno.readFile(path), REAL);
  assertEquals(up.hits(), 1);
  await fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path });
  assertEquals(up.hits(), 1, "second call must come from the cache");
  const ds = await loadDataset({ baseUrl: up.url, cacheDir: cache.path });
  assertEquals(ds.questions.numRows(), 2000);
  assert(ds.pinned);
});

Deno.test("a corrupted download is a checksum error and does not poison the cache", async () => {
  await using cache = await tempDir();
  const corrupted = REAL.slice();
  corrupted[100] ^= 0xff;
  let served = corrupted;
  await using up = serveUpstream(() => served);
  const err = await assertRejects(
    () => fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path }),
    BsaError,
    "checksum mismatch",
  );
  assert(err.message.includes(UPSTREAM_FILES.dataset.sha256), err.message);
  const left = [...Deno.readDirSync(cache.path)].flatMap((e) =>
    e.isDirectory ? [...Deno.readDirSync(`${cache.path}/${e.name}`)].map((f) => f.name) : [e.name]
  );
  assert(!left.some((n) => n.endsWith(".csv") || n.startsWith(".download-")), `cache holds ${left}`);
  // The same cache then accepts the good file.
  served = REAL;
  const path = await fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path });
  assertEquals(await Deno.readFile(path), REAL);
});

Deno.test("a cached file that no longer matches its checksum is replaced, never used", async () => {
  await using cache = await tempDir();
  await using up = serveUpstream(() => REAL);
  const path = await fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path });
  await Deno.writeTextFile(path, "id,query\ntampered,1\n");
  await fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path });
  assertEquals(up.hits(), 2);
  assertEquals(await Deno.readFile(path), REAL);
});

Deno.test("an HTTP error and an unreachable host are clear errors", async () => {
  await using cache = await tempDir();
  await using up = serveUpstream(() => null);
  await assertRejects(
    () => fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: up.url, cacheDir: cache.path }),
    BsaError,
    "HTTP 404",
  );
  // Port 9 on loopback: nothing listens, the connection is refused at once.
  await assertRejects(
    () => fetchPinned(UPSTREAM_FILES.dataset, { baseUrl: "http://127.0.0.1:9", cacheDir: cache.path }),
    BsaError,
    "BSA_DATASET",
  );
});
