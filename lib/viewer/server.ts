import { fileURLToPath } from "node:url";
import { BsaError } from "../errors.ts";
import { describeProblems, filterProblems, parseFilter } from "./page/filter.js";
import { pageHtml } from "./page_html.ts";
import type { RunViewer } from "./store.ts";

/** A running viewer server. */
export interface ViewerServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  /** Stop serving and wait for open requests to end. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

/** Options of {@linkcode serveViewer}. */
export interface ServeOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Questions per page the page asks for at most (default 50). */
  maxPage?: number;
  /** Routes consulted before the viewer's own (review mode: lib/viewer/review_routes.ts). */
  routes?: (req: Request, url: URL) => Promise<Response | null>;
}

const PAGE_DIR = fileURLToPath(new URL("./page/", import.meta.url));
const TYPES: Record<string, string> = { js: "text/javascript; charset=utf-8", css: "text/css; charset=utf-8" };

/**
 * Serve the viewer of a {@linkcode RunViewer} on 127.0.0.1 only (the runs hold unreviewed model
 * output and nothing here is meant for the network). Every API call first reads what the runs'
 * files gained, so a run still being written shows its new samples.
 *
 * Routes: `/` the page; `/static/*` its scripts and styles (lib/viewer/page/); `/api/meta`;
 * `/api/query?<filter>&offset=N&limit=N`; `/api/scores?<filter>` (filters as in the URL hash).
 *
 * @param viewer The runs to show.
 * @param options The port (default: a free one), page size, and extra routes (the review mode's).
 * @returns The server's URL and port, and `shutdown()`.
 * @throws {BsaError} The port asked for is already in use.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { serveViewer } from "./server.ts";
 * import { RunViewer } from "./store.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const viewer = await RunViewer.open([await judgedRun("m", 4)], await loadDataset());
 * const server = await serveViewer(viewer, { port: 0 });
 * try {
 *   assert(server.url.startsWith("http://127.0.0.1:")); // never on the network
 *   const res = await fetch(`${server.url}api/query?answer=Safe&offset=0&limit=50`);
 *   const page = await res.json();
 *   assert(page.questions === 4 && page.items[0].question.id === "q0");
 *   // A port already taken is a plain error, not a runtime stack trace.
 *   await assert.rejects(serveViewer(viewer, { port: server.port }), /port \d+ on 127\.0\.0\.1 is already in use/);
 * } finally {
 *   await server.shutdown();
 * }
 * ```
 */
export async function serveViewer(viewer: RunViewer, options: ServeOptions = {}): Promise<ViewerServer> {
  const maxPage = options.maxPage ?? 50;
  const html = await pageHtml({ mode: "served" });
  let lastRefresh = -Infinity;
  const port = options.port ?? 0;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port,
        onListen() {},
        // Nothing a request carries may print a stack trace in the user's terminal.
        onError: () => _text("internal error", 500),
      },
      async (req) => {
        // A page elsewhere could point a host name of its own at 127.0.0.1 (DNS rebinding): answer only our own names.
        const host = _hostProblem(req.headers.get("host"));
        if (host) return _text(host.text, host.status);
        let url: URL;
        try {
          url = new URL(req.url);
        } catch {
          return _text("bad request: malformed URL or Host header", 400);
        }
        const extra = await options.routes?.(req, url);
        if (extra) {
          for (const [k, v] of Object.entries(_security())) if (!extra.headers.has(k)) extra.headers.set(k, v);
          return extra;
        }
        if (req.method !== "GET") return _text("method not allowed", 405);
        try {
          if (url.pathname === "/" || url.pathname === "/index.html") {
            return new Response(html.text, {
              headers: { ..._security(html.csp), "content-type": "text/html; charset=utf-8" },
            });
          }
          if (url.pathname === "/favicon.ico") return new Response(null, { status: 204 });
          const file = /^\/static\/([a-z_]+)\.(js|css)$/.exec(url.pathname);
          if (file) {
            try {
              const body = await Deno.readFile(`${PAGE_DIR}${file[1]}.${file[2]}`);
              return new Response(body, { headers: { ..._security(), "content-type": TYPES[file[2]] } });
            } catch {
              return _text("not found", 404);
            }
          }
          if (url.pathname.startsWith("/api/")) {
            // Many calls come together (a page, its scores, the poll): read the files at most every 250 ms.
            if (performance.now() - lastRefresh > 250) {
              await viewer.refresh();
              lastRefresh = performance.now();
            }
            const filter = parseFilter(url.search);
            if (url.pathname === "/api/meta") return _json(viewer.meta());
            // A link with a value no sample can have is refused with what would work.
            const problems = filterProblems(url.search, viewer.meta(), ["offset", "limit"]);
            if (problems.length) return _json({ error: describeProblems(problems), problems }, 400);
            if (url.pathname === "/api/query") {
              const offset = _int(url.searchParams.get("offset"), 0);
              const limit = Math.min(_int(url.searchParams.get("limit"), 10), maxPage);
              return _json(await viewer.query(filter, { offset, limit }));
            }
            if (url.pathname === "/api/scores") return _json(await viewer.scores(filter));
          }
          return _text("not found", 404);
        } catch (err) {
          return _json({ error: (err as Error).message }, 500);
        }
      },
    );
  } catch (err) {
    // The port is the user's choice: say so plainly instead of a runtime stack trace.
    if (err instanceof Deno.errors.AddrInUse) {
      throw new BsaError(`port ${port} on 127.0.0.1 is already in use (another viewer or server holds it)`);
    }
    throw err;
  }
  const addr = server.addr;
  return {
    url: `http://127.0.0.1:${addr.port}/`,
    port: addr.port,
    shutdown: () => server.shutdown(),
    finished: server.finished,
  };
}

function _security(csp?: string): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    ...(csp ? { "content-security-policy": csp } : {}),
  };
}

function _json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { ..._security(), "content-type": "application/json; charset=utf-8" },
  });
}

function _text(text: string, status: number): Response {
  return new Response(text, { status, headers: { ..._security(), "content-type": "text/plain; charset=utf-8" } });
}

function _int(v: string | null, dflt: number): number {
  const n = Number(v);
  return v !== null && Number.isInteger(n) && n >= 0 ? n : dflt;
}

// Why a Host header is refused: 400 when it is no host[:port] at all (`127.0.0.1:99999`, a
// port beyond 65535, or empty), 403 when it names a host other than ours; null when it is ours.
function _hostProblem(host: string | null): { status: number; text: string } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\s/\\@]+)(?::(\d{1,5}))?$/.exec(host ?? "");
  if (!m || (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535))) {
    return { status: 400, text: "bad request: malformed Host header" };
  }
  return m[1] === "127.0.0.1" || m[1] === "localhost" ? null : { status: 403, text: "forbidden host" };
}
