/**
 * The local side of `moorage cp`: GNU tar packs a local file or directory and unpacks what came
 * out of a container, as go-archive does for the docker CLI (GNU tar puts symlinks last when it
 * extracts, so no entry is written through a link the archive made). A rename of the top entry
 * (`cp a c:/b` names the copy `b`) is a `--transform` of the leading name only, never applied to
 * symlink targets, which are data.
 * @module
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { CliError } from './context.ts';

/** The top entry's rename: `from` (as archived) becomes `to`. */
export interface TopRename {
  from: string;
  to: string;
}

/** GNU tar's `--transform` that renames the leading `from` to `to` (s, with names taken literally). */
export function transformArg(r: TopRename): string {
  const pattern = r.from.replace(/[\\.*[\]^$/]/g, '\\$&');
  const replacement = r.to.replace(/[\\&/]/g, '\\$&');
  return `--transform=s/^${pattern}/${replacement}/S`;
}

/** Runs GNU tar; resolves when it succeeded, with its message as a CliError otherwise. */
function tar(args: string[], input: Readable | null): { stdout: Readable; done: Promise<void> } {
  const child = spawn('tar', args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  if (input) {
    child.stdin!.on('error', () => {}); // tar stopped reading: its status says why
    input.on('error', () => child.kill());
    input.pipe(child.stdin!);
  }
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (err) => reject(new CliError(`Error: cannot run tar: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CliError(`Error: tar: ${stderr.trim() || `exit status ${code}`}`))));
  });
  return { stdout: child.stdout!, done };
}

/** A tar of `name` inside the local directory `dir`, its top entry renamed by `rename`. */
export function packLocal(dir: string, name: string, rename?: TopRename): { stream: Readable; done: Promise<void> } {
  const t = tar(['-c', '-f', '-', '-C', dir, ...(rename && rename.from !== rename.to ? [transformArg(rename)] : []), '--', name], null);
  return { stream: t.stdout, done: t.done };
}

/** Extracts the tar `input` into the local directory `dir`, its top entry renamed by `rename`. */
export async function unpackLocal(input: Readable, dir: string, rename?: TopRename): Promise<void> {
  const t = tar(['-x', '-f', '-', '-C', dir, ...(rename && rename.from !== rename.to ? [transformArg(rename)] : [])], input);
  t.stdout.resume();
  await t.done;
}
