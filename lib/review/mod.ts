/**
 * Validating the judge against people: review plans (a stratified sample with its design),
 * labels files, and the judge's agreement with people with design-weighted intervals.
 * @module
 */
export * from "./agreement.ts";
export * from "./labels.ts";
export * from "./plan.ts";
export * from "./store.ts";
export * from "./session.ts";
export * from "./summary.ts";
