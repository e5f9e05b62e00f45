/**
 * Network operations of the SDK: create, list, inspect, remove, connect, disconnect, prune.
 * @module
 */
import type { NetworkConnectRequest, NetworkCreateRequest, NetworkCreateResponse, NetworkInspect, NetworkPruneResponse } from '../wire/networks.ts';
import type { CallOptions, Transport } from './transport.ts';
import type { Filters } from './types.ts';

const enc = encodeURIComponent;
const filterArg = (f?: Filters) => (f && Object.keys(f).length ? JSON.stringify(f) : undefined);
const call = (o: CallOptions) => ({ timeoutMs: o.timeoutMs, abortSignal: o.abortSignal });

/** The networks of an engine. */
export class Networks {
  readonly #t: Transport;

  constructor(t: Transport) {
    this.#t = t;
  }

  /** Creates a network (`POST /networks/create`). */
  create(body: NetworkCreateRequest, opts: CallOptions = {}): Promise<NetworkCreateResponse> {
    return this.#t.json({ method: 'POST', path: '/networks/create', body, ...call(opts) });
  }

  /** Lists networks (`GET /networks`), e.g. `{ label: ['team=a'] }`. */
  list(opts: CallOptions & { filters?: Filters } = {}): Promise<NetworkInspect[]> {
    return this.#t.json({ method: 'GET', path: '/networks', query: { filters: filterArg(opts.filters) }, ...call(opts) });
  }

  /** Inspects a network by ID, name or ID prefix, with its containers. */
  inspect(ref: string, opts: CallOptions = {}): Promise<NetworkInspect> {
    return this.#t.json({ method: 'GET', path: `/networks/${enc(ref)}`, ...call(opts) });
  }

  /** Removes a network (403 while containers run on it, or for a predefined one). */
  async remove(ref: string, opts: CallOptions = {}): Promise<void> {
    await this.#t.send({ method: 'DELETE', path: `/networks/${enc(ref)}`, ...call(opts) });
  }

  /** Connects a container, with optional aliases and a fixed address. */
  async connect(ref: string, container: string, endpoint: NetworkConnectRequest['EndpointConfig'] = null, opts: CallOptions = {}): Promise<void> {
    await this.#t.send({ method: 'POST', path: `/networks/${enc(ref)}/connect`, body: { Container: container, EndpointConfig: endpoint }, ...call(opts) });
  }

  /** Disconnects a container. */
  async disconnect(ref: string, container: string, opts: CallOptions & { force?: boolean } = {}): Promise<void> {
    await this.#t.send({ method: 'POST', path: `/networks/${enc(ref)}/disconnect`, body: { Container: container, Force: Boolean(opts.force) }, ...call(opts) });
  }

  /** Removes every user network no container uses. */
  prune(opts: CallOptions & { filters?: Filters } = {}): Promise<NetworkPruneResponse> {
    return this.#t.json({ method: 'POST', path: '/networks/prune', query: { filters: filterArg(opts.filters) }, ...call(opts) });
  }
}
