/**
 * Resolves a Docker `User` (`name`, `uid`, `name:group`, `uid:gid`) against a rootfs'
 * /etc/passwd and /etc/group, as runc's libcontainer/user does.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidParameter } from '../../errors.ts';

/** Numeric identity for the container's process. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

async function table(rootfs: string, file: string): Promise<string[][]> {
  try {
    return (await readFile(join(rootfs, 'etc', file), 'utf8')).split('\n')
      .filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** Resolves `spec` in `rootfs`. Unknown names are an {@link InvalidParameter}. */
export async function resolveUser(rootfs: string, spec: string): Promise<ResolvedUser> {
  const [userPart = '', groupPart] = spec.split(':');
  const passwd = await table(rootfs, 'passwd');
  const groups = await table(rootfs, 'group');
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
  return { uid, gid, additionalGids, home };
}
