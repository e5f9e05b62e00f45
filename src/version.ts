/**
 * moorage's version (the package's) and the commit it was built from, shared by the engine's
 * `/version`, its `Server` header and the CLI's `--version`.
 * @module
 */
import { readFileSync } from 'node:fs';

function readJson(rel: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

/** moorage's version, from package.json. */
export const VERSION = String(readJson('../package.json').version ?? '0.0.0');

/** The short commit the build was made from (`scripts/build.sh` records it), or `unknown`. */
export const BUILD_COMMIT = String(readJson('./build.json').commit ?? 'unknown');
