#!/usr/bin/env -S -u NODE_EXTRA_CA_CERTS node
// Entry point of the `moorage` command: runs the compiled sources (scripts/setup.sh builds them).
// The shebang drops NODE_EXTRA_CA_CERTS: Node 20 parses that bundle at every start (about 60 ms
// here), and the CLI never speaks TLS; the engine reads the system CAs itself when it needs them.
try {
  await import('../dist/cli/main.bundle.mjs');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('/dist/cli/main.bundle.mjs')) throw err;
  process.stderr.write('moorage is not built: run `bash scripts/setup.sh` (or `npm start` / `npm test`) first\n');
  process.exit(1);
}
