/**
 * What every CLI verb shares: its input and output streams, the client for the `-H` host, and
 * the docker-like mapping of failures to messages and exit codes.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { MoorageClient } from '../client/client.ts';
import { ConnectionError, MoorageError } from '../client/errors.ts';

/** The streams a CLI run uses (process streams in real use, buffers in tests). */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Whether stderr is a terminal (progress lines are drawn only then). */
  stderrIsTTY: boolean;
  env: NodeJS.ProcessEnv;
}

/** A failure with the exit code the CLI should return; its message goes to stderr. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Per-run state shared by the verbs. */
export class CliContext {
  private cached: MoorageClient | undefined;
  /** The exit code the run will end with, unless a verb throws. */
  exitCode = 0;

  constructor(readonly io: CliIO, private readonly hostOption: () => string | undefined) {}

  /** The client for `-H`/`MOORAGE_HOST`/`DOCKER_HOST`/the default socket, created on first use. */
  client(): MoorageClient {
    if (!this.cached) {
      const host = this.hostOption() || this.io.env.MOORAGE_HOST || this.io.env.DOCKER_HOST;
      this.cached = new MoorageClient(host ? { host } : {});
    }
    return this.cached;
  }

  /** Writes to stdout. */
  out(text: string): void {
    this.io.stdout.write(text);
  }

  /** Writes to stderr. */
  err(text: string): void {
    this.io.stderr.write(text);
  }

  /** Closes the client's idle connections. */
  close(): void {
    this.cached?.close();
  }
}

/** The stderr text docker prints for an error: `Error response from daemon: …` for engine answers. */
export function describeError(err: unknown): string {
  if (err instanceof ConnectionError) return err.message;
  if (err instanceof MoorageError && err.statusCode > 0) return `Error response from daemon: ${err.message}`;
  if (err instanceof CliError) return err.message;
  if (err instanceof Error) return `Error: ${err.message}`;
  return `Error: ${String(err)}`;
}

/**
 * Runs `fn` for each target, in parallel as docker does for stop, kill, rm, pause (or one after
 * the other with `sequential`, as for restart, wait, rmi): prints what `fn` resolves on stdout
 * in argument order, each failure on stderr, and sets exit code 1 if any failed.
 */
export async function forEachTarget(ctx: CliContext, targets: string[],
  fn: (target: string) => Promise<string | undefined>, opts: { sequential?: boolean } = {}): Promise<void> {
  let results: PromiseSettledResult<string | undefined>[];
  if (opts.sequential) {
    results = [];
    for (const t of targets) results.push((await Promise.allSettled([fn(t)]))[0]!);
  } else {
    results = await Promise.allSettled(targets.map((t) => fn(t)));
  }
  let failed = false;
  for (const r of results) {
    if (r.status === 'fulfilled') {
      if (r.value !== undefined) ctx.out(`${r.value}\n`);
    } else {
      failed = true;
      ctx.err(`${describeError(r.reason)}\n`);
    }
  }
  if (failed) ctx.exitCode = 1;
}
