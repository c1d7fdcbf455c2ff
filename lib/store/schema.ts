/**
 * A small JSON Schema subset (`type`, `properties`, `required`, `items`,
 * `additionalProperties`, `minimum`, `minLength`) and a validator that names every field it
 * rejects, for the store's written formats (the run manifest).
 * @module
 */

/** A JSON Schema, in the subset the store's formats use. */
export interface Schema {
  type?: SchemaType | SchemaType[];
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  minimum?: number;
  minLength?: number;
}

/** The JSON types a schema names. */
export type SchemaType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

function _typeOf(v: unknown): SchemaType {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v as SchemaType;
}

/**
 * Check a value against a schema; every problem, one per field, named by its path
 * (`dataset.sha256`, `subset.ids[3]`).
 *
 * @param value The parsed JSON.
 * @param schema The schema.
 * @param path The path of `value` (empty at the top).
 * @returns One line per problem (empty when the value is valid).
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validate } from "./schema.ts";
 * const schema = { type: "object" as const, required: ["k"], properties: { k: { type: "integer" as const, minimum: 1 }, ids: { type: "array" as const, items: { type: "string" as const } } } };
 * assert.deepEqual(validate({ k: 0, ids: ["a", 2] }, schema), ["'k' must be at least 1, got 0", "'ids[1]' must be a string, got 2"]);
 * assert.deepEqual(validate({}, schema), ["'k' is missing"]);
 * ```
 */
export function validate(value: unknown, schema: Schema, path = ""): string[] {
  const out: string[] = [];
  const name = path || "(the top)";
  const got = (v: unknown) => {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  };
  if (schema.type) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    const t = _typeOf(value);
    const ok = types.includes(t) || (t === "integer" && types.includes("number"));
    if (!ok) {
      const want = types.map((x) =>
        x === "object"
          ? "an object"
          : x === "array"
          ? "a list"
          : x === "integer"
          ? "an integer"
          : x === "null"
          ? "null"
          : `a ${x}`
      );
      return [`'${name}' must be ${want.join(" or ")}, got ${got(value)}`];
    }
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) {
    out.push(`'${name}' must be at least ${schema.minimum}, got ${value}`);
  }
  if (typeof value === "string" && schema.minLength !== undefined && value.length < schema.minLength) {
    out.push(`'${name}' must not be empty`);
  }
  if (Array.isArray(value) && schema.items) {
    value.forEach((x, i) => out.push(...validate(x, schema.items!, `${path}[${i}]`)));
  }
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const k of schema.required ?? []) {
      if (o[k] === undefined) out.push(`'${path ? `${path}.` : ""}${k}' is missing`);
    }
    for (const [k, x] of Object.entries(o)) {
      const at = path ? `${path}.${k}` : k;
      const sub = schema.properties?.[k] ??
        (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (sub) out.push(...validate(x, sub, at));
      else if (schema.additionalProperties === false) out.push(`'${at}' is not a field here`);
    }
  }
  return out;
}
