/**
 * The shapes of request bodies, checked at the door: a field of the wrong type is a 400 that
 * names it (`HostConfig.Binds.0: expected string, received number`) before any engine work.
 * Unknown fields pass (newer clients send them); what moorage does with known ones, and the
 * rules beyond types, are the engine's business.
 * @module
 */
import { z } from 'zod';
import { InvalidParameter } from '../../errors.ts';

const str = z.string().nullish();
const bool = z.boolean().nullish();
const int = z.number().int().nullish();
const strings = z.array(z.string()).nullish();
const stringMap = z.record(z.string(), z.string()).nullish();
const object = z.looseObject({}).nullish();
/** Cmd and Entrypoint: a list, or one string (older clients). */
const command = z.union([z.array(z.string()), z.string()]).nullish();

/** `HostConfig` of a create. */
export const HostConfigSchema = z.looseObject({
  Binds: strings, AutoRemove: bool, NetworkMode: str, PublishAllPorts: bool, Init: bool, Privileged: bool, ReadonlyRootfs: bool,
  RestartPolicy: z.looseObject({ Name: str, MaximumRetryCount: int }).nullish(),
  PortBindings: z.record(z.string(), z.array(z.looseObject({ HostIp: str, HostPort: str })).nullish()).nullish(),
  Dns: strings, DnsSearch: strings, DnsOptions: strings, ExtraHosts: strings, CapAdd: strings, CapDrop: strings, SecurityOpt: strings,
  GroupAdd: strings, DeviceCgroupRules: strings,
  Mounts: z.array(z.looseObject({ Type: str, Source: str, Target: str, ReadOnly: bool })).nullish(),
  Tmpfs: stringMap, Sysctls: stringMap,
  ConsoleSize: z.array(z.number().int().nonnegative()).nullish(),
  Ulimits: z.array(z.looseObject({ Name: z.string(), Soft: z.number().int(), Hard: z.number().int() })).nullish(),
  Devices: z.array(z.looseObject({ PathOnHost: z.string(), PathInContainer: str, CgroupPermissions: str })).nullish(),
  OomScoreAdj: int, ShmSize: int, UTSMode: str, IpcMode: str,
  Memory: int, MemoryReservation: int, MemorySwap: int, NanoCpus: int, CpuShares: int, CpuPeriod: int, CpuQuota: int,
  CpusetCpus: str, CpusetMems: str, PidsLimit: int, BlkioWeight: int, MemorySwappiness: int, OomKillDisable: bool,
});

/** `POST /containers/create`. */
export const CreateSchema = z.looseObject({
  Image: z.string({ error: 'no image specified' }).min(1, 'no image specified'),
  Hostname: str, Domainname: str, User: str, WorkingDir: str, StopSignal: str, MacAddress: str,
  AttachStdin: bool, AttachStdout: bool, AttachStderr: bool, Tty: bool, OpenStdin: bool, StdinOnce: bool, NetworkDisabled: bool,
  Env: strings, Cmd: command, Entrypoint: command, Shell: strings, OnBuild: strings,
  Labels: stringMap, ExposedPorts: object, Volumes: object, Healthcheck: object, StopTimeout: int,
  HostConfig: HostConfigSchema.nullish(),
  NetworkingConfig: z.looseObject({ EndpointsConfig: z.record(z.string(), object).nullish() }).nullish(),
});

/** `POST /commit`: the new image's config, as a create's without its host settings. */
export const CommitSchema = CreateSchema.omit({ Image: true, HostConfig: true, NetworkingConfig: true }).extend({ Image: str }).loose();

/** `POST /containers/{id}/exec`. */
export const ExecCreateSchema = z.looseObject({
  Cmd: z.array(z.string()).nullish(), Env: strings, User: str, WorkingDir: str, DetachKeys: str,
  AttachStdin: bool, AttachStdout: bool, AttachStderr: bool, Tty: bool, Privileged: bool,
  ConsoleSize: z.array(z.number().int().nonnegative()).nullish(),
});

/** `POST /containers/{id}/update`. */
export const UpdateSchema = HostConfigSchema.pick({
  Memory: true, MemoryReservation: true, MemorySwap: true, NanoCpus: true, CpuShares: true, CpuPeriod: true, CpuQuota: true,
  CpusetCpus: true, CpusetMems: true, PidsLimit: true, BlkioWeight: true, RestartPolicy: true,
}).loose();

/** Checks a parsed body against a schema; a 400 names the first field that does not fit. */
export function checkBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return body as T;
  const issue = r.error.issues[0]!;
  const where = issue.path.length ? `invalid ${issue.path.join('.')}` : 'invalid request body';
  throw new InvalidParameter(`${where}: ${issue.message.replace(/^Invalid input: /, '')}`);
}
