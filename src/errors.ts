/**
 * The one catalogue of moorage's errors (fastify's and undici's way): every cause has a stable
 * code, and each code has a kind that the front doors map to their status (HTTP 404/400/409/304/
 * 500 in `api/docker/error-status.ts`). Clients read the code (the Docker door sends it beside
 * `message`) instead of guessing from the text; exit codes come from codes too.
 * @module
 */

/**
 * How an error is answered: the object is missing, the request is wrong, the state forbids it,
 * the object may never be changed so (a predefined network, one with endpoints: Docker's 403),
 * nothing to do, the credentials were refused, the engine does not do that, or the engine, the
 * host or a remote (a registry) failed.
 */
export type ErrorKind = 'not-found' | 'invalid' | 'conflict' | 'forbidden' | 'not-modified' | 'unauthorized' | 'not-implemented' | 'system';

/** Every code, with its kind. */
export const ERROR_CODES = {
  MOORAGE_NOT_FOUND: 'not-found',
  MOORAGE_NO_SUCH_CONTAINER: 'not-found',
  MOORAGE_NO_SUCH_IMAGE: 'not-found',
  MOORAGE_NO_SUCH_BLOB: 'not-found',
  /** The registry has no such tag or digest (moby: `manifest for X not found`, 404). */
  MOORAGE_MANIFEST_UNKNOWN: 'not-found',
  /** The registry has no such repository (`NAME_UNKNOWN`, 404). */
  MOORAGE_REPOSITORY_UNKNOWN: 'not-found',
  /** The registry refused access (`DENIED`; moby: `pull access denied for X`, 404). */
  MOORAGE_REGISTRY_DENIED: 'not-found',
  MOORAGE_NO_SUCH_NETWORK: 'not-found',
  MOORAGE_NO_SUCH_VOLUME: 'not-found',
  MOORAGE_NO_SUCH_EXEC: 'not-found',
  /** A path that does not exist in a container's filesystem (`docker cp`: `Could not find the file …`). */
  MOORAGE_NO_SUCH_PATH: 'not-found',
  MOORAGE_INVALID_PARAMETER: 'invalid',
  /** A setting moorage does not apply (a HostConfig field, a security option): refused, never ignored. */
  MOORAGE_UNSUPPORTED_SETTING: 'invalid',
  MOORAGE_INVALID_SIGNAL: 'invalid',
  MOORAGE_INVALID_ARCHIVE: 'invalid',
  /** Not a valid image reference (`invalid reference format`). */
  MOORAGE_INVALID_REFERENCE: 'invalid',
  /** A blob whose content does not match its digest or size (a pulled or loaded layer, config or manifest). */
  MOORAGE_BLOB_INVALID: 'invalid',
  /** A path in a container's filesystem that loops through its symlinks. */
  MOORAGE_SYMLINK_LOOP: 'invalid',
  /** A copy into a container whose destination is not a directory (`extraction point is not a directory`). */
  MOORAGE_NOT_A_DIRECTORY: 'invalid',
  /** The container's command does not exist (a start fails with exit code 127). */
  MOORAGE_COMMAND_NOT_FOUND: 'invalid',
  /** The container's command cannot be executed (a start fails with exit code 126). */
  MOORAGE_COMMAND_NOT_EXECUTABLE: 'invalid',
  MOORAGE_CONFLICT: 'conflict',
  MOORAGE_NAME_IN_USE: 'conflict',
  MOORAGE_NOT_RUNNING: 'conflict',
  MOORAGE_IMAGE_IN_USE: 'conflict',
  /** A network or volume of that name exists already. */
  MOORAGE_NAME_EXISTS: 'conflict',
  /** A volume is mounted by a container (`docker volume rm` answers 409). */
  MOORAGE_VOLUME_IN_USE: 'conflict',
  /** A fixed address (`--ip`) is another container's, or a pool or subnet is exhausted. */
  MOORAGE_ADDRESS_IN_USE: 'conflict',
  /** `bridge`, `host` and `none` cannot be created, removed or changed (403). */
  MOORAGE_PREDEFINED_NETWORK: 'forbidden',
  /** A network with containers on it cannot be removed (403). */
  MOORAGE_NETWORK_IN_USE: 'forbidden',
  MOORAGE_NOT_MODIFIED: 'not-modified',
  /** A registry refused the credentials (`POST /auth`: 401). */
  MOORAGE_REGISTRY_UNAUTHORIZED: 'unauthorized',
  /** An endpoint moorage does not implement (`GET /images/search`). */
  MOORAGE_NOT_SUPPORTED: 'not-implemented',
  MOORAGE_SYSTEM: 'system',
  /** A registry answered with an error moby passes on as a 500 (`unauthorized`, `toomanyrequests`, …). */
  MOORAGE_REGISTRY_ERROR: 'system',
  /** No endpoint of a registry could be reached, or one stopped answering. */
  MOORAGE_REGISTRY_UNREACHABLE: 'system',
  /** A manifest or index moorage cannot use: too large, malformed, or of a media type it does not know. */
  MOORAGE_MANIFEST_INVALID: 'system',
  /** The OCI runtime or the monitor failed to create or start the container (exit code 128). */
  MOORAGE_START_FAILED: 'system',
  /** A stop could not make the container exit within its bounds. */
  MOORAGE_STOP_FAILED: 'system',
  /** A call to the OCI runtime failed. */
  MOORAGE_RUNTIME_FAILED: 'system',
  /** A published host port is taken (by another container or a host process): the start fails. */
  MOORAGE_PORT_IN_USE: 'system',
  /** netavark (or the network namespace) failed to set up or tear down a container's network. */
  MOORAGE_NETWORK_FAILED: 'system',
} as const satisfies Record<string, ErrorKind>;

/** A code of the catalogue. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes of one kind. */
type CodeOf<K extends ErrorKind> = { [C in ErrorCode]: (typeof ERROR_CODES)[C] extends K ? C : never }[ErrorCode];

/** Base class of every error moorage reports on purpose. */
export class MoorageError extends Error {
  /** Stable code, e.g. `MOORAGE_NO_SUCH_CONTAINER`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }

  /** What the code means for the answer. */
  get kind(): ErrorKind {
    return ERROR_CODES[this.code];
  }
}

/** The object asked for does not exist. */
export class NotFound extends MoorageError {
  constructor(message: string, code: CodeOf<'not-found'> = 'MOORAGE_NOT_FOUND') { super(code, message); }
}

/** The request is malformed or names an invalid value. */
export class InvalidParameter extends MoorageError {
  constructor(message: string, code: CodeOf<'invalid'> = 'MOORAGE_INVALID_PARAMETER') { super(code, message); }
}

/** The request conflicts with the object's current state. */
export class Conflict extends MoorageError {
  constructor(message: string, code: CodeOf<'conflict'> = 'MOORAGE_CONFLICT') { super(code, message); }
}

/** The object may never be changed that way (Docker's 403). */
export class Forbidden extends MoorageError {
  constructor(message: string, code: CodeOf<'forbidden'>) { super(code, message); }
}

/** Nothing to do: the object is already in the asked state. */
export class NotModified extends MoorageError {
  constructor(message = 'not modified') { super('MOORAGE_NOT_MODIFIED', message); }
}

/** A registry refused the credentials. */
export class Unauthorized extends MoorageError {
  constructor(message: string) { super('MOORAGE_REGISTRY_UNAUTHORIZED', message); }
}

/** The engine does not implement this. */
export class NotSupported extends MoorageError {
  constructor(message: string) { super('MOORAGE_NOT_SUPPORTED', message); }
}

/** The engine or the host failed. */
export class SystemError extends MoorageError {
  constructor(message: string, options?: { cause?: unknown; code?: CodeOf<'system'> }) {
    super(options?.code ?? 'MOORAGE_SYSTEM', message, options);
  }
}

/** The kind of any thrown value: a catalogued error's own, `system` for anything else. */
export function kindOf(err: unknown): ErrorKind {
  return err instanceof MoorageError ? err.kind : 'system';
}

/** The message of any thrown value. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
