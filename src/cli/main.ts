/**
 * The `moorage` command: the daemon and the client verbs. Exits with docker's codes.
 * @module
 */
import { daemonCommand } from './daemon.ts';
import { runCli } from './program.ts';

// `moorage logs x | head -1`: a reader that went away ends the command quietly, as docker does.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

const code = await runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: Boolean(process.stderr.isTTY),
  env: process.env,
}, (program) => { program.addCommand(daemonCommand().copyInheritedSettings(program)); });

// The daemon verb keeps running on its own (its server holds the event loop); client verbs exit
// with their code even when a stream (events, logs -f) is still open.
if (!isDaemon(process.argv.slice(2))) process.exit(code);
else process.exitCode = code;

function isDaemon(argv: string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-H' || a === '--host') { i++; continue; }
    if (a.startsWith('-')) continue;
    return a === 'daemon';
  }
  return false;
}
