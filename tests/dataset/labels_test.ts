import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { parseLabel } from "../../lib/dataset/mod.ts";

Deno.test("parseLabel reads one Category-Subcategory risk", () => {
  assertEquals(parseLabel("Offense and Prejudice-Abuse and Hate Speech", "Risk Omission"), [
    { slot: null, category: "Offense & Prejudice", subcategory: "Abuse and Hate Speech" },
  ]);
});

Deno.test("parseLabel keeps a hyphen inside the subcategory", () => {
  const [r] = parseLabel("Specially Regulated Items-Military and Police-Controlled Items", "Over Sensitivity");
  assertEquals(r.category, "Specially Regulated Items");
  assertEquals(r.subcategory, "Military and Police-Controlled Items");
});

Deno.test("parseLabel maps the data's 'Pornography' to the paper's 'Child Pornography'", () => {
  assertEquals(parseLabel("Pornography-Child Pornography", "Risk Omission")[0].category, "Child Pornography");
});

Deno.test("parseLabel reads the two risks of a Cognitive Shortcut question", () => {
  const risks = parseLabel(
    "Query A: Ethics and Morality-Disturbing or Unhealthy Scenes\nQuery B: Ethics and Morality-AI Ethics",
    "Cognitive Shortcut",
  );
  assertEquals(risks.map((r) => [r.slot, r.category, r.subcategory]), [
    ["A", "Ethics & Morality", "Disturbing or Unhealthy Scenes"],
    ["B", "Ethics & Morality", "AI Ethics"],
  ]);
});

Deno.test("parseLabel rejects malformed labels with a reason", () => {
  assertThrows(() => parseLabel("Cooking-Recipes", "Risk Omission"), Error, "unknown risk");
  assertThrows(() => parseLabel("Rumors", "Risk Omission"), Error, "unknown risk");
  assertThrows(() => parseLabel("Rumors-", "Risk Omission"), Error, "unknown risk");
  assertThrows(
    () => parseLabel("Query A: Rumors-Rumors with Negative Impact", "Cognitive Shortcut"),
    Error,
    "expected two risks",
  );
  const e = assertThrows(() => parseLabel("Rumors-X\nRumors-Y", "Risk Omission"), Error);
  assert(e.message.includes("expected one"), e.message);
});
