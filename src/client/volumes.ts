/**
 * Volume operations of the SDK: create, list, inspect, remove, prune.
 * @module
 */
import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../wire/volumes.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { Filters } from './types.ts';

const enc = encodeURIComponent;
const filterArg = (f?: Filters) => (f && Object.keys(f).length ? JSON.stringify(f) : undefined);
const call = (o: CallOptions) => ({ timeoutMs: o.timeoutMs, abortSignal: o.abortSignal });

/** The volumes of an engine. */
export class Volumes {
  readonly #t: Transport;

  constructor(t: Transport) {
    this.#t = t;
  }

  /** Creates a volume (an existing name answers with it); no name: a random one. */
  create(body: VolumeCreateRequest = {}, opts: CallOptions = {}): Promise<Volume> {
    return this.#t.json({ method: 'POST', path: '/volumes/create', body, ...call(opts) });
  }

  /** Lists volumes (`dangling`, `name`, `label`, `driver` filters). */
  list(opts: CallOptions & { filters?: Filters } = {}): Promise<VolumeListResponse> {
    return this.#t.json({ method: 'GET', path: '/volumes', query: { filters: filterArg(opts.filters) }, ...call(opts) });
  }

  /** Inspects a volume. */
  inspect(name: string, opts: CallOptions = {}): Promise<Volume> {
    return this.#t.json({ method: 'GET', path: `/volumes/${enc(name)}`, ...call(opts) });
  }

  /** Removes a volume (409 while a container uses it); `force` ignores a missing one. */
  async remove(name: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.#t.send({ method: 'DELETE', path: `/volumes/${enc(name)}`, query: { force: opts.force || undefined }, ...call(opts) });
  }

  /** Removes unused anonymous volumes, or every unused one with `all`. */
  prune(opts: CallOptions & { all?: boolean; filters?: Filters } = {}): Promise<VolumePruneResponse> {
    const filters = { ...opts.filters, ...(opts.all ? { all: ['true'] } : {}) };
    return this.#t.json({ method: 'POST', path: '/volumes/prune', query: { filters: filterArg(filters) }, ...call(opts) });
  }
}
