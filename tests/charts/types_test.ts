/**
 * The chart builders' layer type is Vega-Lite's own: `deno check` fails on this file if a
 * misspelled mark, an unknown channel or a wrong field type compiles (each line expects an error).
 */
import type { Layer, Position } from "../../lib/charts/specs/_common.ts";
import { assert } from "../helpers/assert.ts";

Deno.test("Vega-Lite's types reject a misspelled mark, an unknown channel and a wrong field type", () => {
  // @ts-expect-error "barr" is not a mark
  const badMark: Layer = { mark: "barr" };
  // @ts-expect-error "colour" is not a channel
  const badChannel: Layer = { mark: "bar", encoding: { colour: { field: "x" } } };
  // @ts-expect-error "numeric" is not a field type
  const badType: Position = { field: "x", type: "numeric" };
  const good: Layer = { mark: "errorbar", encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } } };
  assert([badMark, badChannel, badType, good].length === 4);
});
