/**
 * Docker writes boolean flags also as `--init=false`, `--rm=true`, `-d=false`; commander does
 * not. This rewrites them before parsing, stopping at `run`'s image (what follows is the
 * container's command line and is never touched).
 * @module
 */

/** Boolean flags that accept `=true|false`, with what `=false` becomes (`null`: drop the flag). */
const BOOL_FLAGS: Record<string, { on: string; off: string | null }> = {
  '--init': { on: '--init', off: '--no-init' },
  '--rm': { on: '--rm', off: null },
  '-d': { on: '-d', off: null },
  '--detach': { on: '--detach', off: null },
  '-a': { on: '-a', off: null },
  '--all': { on: '--all', off: null },
  '-f': { on: '-f', off: null },
  '--force': { on: '--force', off: null },
  '--report': { on: '--report', off: null },
  '--pause': { on: '--pause', off: '--no-pause' },
};

/** Flags of `run` that take a value (so the token after them is not the image). */
const RUN_VALUE_FLAGS = new Set(['--name', '-e', '--env', '-v', '--volume', '-w', '--workdir', '-u', '--user',
  '--entrypoint', '--stop-signal', '--stop-timeout', '--restart', '-l', '--label', '-H', '--host']);

/** Rewrites `--flag=true|false` forms of boolean flags into what commander understands. */
export function normalizeBoolFlags(argv: string[]): string[] {
  const out: string[] = [];
  let inRun = false;
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i]!;
    if (tok === '--') { out.push(...argv.slice(i)); break; }
    if (!tok.startsWith('-')) {
      if (inRun) { out.push(...argv.slice(i)); break; }
      if (tok === 'run') inRun = true;
      out.push(tok);
      continue;
    }
    const m = /^(-{1,2}[\w-]+)=(.*)$/.exec(tok);
    const spec = m ? BOOL_FLAGS[m[1]!] : undefined;
    if (m && spec) {
      const v = m[2]!.toLowerCase();
      if (['true', '1', 't'].includes(v)) { out.push(spec.on); continue; }
      if (['false', '0', 'f'].includes(v)) { if (spec.off) out.push(spec.off); continue; }
    }
    out.push(tok);
    if (RUN_VALUE_FLAGS.has(tok) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}
