/**
 * moorage's version (the package's) and the commit it was built from, shared by the engine's
 * `/version`, its `Server` header and the CLI's `--version`. Found from the package root, so
 * the sources, the compiled tree and the CLI's bundle all read the same files.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding moorage's package.json, above this module. */
function packageRoot(): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return null;
}

function readJson(path: string | null): Record<string, unknown> {
  try {
    return path ? JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

const root = packageRoot();

/** moorage's version, from package.json. */
export const VERSION = String(readJson(root && join(root, 'package.json')).version ?? '0.0.0');

/** The short commit the build was made from (`scripts/build.sh` records it), or `unknown`. */
export const BUILD_COMMIT = String(readJson(root && join(root, 'dist', 'build.json')).commit ?? 'unknown');
