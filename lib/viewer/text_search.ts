/**
 * The viewer's free-text search on a record's raw bytes: a line that cannot hold every word is
 * skipped before it is decoded or parsed, so a search streams through a run allocating almost
 * nothing per line (its memory stays flat however often it is repeated).
 * @module
 */

const _encoder = new TextEncoder();

/**
 * The query's words as a byte pre-filter: every word that is plain ASCII (and holds no quote
 * or backslash, which JSON escapes), lower-cased; other words are left to the exact check on
 * the decoded texts.
 *
 * @param q The query (words split on white space, as `matchesText` splits them).
 * @returns The ASCII words' bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queryBytes } from "./text_search.ts";
 * assert.deepEqual(queryBytes("Lock  é \"x").map((w) => w.length), [4]);
 * ```
 */
export function queryBytes(q: string): Uint8Array[] {
  return q.toLowerCase().split(/\s+/).filter((w) => w && /^[\x20-\x7e]+$/.test(w) && !/["\\]/.test(w))
    .map((w) => _encoder.encode(w));
}

/**
 * Whether a line's bytes `buf[start, end)` may hold every word (ASCII case-insensitive):
 * false means it cannot match, true that it must be checked on its decoded texts.
 *
 * @param buf The bytes holding the line.
 * @param words Lower-cased ASCII words ({@linkcode queryBytes}).
 * @param start The line's first byte in `buf` (default 0).
 * @param end Just past its last byte (default `buf.length`).
 * @returns False when a word is absent.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mayHold, queryBytes } from "./text_search.ts";
 * const line = new TextEncoder().encode('{"answer":"Pick the LOCK"}');
 * assert(mayHold(line, queryBytes("lock pick")));
 * assert(!mayHold(line, queryBytes("lock key")));
 * ```
 */
export function mayHold(buf: Uint8Array, words: Uint8Array[], start = 0, end = buf.length): boolean {
  for (const w of words) if (_indexOfLower(buf, start, end, w) === -1) return false;
  return true;
}

// The first offset of `word` (lower-case ASCII) in `line[start, end)`, comparing A-Z as a-z.
function _indexOfLower(line: Uint8Array, start: number, end: number, word: Uint8Array): number {
  const m = word.length, last = end - m;
  const first = word[0];
  const upper = first >= 97 && first <= 122 ? first - 32 : first;
  for (let i = start; i <= last; i++) {
    const b = line[i];
    if (b !== first && b !== upper) continue;
    let j = 1;
    for (; j < m; j++) {
      const c = line[i + j];
      if ((c >= 65 && c <= 90 ? c + 32 : c) !== word[j]) break;
    }
    if (j === m) return i;
  }
  return -1;
}
