/**
 * The one catalogue of moorage's typed errors. Every layer throws these; the API maps each kind
 * to an HTTP status in one place (`api/error-status.ts`), the way moby's errdefs do.
 * @module
 */

/** Base class of every error moorage reports on purpose. `code` is stable and machine-readable. */
export class MoorageError extends Error {
  /** Stable code, e.g. `MOORAGE_NOT_FOUND`. */
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The object asked for does not exist (HTTP 404). */
export class NotFound extends MoorageError {
  constructor(message: string) { super('MOORAGE_NOT_FOUND', message); }
}

/** The request is malformed or names an invalid value (HTTP 400). */
export class InvalidParameter extends MoorageError {
  constructor(message: string) { super('MOORAGE_INVALID_PARAMETER', message); }
}

/** The request conflicts with the object's current state (HTTP 409). */
export class Conflict extends MoorageError {
  constructor(message: string) { super('MOORAGE_CONFLICT', message); }
}

/** Nothing to do: the object is already in the asked state (HTTP 304). */
export class NotModified extends MoorageError {
  constructor(message = 'not modified') { super('MOORAGE_NOT_MODIFIED', message); }
}

/** The engine or the host failed (HTTP 500). */
export class SystemError extends MoorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('MOORAGE_SYSTEM', message, options);
  }
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
