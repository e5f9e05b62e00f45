/**
 * Resolves a Docker `User` (`name`, `uid`, `name:group`, `uid:gid`) against a rootfs'
 * /etc/passwd and /etc/group, as runc's libcontainer/user does.
 * @module
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../../errors.ts';

/** Numeric identity for the container's process. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

/** Reads one of a root's account files (`passwd`, `group`); null when it has none. */
export type EtcReader = (file: 'passwd' | 'group') => Promise<string | null>;

/** Account files larger than this are not account files. */
const MAX_ACCOUNT_FILE = 4 * 1024 * 1024;

/**
 * The account files at the host path of a rootfs, read without following a symlink: the
 * container controls its /etc, and a link there must not make the engine read a host file.
 * (A rootfs whose /etc or account files are symlinks reads as having none.)
 */
function hostEtc(rootfs: string): EtcReader {
  return async (file) => {
    let dir, fh;
    try {
      // The file is looked up in the directory that was opened (through its /proc/self/fd
      // link), so swapping /etc for a link meanwhile changes nothing.
      dir = await open(join(rootfs, 'etc'), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
      fh = await open(`/proc/self/fd/${dir.fd}/${file}`, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const st = await fh.stat();
      if (!st.isFile() || st.size > MAX_ACCOUNT_FILE) return null;
      return await fh.readFile('utf8');
    } catch {
      return null;
    } finally {
      await fh?.close();
      await dir?.close();
    }
  };
}

async function table(etc: EtcReader, file: 'passwd' | 'group'): Promise<string[][]> {
  return ((await etc(file)) ?? '').split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
}

/**
 * Resolves `spec` against the account files of `rootfs` (a host path, or a reader of them).
 * `groupAdd` adds supplementary groups. Unknown names are an {@link InvalidParameter}.
 */
export async function resolveUser(rootfs: string | EtcReader, spec: string, groupAdd: string[] = []): Promise<ResolvedUser> {
  const etc = typeof rootfs === 'string' ? hostEtc(rootfs) : rootfs;
  const [userPart = '', groupPart] = spec.split(':');
  const passwd = await table(etc, 'passwd');
  const groups = await table(etc, 'group');
  let uid = 0, gid = 0, home = '/root', name = 'root';
  if (userPart) {
    const row = passwd.find((r) => r[0] === userPart) ?? (/^\d+$/.test(userPart) ? passwd.find((r) => r[2] === userPart) : undefined);
    if (row) {
      name = row[0]!; uid = Number(row[2]); gid = Number(row[3]); home = row[5] || '/';
    } else if (/^\d+$/.test(userPart)) {
      uid = Number(userPart); gid = uid === 0 ? 0 : uid; home = '/'; name = '';
    } else {
      throw new InvalidParameter(`unable to find user ${userPart}: no matching entries in passwd file`);
    }
  }
  if (groupPart) {
    const row = groups.find((r) => r[0] === groupPart);
    if (row) gid = Number(row[2]);
    else if (/^\d+$/.test(groupPart)) gid = Number(groupPart);
    else throw new InvalidParameter(`unable to find group ${groupPart}: no matching entries in group file`);
  }
  const additionalGids = name
    ? groups.filter((r) => (r[3] ?? '').split(',').includes(name)).map((r) => Number(r[2])).filter((g) => g !== gid)
    : [];
  // `--group-add`: names from the container's group file, or numbers.
  for (const g of groupAdd) {
    const row = groups.find((r) => r[0] === g);
    if (row) additionalGids.push(Number(row[2]));
    else if (/^\d+$/.test(g)) additionalGids.push(Number(g));
    else throw new InvalidParameter(`Unable to find group ${g}: no matching entries in group file`);
  }
  return { uid, gid, additionalGids: [...new Set(additionalGids)], home };
}
