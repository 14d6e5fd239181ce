import { expect } from 'vitest';

/** The error `promise` rejects with, checked to be a `type`; the test fails if it resolves or rejects otherwise. */
export async function rejectionOf<T extends Error>(promise: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const error = await promise.then(
    () => new Error('expected a rejection, but it resolved'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as T;
}
