/**
 * How much a directory tree holds, as Docker counts it (`SizeRw`, `SpaceReclaimed`, `docker
 * system df`): the sizes of its files, each hard-linked inode once, directories not counted.
 * @module
 */
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Bytes in the files under `dir` (0 when it is missing). Symlinks are not followed. */
export async function treeSize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (path: string): Promise<void> => {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(path, e.name);
      if (e.isDirectory()) {
        await walk(p);
        continue;
      }
      const st = await lstat(p).catch(() => null);
      if (!st) continue;
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}
