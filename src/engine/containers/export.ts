/**
 * `GET /containers/{id}/export` (moby's `containerExport`): a tar of the container's whole root
 * filesystem as the container sees it (its image and its writable layer merged), entries
 * relative to the root, without the root itself. Running or stopped.
 * @module
 */
import type { Container } from '../../container/container.ts';
import type { Engine } from '../engine.ts';
import { streamTree, type TarSink } from './archive.ts';

/** Streams the container's filesystem as a tar into `sink`; publishes `export`. */
export async function exportContainer(d: Engine, c: Container, sink: TarSink): Promise<void> {
  await streamTree(d, c, { abs: '/', follow: true }, sink, (rel) => rel || null, () => d.emit(c, 'export'));
}
