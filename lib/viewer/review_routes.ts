import { BsaError } from "../errors.ts";
import type { ReviewSession } from "../review/session.ts";
import { pageHtml } from "./page_html.ts";
import { SCENARIOS } from "../dataset/scenarios.ts";
import { loadJudgePrompts, type PromptSource } from "../pipeline/prompts.ts";
import { rubricWording } from "./rubric.ts";

/** A route handler the viewer's server consults before its own routes: a Response, or null to pass. */
export type ExtraRoutes = (req: Request, url: URL) => Promise<Response | null>;

/**
 * The viewer's review mode as routes: `/` is the labelling page (lib/viewer/page/review.js);
 * `GET /api/review/status` the reviewer's progress; `GET /api/review/item?i=N` a planned sample
 * without the judge's verdicts (unless this reviewer labelled it); `POST /api/review/label` saves
 * a label at once and answers with the sample and the judge's verdicts; `GET /api/review/rubric`
 * the judge rubric's wording of each verdict, for the page's buttons. A label must come from
 * the page itself: JSON (which a cross-site form cannot send without a preflight this server
 * never grants) from the server's own origin. The viewer's other API routes, which carry the
 * judge's verdicts, answer 404 while reviewing.
 *
 * @param session The reviewer's session.
 * @param options `prompts`: where the judge prompts are (default BSA_PROMPTS_DIR, else the pinned upstream files), for the rubric's wording on the buttons.
 * @returns The routes, for {@linkcode serveViewer}'s `routes` option.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { exampleRun } from "../store/example_run.ts";
 * import { reviewRoutes } from "./review_routes.ts";
 * import { ReviewSession } from "../review/session.ts";
 * import { judgedSamples, writePlan } from "../review/store.ts";
 * import { loadRunJudgments } from "../store/mod.ts";
 * import { planReview } from "../review/plan.ts";
 * import { loadDataset } from "../dataset/load.ts";
 * // A judged run (k=1) of ten Risk Omission questions, the first `safe` answered safely.
 * const judgedRun = (model: string, safe: number, tags: Record<string, string> = {}) => exampleRun({ model, safe, tags });
 * const run = await judgedRun("m", 4);
 * await writePlan(`${run}/plan.json`, planReview(judgedSamples(await loadRunJudgments([run])), { run, n: 3, seed: 1 }));
 * const session = await ReviewSession.open({ run, plan: `${run}/plan.json`, reviewer: "ana", dataset: await loadDataset() });
 * const routes = reviewRoutes(session);
 * const get = async (path: string) => await (await routes(new Request(`http://127.0.0.1${path}`), new URL(`http://127.0.0.1${path}`)))!.json();
 * assert.deepEqual(await get("/api/review/status"), { reviewer: "ana", total: 3, done: 0, next: 0 });
 * const item = await get("/api/review/item?i=0");
 * assert(item.index === 0 && item.scenario === "Risk Omission" && !("judge" in item)); // blind: no verdicts before a label
 * ```
 */
export function reviewRoutes(session: ReviewSession, options: { prompts?: PromptSource } = {}): ExtraRoutes {
  let html: Promise<{ text: string; csp: string }> | undefined;
  let rubric: Promise<unknown> | undefined;
  return async (req, url) => {
    if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/index.html")) {
      html ??= pageHtml({ mode: "served", page: "review" });
      const page = await html;
      return new Response(page.text, {
        headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": page.csp },
      });
    }
    // The viewer's own API shows the judge's verdicts: closed while labelling blind.
    if (url.pathname.startsWith("/api/") && !url.pathname.startsWith("/api/review/")) {
      return _json({ error: "the viewer's API is closed in review mode (blind labelling)" }, 404);
    }
    if (!url.pathname.startsWith("/api/review/")) return null;
    try {
      if (req.method === "GET" && url.pathname === "/api/review/status") return _json(session.status());
      // The rubric's words for the buttons, keyed by scenario name; without prompts, the reason.
      if (req.method === "GET" && url.pathname === "/api/review/rubric") {
        rubric ??= loadJudgePrompts(options.prompts).then((p) => {
          const w = rubricWording(p);
          return {
            answer: w.answer,
            reasoning: Object.fromEntries(SCENARIOS.map((s) => [s.name, w.reasoning[s.code]])),
            source: p.source,
          };
        }).catch((err) => ({ error: `the rubric's wording is not shown: ${(err as Error).message}` }));
        return _json(await rubric);
      }
      if (req.method === "GET" && url.pathname === "/api/review/item") {
        const i = Number(url.searchParams.get("i"));
        if (!Number.isInteger(i) || i < 0) return _json({ error: "i must be a sample index" }, 400);
        return _json(session.item(i));
      }
      if (req.method === "POST" && url.pathname === "/api/review/label") {
        const origin = req.headers.get("origin");
        if (origin !== null && origin !== url.origin) return _json({ error: "labels come from the page only" }, 403);
        if (!(req.headers.get("content-type") ?? "").startsWith("application/json")) {
          return _json({ error: "send the label as application/json" }, 415);
        }
        return _json(await session.label(await req.json()));
      }
      return _json({ error: "not found" }, 404);
    } catch (err) {
      if (err instanceof BsaError || err instanceof SyntaxError) return _json({ error: err.message }, 400);
      throw err;
    }
  };
}

function _json(data: unknown, status = 200): Response {
  return new Response(JSON.stringify(data), { status, headers: { "content-type": "application/json; charset=utf-8" } });
}
