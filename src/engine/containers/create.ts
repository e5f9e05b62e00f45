/**
 * `POST /containers/create`: validates the request, resolves the image, and records the
 * container with its writable layer and volumes prepared, all or nothing. Nothing runs until
 * start.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { ContainerConfig, ContainerRecord, HostConfig, KnownConfig, KnownHostConfig } from '../../container/container.ts';
import { portRequests } from '../../container/ports.ts';
import { initialState } from '../../container/state.ts';
import { InvalidParameter, NotFound } from '../../errors.ts';
import { prepareOverlay } from '../../snapshots/overlay.ts';
import { parseSignal } from '../../runtime/signals.ts';
import type { Engine } from '../engine.ts';
import { checkResources, resourcesOf } from './resources.ts';
import { validatePolicy } from './restart-policy.ts';
import { refuseUnapplied } from './host-config.ts';
import { checkSecurity } from './security.ts';
import { checkName, randomName } from './names.ts';
import { endpointsAtCreate, type EndpointRequest } from '../networks/endpoints.ts';
import { validateExtraHosts } from '../networks/etc-files.ts';
import { createPlannedVolumes, nameVolumes, planMounts, removeVolumes } from '../volumes/mounts.ts';
import { findImage } from '../images/resolve.ts';

/** The body of a create request, as Docker clients send it. */
export interface CreateBody extends Partial<Omit<KnownConfig, 'Cmd' | 'Entrypoint'>> {
  Cmd?: string[] | string | null;
  Entrypoint?: string[] | string | null;
  HostConfig?: Partial<KnownHostConfig> & Record<string, unknown>;
  [extra: string]: unknown;
}


/** Creates a container and publishes `create`. */
export async function createContainer(d: Engine, name: string | undefined, body: CreateBody): Promise<{ Id: string; Warnings: string[] }> {
  if (typeof body !== 'object' || body === null) throw new InvalidParameter('config cannot be empty in order to create a container');
  if (name !== undefined && name !== '') checkName(name);
  if (!body.Image) throw new InvalidParameter('no image specified');
  const image = findImage(d, body.Image);
  if (!image) throw new NotFound(`No such image: ${body.Image}`, 'MOORAGE_NO_SUCH_IMAGE');

  if (body.WorkingDir && !body.WorkingDir.startsWith('/')) {
    throw new InvalidParameter(`the working directory '${body.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  // The kernel takes at most 64 bytes (sethostname); a bad name would fail only at start.
  if (body.Hostname && (body.Hostname.length > 64 || !/^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(body.Hostname))) {
    throw new InvalidParameter(`invalid hostname "${body.Hostname.slice(0, 80)}": at most 64 letters, digits, '-', '_' and '.'`);
  }
  const hc = body.HostConfig ?? {};
  if (typeof hc !== 'object' || Array.isArray(hc)) throw new InvalidParameter('HostConfig must be an object');
  const policy = validatePolicy(hc.RestartPolicy);
  if (hc.AutoRemove && policy.Name !== '' && policy.Name !== 'no') {
    throw new InvalidParameter("can't create 'AutoRemove' container with restart policy");
  }
  if (body.StopSignal) parseSignal(body.StopSignal);
  if (body.StopTimeout != null && !Number.isInteger(body.StopTimeout)) {
    throw new InvalidParameter('StopTimeout must be an integer number of seconds');
  }
  const binds = hc.Binds ?? null;
  refuseUnapplied(hc, d.tasks.runtime.name);
  const { resources, warnings } = checkResources(resourcesOf(hc), d.limits);
  const exposedPorts = { ...image.Config.ExposedPorts, ...(body.ExposedPorts ?? {}) };
  const mounts = planMounts(hc, Object.keys(image.Config.Volumes ?? {}), Object.keys(body.Volumes ?? {}));
  portRequests(hc.PortBindings, Object.keys(exposedPorts), Boolean(hc.PublishAllPorts)); // validates
  validateExtraHosts(hc.ExtraHosts);
  const networking = body.NetworkingConfig as { EndpointsConfig?: Record<string, EndpointRequest | null> | null } | null | undefined;
  const { mode: networkMode, network } = endpointsAtCreate(d, hc.NetworkMode, networking?.EndpointsConfig);
  checkSecurity(hc, networkMode === 'host');

  const cmd = toList(body.Cmd);
  const entrypoint = toList(body.Entrypoint);
  const effEntrypoint = entrypoint ?? image.Config.Entrypoint;
  const effCmd = cmd ?? (entrypoint ? null : image.Config.Cmd);
  const argv = [...(effEntrypoint ?? []), ...(effCmd ?? [])];
  if (!argv.length) throw new InvalidParameter('no command specified');

  const id = randomBytes(32).toString('hex');
  const finalName = `/${name ? name.replace(/^\//, '') : uniqueName(d)}`;
  const config: ContainerConfig = {
    ...body,
    Hostname: body.Hostname || id.slice(0, 12),
    User: body.User || image.Config.User || '',
    Env: mergeEnv(image.Config.Env, body.Env ?? []),
    Cmd: effCmd,
    Entrypoint: effEntrypoint,
    Image: body.Image,
    WorkingDir: body.WorkingDir || image.Config.WorkingDir || '',
    Labels: { ...image.Config.Labels, ...(body.Labels ?? {}) },
    ...mergeMaps('Volumes', image.Config.Volumes, body.Volumes),
    Tty: Boolean(body.Tty),
    OpenStdin: Boolean(body.OpenStdin),
    StdinOnce: Boolean(body.StdinOnce),
    AttachStdin: Boolean(body.AttachStdin),
    AttachStdout: body.AttachStdout ?? true,
    AttachStderr: body.AttachStderr ?? true,
    ExposedPorts: Object.keys(exposedPorts).length ? exposedPorts : undefined,
  };
  // Docker copies the image's STOPSIGNAL into the container's config; moorage also remembers whose it is.
  const stopSignalFrom = !config.StopSignal && image.Config.StopSignal ? 'image' : 'container';
  if (stopSignalFrom === 'image') config.StopSignal = image.Config.StopSignal;
  delete (config as Record<string, unknown>).HostConfig;
  delete (config as Record<string, unknown>).NetworkingConfig;
  const hostConfig: HostConfig = {
    ...hc,
    ...resources,
    Binds: binds,
    AutoRemove: Boolean(hc.AutoRemove),
    RestartPolicy: policy,
    Init: hc.Init ?? null,
    NetworkMode: networkMode,
  };
  const record: ContainerRecord = {
    Id: id, Name: finalName, Created: new Date().toISOString(),
    Path: argv[0]!, Args: argv.slice(1), Image: image.Id, Config: config, HostConfig: hostConfig,
    State: initialState(), RestartCount: 0, Task: null, LastStop: null, Mounts: mounts, Network: network,
    StopSignalFrom: stopSignalFrom,
  };
  // All or nothing: the store lists the container only once its directory, writable layer and
  // volumes are ready and its first checkpoint is written; on any failure the name is free
  // again, the directory gone, and the volumes made for it removed.
  const made: string[] = [];
  const c = await d.containers.add(record, async (c) => {
    await prepareOverlay({ upper: c.upperDir, work: c.workDir, merged: c.rootfsDir });
    const toMake = nameVolumes(d, mounts);
    if (toMake.length) await writeFile(c.newVolumesPath, JSON.stringify(toMake)); // for boot, if a crash cuts this short
    made.push(...await createPlannedVolumes(d, mounts));
  }).catch(async (err: unknown) => {
    await removeVolumes(d, made).catch((e: Error) => d.log.warn({ err: e, volumes: made }, 'removing the volumes of a failed create failed'));
    throw err;
  });
  // The create is complete: the volumes are the container's now.
  await rm(c.newVolumesPath, { force: true }).catch((err: Error) => d.log.warn({ err, id: c.id }, 'removing the list of new volumes failed'));
  d.emit(c, 'create');
  return { Id: id, Warnings: warnings };
}

function toList(v: string[] | string | null | undefined): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new InvalidParameter('Cmd and Entrypoint must be lists of strings');
  }
  return v;
}

/** An image's map (Volumes) under the container's own, omitted when both are empty. */
function mergeMaps(key: 'Volumes', image: Record<string, object> | undefined, own: unknown): Record<string, Record<string, object>> {
  const merged = { ...image, ...(own && typeof own === 'object' ? own as Record<string, object> : {}) };
  return Object.keys(merged).length ? { [key]: merged } : {};
}

/** The PATH moby gives a container whose image and request set none. */
const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Container env over image env, by variable name; Docker's PATH when neither sets one. */
function mergeEnv(image: string[], own: string[]): string[] {
  const out = new Map<string, string>([['PATH', DEFAULT_PATH]]);
  for (const e of [...image, ...own]) out.set(e.split('=')[0]!, e);
  return [...out.values()];
}

function uniqueName(d: Engine): string {
  for (;;) {
    const n = randomName();
    if (!d.containers.hasName(`/${n}`)) return n;
  }
}
