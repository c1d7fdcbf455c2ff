/**
 * The parts of inspect_ai's log model (its OpenAPI document, `components/schemas`) that bsa
 * writes and reads. Names and fields follow the schema; what bsa never fills is left out.
 * @module
 */

/** `ContentText` / `ContentReasoning` items of a message's content list. */
export type InspectContent =
  | { type: "text"; text: string }
  | { type: "reasoning"; reasoning: string; redacted: boolean; summary?: string | null; signature?: string | null }
  | { type: string; [field: string]: unknown };

/** `ChatMessageSystem`, `ChatMessageUser`, `ChatMessageAssistant` (tool messages are read as nothing). */
export interface InspectMessage {
  id?: string | null;
  role: "system" | "user" | "assistant" | "tool";
  content: string | InspectContent[];
  source?: "input" | "generate" | "operator" | null;
  model?: string | null;
  metadata?: Record<string, unknown> | null;
}

/** `ModelUsage`. */
export interface InspectUsage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
}

/** `ChatCompletionChoice`. */
export interface InspectChoice {
  message: InspectMessage;
  stop_reason: "stop" | "max_tokens" | "model_length" | "tool_calls" | "content_filter" | "unknown";
}

/** `ModelOutput`. */
export interface InspectOutput {
  model: string;
  choices: InspectChoice[];
  completion: string;
  usage?: InspectUsage | null;
  error?: string | null;
}

/** `Score` (and `EvalSampleScore` with `sample_id`). */
export interface InspectScore {
  value: string | number | boolean | Record<string, unknown> | unknown[];
  answer?: string | null;
  explanation?: string | null;
  metadata?: Record<string, unknown> | null;
  history: unknown[];
  sample_id?: string | number | null;
}

/** `EvalError`. */
export interface InspectError {
  message: string;
  traceback: string;
  traceback_ansi: string;
}

/** `EvalSample`. */
export interface InspectSample {
  id: string | number;
  epoch: number;
  input: string | InspectMessage[];
  target: string | string[];
  messages: InspectMessage[];
  output: InspectOutput;
  scores?: Record<string, InspectScore> | null;
  metadata: Record<string, unknown>;
  store: Record<string, unknown>;
  events: unknown[];
  model_usage: Record<string, InspectUsage>;
  role_usage: Record<string, InspectUsage>;
  attachments: Record<string, string>;
  error?: InspectError | null;
  error_retries?: unknown[] | null;
}

/** `EvalSampleSummary`: what `summaries.json` of an `.eval` file lists per sample. */
export interface InspectSampleSummary {
  id: string | number;
  epoch: number;
  input: string | InspectMessage[];
  target: string | string[];
  metadata: Record<string, unknown>;
  scores?: Record<string, InspectScore> | null;
  model_usage: Record<string, InspectUsage>;
  role_usage: Record<string, InspectUsage>;
  error?: string | null;
  completed: boolean;
  message_count?: number | null;
}

/** `EvalMetric`. */
export interface InspectMetric {
  name: string;
  value: number;
  params: Record<string, unknown>;
  metadata?: Record<string, unknown> | null;
}

/** `EvalScore`. */
export interface InspectEvalScore {
  name: string;
  scorer: string;
  reducer?: string | null;
  scored_samples?: number | null;
  unscored_samples?: number | null;
  params: Record<string, unknown>;
  metrics: Record<string, InspectMetric>;
  metadata?: Record<string, unknown> | null;
}

/** `EvalSampleReductions`. */
export interface InspectReductions {
  scorer: string;
  reducer?: string | null;
  samples: InspectScore[];
}

/** `EvalSpec` (the fields bsa fills; a read log may hold more). */
export interface InspectEvalSpec {
  eval_id: string;
  run_id: string;
  created: string;
  task: string;
  task_id: string;
  task_version: number | string;
  task_display_name?: string | null;
  task_attribs: Record<string, unknown>;
  task_args: Record<string, unknown>;
  task_args_passed: Record<string, unknown>;
  dataset: {
    name?: string | null;
    location?: string | null;
    samples?: number | null;
    sample_ids?: (string | number)[] | null;
    shuffled?: boolean | null;
  };
  model: string;
  model_base_url?: string | null;
  model_generate_config: Record<string, unknown>;
  model_args: Record<string, unknown>;
  model_roles?:
    | Record<string, { model: string; config: Record<string, unknown>; args: Record<string, unknown> }>
    | null;
  config: Record<string, unknown>;
  packages: Record<string, string>;
  scorers?:
    | { name: string; options?: Record<string, unknown> | null; metrics?: unknown[] | null; metadata?: unknown }[]
    | null;
  tags?: string[] | null;
  metadata?: Record<string, unknown> | null;
}

/** `EvalPlan`. */
export interface InspectPlan {
  name: string;
  steps: { solver: string; params: Record<string, unknown>; params_passed: Record<string, unknown> }[];
  config: Record<string, unknown>;
}

/** `EvalResults`. */
export interface InspectResults {
  total_samples: number;
  completed_samples: number;
  scores: InspectEvalScore[];
  metadata?: Record<string, unknown> | null;
}

/** `EvalStats`. */
export interface InspectStats {
  started_at: string;
  completed_at: string;
  model_usage: Record<string, InspectUsage>;
  role_usage: Record<string, InspectUsage>;
  connection_limit_history: unknown[];
}

/** `EvalLog`: what a `.json` log file holds (an `.eval` file holds the same, split into members). */
export interface InspectLog {
  version: number;
  status: "started" | "success" | "cancelled" | "error";
  eval: InspectEvalSpec;
  plan: InspectPlan;
  results?: InspectResults | null;
  stats: InspectStats;
  error?: InspectError | null;
  invalidated: boolean;
  tags: string[];
  metadata: Record<string, unknown>;
  samples?: InspectSample[] | null;
  reductions?: InspectReductions[] | null;
}
