/**
 * `docker import`: a tarball becomes a one-layer image, with optional Dockerfile-style
 * `changes` (CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, STOPSIGNAL, EXPOSE, VOLUME). A bad archive writes
 * nothing.
 * @module
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InvalidParameter } from '../../errors.ts';
import { extractLayer } from '../../snapshots/extract.ts';
import type { ImageConfig, ImageRecord, ImageStore } from '../../image/store.ts';
import type { Engine } from '../engine.ts';

/** Import parameters, as `POST /images/create?fromSrc=-` carries them. */
export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  onBytes?: (n: number) => void;
}

const REF_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/** Validates and joins `repo` and `tag` into a reference, or [] when there is no repo. */
export function importTags(repo?: string, tag?: string): string[] {
  if (!repo) return [];
  let name = repo;
  let t = tag || '';
  const slash = repo.lastIndexOf('/');
  const colon = repo.indexOf(':', slash + 1);
  if (colon >= 0) {
    name = repo.slice(0, colon);
    t = t || repo.slice(colon + 1);
  }
  if (!REF_RE.test(name)) throw new InvalidParameter(`invalid reference format: repository name (${name}) must be lowercase`);
  if (t && !/^[\w][\w.-]{0,127}$/.test(t)) throw new InvalidParameter(`invalid tag format: ${t}`);
  return [`${name}:${t || 'latest'}`];
}

/** Applies Dockerfile-style changes (CMD ENTRYPOINT WORKDIR USER STOPSIGNAL ENV LABEL EXPOSE VOLUME) to an image config. */
export function applyChanges(cfg: ImageConfig, changes: string[]): ImageConfig {
  const out = { ...cfg, Env: [...cfg.Env], Labels: { ...cfg.Labels } };
  for (const change of changes.flatMap((c) => c.split('\n')).map((c) => c.trim()).filter(Boolean)) {
    const m = /^(\w+)\s+(.*)$/s.exec(change);
    if (!m) throw new InvalidParameter(`invalid change: ${change}`);
    const [, instr, arg] = m as unknown as [string, string, string];
    const list = () => (arg.startsWith('[') ? parseJsonList(arg) : ['/bin/sh', '-c', arg]);
    switch (instr.toUpperCase()) {
      case 'CMD': out.Cmd = list(); break;
      case 'ENTRYPOINT': out.Entrypoint = list(); break;
      case 'WORKDIR': out.WorkingDir = arg; break;
      case 'USER': out.User = arg; break;
      case 'STOPSIGNAL': out.StopSignal = arg; break;
      case 'ENV': {
        const kv = arg.includes('=') ? arg : arg.replace(/\s+/, '=');
        const key = kv.split('=')[0]!;
        out.Env = [...out.Env.filter((e) => e.split('=')[0] !== key), kv];
        break;
      }
      case 'EXPOSE':
        for (const p of arg.split(/\s+/).filter(Boolean)) {
          if (!/^\d+(\/(tcp|udp|sctp))?$/i.test(p)) throw new InvalidParameter(`invalid containerPort: ${p}`);
          out.ExposedPorts = { ...out.ExposedPorts, [p.includes('/') ? p.toLowerCase() : `${p}/tcp`]: {} };
        }
        break;
      case 'VOLUME':
        for (const v of arg.startsWith('[') ? parseJsonList(arg) : arg.split(/\s+/).filter(Boolean)) {
          out.Volumes = { ...out.Volumes, [v]: {} };
        }
        break;
      case 'LABEL': {
        const eq = arg.indexOf('=');
        if (eq < 0) throw new InvalidParameter(`invalid change: ${change}`);
        out.Labels[arg.slice(0, eq)] = arg.slice(eq + 1).replace(/^"(.*)"$/, '$1');
        break;
      }
      default:
        throw new InvalidParameter(`${instr} is not a valid change command`);
    }
  }
  return out;
}

function parseJsonList(arg: string): string[] {
  try {
    const v = JSON.parse(arg) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch { /* fall through */ }
  throw new InvalidParameter(`invalid JSON list: ${arg}`);
}

/** Imports a tarball stream as an image. On any error nothing is kept. */
export async function importImage(d: Engine, input: Readable, o: ImportOptions): Promise<ImageRecord> {
  const img = await importInto(d.images, input, o);
  d.events.publish('image', 'import', img.Id, { name: img.RepoTags[0] ?? img.Id });
  return img;
}

async function importInto(store: ImageStore, input: Readable, o: ImportOptions): Promise<ImageRecord> {
  const tags = importTags(o.repo, o.tag);
  const config = applyChanges({ Cmd: null, Entrypoint: null, Env: [], WorkingDir: '', User: '', Labels: {} }, o.changes ?? []);
  const scratch = await store.scratch();
  try {
    const layer = await extractLayer(input, join(scratch, 'rootfs'), o.onBytes);
    if (layer.entries === 0) throw new InvalidParameter('invalid image archive: it holds no files');
    return await store.commit(scratch, {
      Id: `sha256:${layer.digest}`, RepoTags: tags, Created: new Date().toISOString(), Size: layer.size,
      Comment: o.message ?? '', Config: config,
    });
  } catch (err) {
    await rm(scratch, { recursive: true, force: true });
    throw err;
  }
}
