/**
 * The one place where error kinds become HTTP statuses (moby's `httpstatus`), and the body
 * Docker clients read (`message`) with moorage's code beside it.
 * @module
 */
import { kindOf, messageOf, MoorageError, type ErrorKind } from '../../errors.ts';

const STATUS: Record<ErrorKind, number> = {
  'not-found': 404, invalid: 400, conflict: 409, forbidden: 403, 'not-modified': 304, system: 500,
};

/** The HTTP status for a thrown value: by its code's kind; anything uncatalogued is 500. */
export function statusFor(err: unknown): number {
  return STATUS[kindOf(err)];
}

/** Docker's error body, `{"message"}`, plus the code (clients that do not know it ignore it). */
export function errorBody(err: unknown): { message: string; code: string } {
  return { message: messageOf(err), code: err instanceof MoorageError ? err.code : 'MOORAGE_SYSTEM' };
}
