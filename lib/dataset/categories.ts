/** One of the paper's 9 risk categories, named as the paper prints them. */
export interface RiskCategory {
  /** The paper's name, e.g. "Offense & Prejudice". */
  name: string;
  /** The spelling used in the dataset's `label` column, e.g. "Offense and Prejudice". */
  dataName: string;
}

/**
 * The 9 risk categories, in the order of the paper's dataset statistics table.
 * The data writes "Pornography-Child Pornography" where the paper says "Child Pornography".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CATEGORIES } from "./categories.ts";
 * assert(CATEGORIES.length === 9);
 * ```
 */
export const CATEGORIES: readonly RiskCategory[] = [
  { name: "Offense & Prejudice", dataName: "Offense and Prejudice" },
  { name: "Specially Regulated Items", dataName: "Specially Regulated Items" },
  { name: "Property Infringement", dataName: "Property Infringement" },
  { name: "Invasion of Privacy & Confidentiality", dataName: "Invasion of Privacy and Confidentiality" },
  { name: "Physical & Mental Health", dataName: "Physical and Mental Health" },
  { name: "Violence & Terrorism", dataName: "Violence and Terrorism" },
  { name: "Ethics & Morality", dataName: "Ethics and Morality" },
  { name: "Rumors", dataName: "Rumors" },
  { name: "Child Pornography", dataName: "Pornography" },
];
