/**
 * Rounding as the upstream evaluation script does it; the function lives in the base layer
 * (lib/round.ts) so that the table renderers below metrics format numbers with it too.
 * @module
 */
export { roundHalfEven } from "../round.ts";
