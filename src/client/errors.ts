/**
 * Typed errors of the moorage SDK. Every error the engine answers with becomes a subclass of
 * {@link MoorageError} carrying the HTTP status and the engine's own message.
 * @module
 */
import { ERROR_CODES, type ErrorCode } from '../errors.ts';

/** Base class of every error the SDK raises for an engine answer or a transport failure. */
export class MoorageError extends Error {
  /** HTTP status the engine answered with (0 when the engine never answered). */
  readonly statusCode: number;
  /**
   * The engine's code for the cause (src/errors.ts's catalogue, e.g. `MOORAGE_COMMAND_NOT_FOUND`),
   * when the engine sent one (a Docker engine does not).
   */
  code?: ErrorCode;
  constructor(message: string, statusCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.statusCode = statusCode;
  }
}

/** 404: no such container, image or route. */
export class NotFound extends MoorageError {
  constructor(message: string) { super(message, 404); }
}

/** 409: the object is in a state that forbids the operation (e.g. removing a running container). */
export class Conflict extends MoorageError {
  constructor(message: string) { super(message, 409); }
}

/** 400: a parameter was refused (bad signal name, bad filter, bad condition). */
export class InvalidParameter extends MoorageError {
  constructor(message: string) { super(message, 400); }
}

/** 403: the object may never be changed that way (a predefined network, a network in use). */
export class Forbidden extends MoorageError {
  constructor(message: string) { super(message, 403); }
}

/** 304: nothing to do (e.g. starting a running container). The SDK's `stop` resolves instead. */
export class NotModified extends MoorageError {
  constructor(message: string) { super(message, 304); }
}

/** 500 (and any other unexpected status): the engine failed. */
export class SystemError extends MoorageError {
  constructor(message: string, statusCode = 500) { super(message, statusCode); }
}

/** The call's deadline passed before the engine answered. */
export class ClientTimeout extends MoorageError {
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;
  constructor(method: string, path: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for the daemon to answer ${method} ${path}`, 0);
    this.timeoutMs = timeoutMs;
  }
}

/** The engine could not be reached (socket missing, connection refused or reset). */
export class ConnectionError extends MoorageError {
  constructor(message: string, cause?: unknown) { super(message, 0, { cause }); }
}

/**
 * Maps an HTTP status and body to the matching typed error. The body is the engine's
 * `{"message": …}` when it is JSON, else its text.
 */
export function errorFromResponse(statusCode: number, body: string): MoorageError {
  let message = body.trim();
  let code: ErrorCode | undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown; code?: unknown };
    if (parsed && typeof parsed.message === 'string') message = parsed.message;
    if (typeof parsed?.code === 'string' && Object.hasOwn(ERROR_CODES, parsed.code)) code = parsed.code as ErrorCode;
  } catch { /* plain text */ }
  if (!message) message = `HTTP ${statusCode}`;
  const err = typedError(statusCode, message);
  err.code = code;
  return err;
}

function typedError(statusCode: number, message: string): MoorageError {
  switch (statusCode) {
    case 304: return new NotModified(message);
    case 400: return new InvalidParameter(message);
    case 404: return new NotFound(message);
    case 403: return new Forbidden(message);
    case 409: return new Conflict(message);
    default:
      if (statusCode >= 400 && statusCode < 500) {
        const e = new InvalidParameter(message);
        (e as { statusCode: number }).statusCode = statusCode;
        return e;
      }
      return new SystemError(message, statusCode);
  }
}
