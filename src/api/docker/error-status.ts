/**
 * The one place where error kinds become HTTP statuses (moby's `httpstatus`).
 * @module
 */
import { Conflict, InvalidParameter, NotFound, NotModified } from '../../errors.ts';

/** The HTTP status for a thrown value: typed errors by kind, anything else 500. */
export function statusFor(err: unknown): number {
  if (err instanceof NotFound) return 404;
  if (err instanceof InvalidParameter) return 400;
  if (err instanceof Conflict) return 409;
  if (err instanceof NotModified) return 304;
  return 500;
}
