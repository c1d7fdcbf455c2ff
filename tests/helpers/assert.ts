/**
 * Assertions for the tests. JSR (and so @std/assert) is unreachable from the
 * build machines; these are thin wrappers over node:assert with @std/assert's names.
 */
import nodeAssert from "node:assert/strict";

export function assert(cond: unknown, msg?: string): asserts cond {
  nodeAssert.ok(cond, msg);
}

export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  nodeAssert.deepStrictEqual(actual, expected, msg);
}

export function assertAlmostEquals(actual: number, expected: number, tolerance = 1e-7, msg?: string): void {
  if (!(Math.abs(actual - expected) <= tolerance)) {
    throw new nodeAssert.AssertionError({
      message: msg ?? `expected ${actual} to be within ${tolerance} of ${expected}`,
      actual,
      expected,
    });
  }
}

// deno-lint-ignore no-explicit-any
type Ctor<E> = new (...args: any[]) => E;

export function assertThrows<E extends Error = Error>(fn: () => unknown, cls?: Ctor<E>, includes?: string): E {
  try {
    fn();
  } catch (err) {
    _check(err, cls, includes);
    return err as E;
  }
  throw new nodeAssert.AssertionError({ message: "expected the function to throw" });
}

export async function assertRejects<E extends Error = Error>(
  fn: () => Promise<unknown>,
  cls?: Ctor<E>,
  includes?: string,
): Promise<E> {
  try {
    await fn();
  } catch (err) {
    _check(err, cls, includes);
    return err as E;
  }
  throw new nodeAssert.AssertionError({ message: "expected the promise to reject" });
}

function _check(err: unknown, cls?: Ctor<Error>, includes?: string) {
  if (cls && !(err instanceof cls)) {
    throw new nodeAssert.AssertionError({ message: `expected ${cls.name}, got ${err}`, actual: err });
  }
  if (includes && !String((err as Error).message).includes(includes)) {
    throw new nodeAssert.AssertionError({
      message: `expected error message to include ${JSON.stringify(includes)}, got ${
        JSON.stringify((err as Error).message)
      }`,
    });
  }
}
