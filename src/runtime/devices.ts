/**
 * The host's device nodes, for a privileged container (as moby's `HostDevices`): every
 * character and block device under /dev but the ones each container has of its own (its
 * terminals, shared memory, message queues).
 * @module
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DeviceNode } from './bundle.ts';

const SKIP = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

/** A device node's major and minor numbers (glibc's encoding of `dev_t`). */
export function splitDev(rdev: number | bigint): { major: number; minor: number } {
  const d = BigInt(rdev);
  return {
    major: Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn)),
    minor: Number((d & 0xffn) | ((d >> 12n) & ~0xffn)),
  };
}

/** Every device node under `dir`, walked without following links. */
export function hostDevices(dir = '/dev'): DeviceNode[] {
  const out: DeviceNode[] = [];
  const walk = (path: string) => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const name of names) {
      const p = join(path, name);
      const st = (() => { try { return lstatSync(p); } catch { return null; } })();
      if (!st) continue;
      if (st.isDirectory()) {
        if (!(path === dir && SKIP.has(name))) walk(p);
        continue;
      }
      if (p === join(dir, 'console') || !(st.isCharacterDevice() || st.isBlockDevice())) continue;
      out.push({ path: p, type: st.isCharacterDevice() ? 'c' : 'b', ...splitDev(st.rdev), fileMode: st.mode & 0o777, uid: st.uid, gid: st.gid });
    }
  };
  walk(dir);
  return out;
}
