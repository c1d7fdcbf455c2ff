/**
 * The paper's published numbers and their audit.
 * @module
 */
export { type AuditFinding, auditPaper } from "./audit.ts";
export { safetyRulesClaims, scalingClaims, type ScenarioGain, scenarioGains, star1Claims } from "./claims.ts";
export { DECODING_METRICS, type DecodingRow, decodingSpreads, type SpreadRow } from "./decoding_spreads.ts";
export { fittedAlpha, fScoreConvention, PRINTED_F, withRecomputedFScore } from "./fscore.ts";
export {
  determinedK,
  formatK,
  K_CANDIDATES,
  paperKFits,
  possibleK,
  printedDecimals,
  rowCondition,
  type RowKFit,
  scoreTables,
} from "./granularity.ts";
export { publishedIcc } from "./icc.ts";
export { loadPaper, PAPER_DIR, PAPER_FILES, type PaperTables, parsePaperCsv } from "./load.ts";
export {
  decodingSignificance,
  type MarkFamily,
  type PublishedMark,
  safetyRulesSignificance,
  star1Significance,
} from "./significance.ts";
export { auditTable, leaderboardTable, safetyRulesTable, star1Table } from "./tables.ts";
