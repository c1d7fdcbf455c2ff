/** Counters a progress display shows. */
export interface ProgressState {
  done: number;
  total: number;
  /** Samples recorded as failed for good (the run's final "failed" count). */
  failures: number;
  /** Failed attempts the client made (429, 5xx, timeouts): retried, or given up after the last retry. */
  retries: number;
  tokens: number;
}

/**
 * Where a progress display writes, given by the caller: library code never writes to
 * stdout or stderr itself, so a notebook calling `generate()` sees no output unless it asks.
 * The command line passes one writing to stderr (`stderrProgress` in lib/cli/_print.ts).
 */
export interface ProgressSink {
  /** Receives each redraw (with `\r` and an escape code on a terminal) or each plain line. */
  write: (text: string) => void;
  /** Whether the sink is a terminal: a redrawn bar rather than plain lines (default false). */
  tty?: boolean;
  /** Least time between two lines (default 100 ms on a terminal, 10 s otherwise). */
  intervalMs?: number;
}

/**
 * A progress display: a redrawn bar on a terminal; plain lines (at most one every
 * `intervalMs`) otherwise, so logs stay readable. With no `write` it shows nothing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Progress } from "./progress.ts";
 * const lines: string[] = [];
 * const p = new Progress("gen", 2, { tty: false, intervalMs: 0, write: (s) => lines.push(s) });
 * p.tick({ retries: 3 });
 * p.tick({ done: 2 });
 * assert(lines.at(-1)!.includes("2/2 (100.0%)") && lines.at(-1)!.includes("retries 3 failed 0"));
 * ```
 */
export class Progress {
  readonly state: ProgressState;
  #label: string;
  #start = performance.now();
  #last = 0;
  #tty: boolean;
  #intervalMs: number;
  #write: (s: string) => void;
  #drawnAt = -1;

  constructor(
    label: string,
    total: number,
    options: Partial<ProgressSink> = {},
  ) {
    this.#label = label;
    this.state = { done: 0, total, failures: 0, retries: 0, tokens: 0 };
    this.#tty = options.tty ?? false;
    this.#intervalMs = options.intervalMs ?? (this.#tty ? 100 : 10_000);
    // No sink, no output: only the caller (the CLI) decides where progress goes.
    this.#write = options.write ?? (() => {});
  }

  /** Record progress and redraw when due. */
  tick(delta: Partial<ProgressState> = {}): void {
    this.state.done += delta.done ?? 0;
    this.state.failures += delta.failures ?? 0;
    this.state.retries += delta.retries ?? 0;
    this.state.tokens += delta.tokens ?? 0;
    const now = performance.now();
    if (now - this.#last >= this.#intervalMs || this.state.done === this.state.total) {
      this.#last = now;
      this.#draw(false);
    }
  }

  /** Final line (not repeated when the last tick already drew this state on a log). */
  finish(): void {
    if (this.#tty || this.#drawnAt !== this.state.done) this.#draw(true);
  }

  /** The text of the current status line (without bar when not a TTY). */
  line(): string {
    const { done, total, failures, retries, tokens } = this.state;
    const secs = (performance.now() - this.#start) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const pct = total ? (100 * done) / total : 100;
    const bar = this.#tty ? `[${"#".repeat(Math.round(pct / 5)).padEnd(20, ".")}] ` : "";
    return `${this.#label} ${bar}${done}/${total} (${pct.toFixed(1)}%) ${rate.toFixed(1)}/s ETA ${_fmt(eta)} ` +
      // Retried attempts are not failures: a run can retry 21 times and end with 0 failed.
      `retries ${retries} failed ${failures} tokens ${tokens}`;
  }

  #draw(final: boolean) {
    this.#drawnAt = this.state.done;
    if (this.#tty) this.#write(`\r\x1b[2K${this.line()}${final ? "\n" : ""}`);
    else this.#write(this.line() + "\n");
  }
}

function _fmt(s: number): string {
  if (!Number.isFinite(s)) return "--";
  const m = Math.floor(s / 60);
  return m ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}

/**
 * Report when nothing has completed for `afterMs` (default one minute), then again each
 * further period: a hung endpoint is visible even when progress is off (`--quiet`).
 * Call `completed()` whenever a request finishes, `stop()` at the end. The preflight has one
 * too (`ChatClient.preflight`), so a hung endpoint is never silent, before generation either.
 *
 * @param label What is running (in the message).
 * @param log Where the message goes.
 * @param afterMs The quiet period before a report (default one minute).
 * @param what What has not happened (default "nothing has completed").
 * @returns `completed()` and `stop()`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stallWatch } from "./progress.ts";
 * const lines: string[] = [];
 * const w = stallWatch("generate m", (s) => lines.push(s), 20);
 * await new Promise((r) => setTimeout(r, 70));
 * w.stop();
 * assert(lines.length >= 1 && lines[0].includes("nothing has completed"));
 * ```
 */
export function stallWatch(
  label: string,
  log: (line: string) => void,
  afterMs = 60_000,
  what = "nothing has completed",
): { completed(): void; stop(): void } {
  let last = performance.now();
  const timer = setInterval(() => {
    const idle = performance.now() - last;
    if (idle >= afterMs) {
      log(
        `${label}: ${what} for ${
          _fmt(idle / 1000)
        }; requests are still waiting (each is bounded by the per-request timeout)`,
      );
    }
  }, afterMs);
  Deno.unrefTimer(timer);
  return { completed: () => void (last = performance.now()), stop: () => clearInterval(timer) };
}
