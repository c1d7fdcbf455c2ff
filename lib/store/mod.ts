/**
 * The run store: the one owner of a run folder's files (manifest, generations, judgments per
 * judge, labels, review plan and strata, the batch folder's state, request, result and judge
 * parts files, locks). It reads (newest record per sample, verdicts through the one
 * normaliser, a cut last line skipped), appends (one whole line per write, a cut line
 * repaired on open), writes atomically, and locks with operating-system locks that die with
 * their process. See docs/runs.md.
 * @module
 */
export {
  type BatchRequestFile,
  type BatchResultPart,
  openJudgeParts,
  readBatchRequests,
  readBatchResult,
  readJudgeParts,
  saveBatchResult,
  writeBatchRequests,
} from "./batch_files.ts";
export { type BatchEntry, type BatchState, readBatchState, readBatchStates, writeBatchState } from "./batch_state.ts";
export { DEFAULT_JUDGE, judgeLabel, judgeLabels, labelFiles, labelsFile, type RunFiles, runFiles } from "./files.ts";
export { readJsonFile, writeJsonFile } from "./json_file.ts";
export {
  badLineExcerpt,
  JsonlAppender,
  readJsonl,
  type ReadJsonlOptions,
  readLatest,
  readNumberedJsonl,
  type ReadNumberedJsonlOptions,
  repairJsonl,
  sampleKey,
  WriteError,
} from "./jsonl.ts";
export { type IndexedRecord, JsonlIndex, type RefreshResult, scanLines } from "./jsonl_index.ts";
export { loadRunJudgments, noJudgmentsError, type RunJudgments } from "./judgments.ts";
export { appendLabel, readLabelsText } from "./labels.ts";
export { acquireLock, LockedError, type LockInfo, type RunLock, withLock } from "./lock.ts";
export {
  createRunFolder,
  ForeignFolderError,
  FORMAT_VERSION,
  type JudgeParams,
  type JudgeRecord,
  MANIFEST_SCHEMA,
  manifestConflicts,
  newManifest,
  NotARunError,
  readManifest,
  type ReadManifestOptions,
  removeUnstartedRun,
  runFolderState,
  type RunManifest,
  updateManifest,
  writeManifest,
} from "./manifest.ts";
export type { GenerationOutcome, GenerationRecord, JudgmentRecord, LabelRecord } from "./records.ts";
export {
  type GenerationMeta,
  generationsBusy,
  generationsIndex,
  judgmentCounts,
  type JudgmentMeta,
  judgmentsIndex,
  lockGenerations,
  lockJudgments,
  openGenerations,
  openJudgments,
  readGenerations,
  readJudgments,
  readRunPlan,
  runSampleKeys,
  scanRun,
  unjudged,
} from "./run_records.ts";
export { type BatchLimits, writeRequestFiles, type WrittenRequestFile } from "./request_files.ts";
export { expandRunPaths, runPathsFromEnv } from "./run_paths.ts";
export { isRunFolder, type NewRun, readRunRecords, runFolders, type RunRecords, writeRunFolder } from "./whole_run.ts";
export { doneKeys, sampleKeys, type SampleScan, type SampleState, sampleState, scanSamples } from "./samples.ts";
export { type Schema, type SchemaType, validate } from "./schema.ts";
export { type RunStatus, runStatus } from "./status.ts";
