/**
 * `docker import`: a tarball becomes a one-layer image, with optional Dockerfile-style
 * `changes` (CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, STOPSIGNAL, EXPOSE, VOLUME). The
 * tarball is stored as the layer's blob while it is unpacked; a bad archive leaves nothing.
 * @module
 */
import { applyChanges } from '../../image/changes.ts';
import type { ImageRecord } from '../../image/store.ts';
import type { Engine } from '../engine.ts';
import { addLayerImage, newImageTags } from './layer-image.ts';

/** Import parameters, as `POST /images/create?fromSrc=-` carries them. */
export interface ImportOptions {
  repo?: string;
  tag?: string;
  message?: string;
  changes?: string[];
  onBytes?: (n: number) => void;
}

/** Imports a tarball stream as an image and publishes `import`. On any error nothing is kept. */
export async function importImage(d: Engine, input: AsyncIterable<Buffer>, o: ImportOptions): Promise<ImageRecord> {
  const tags = newImageTags(o.repo, o.tag);
  const defaults = applyChanges({ Cmd: null, Entrypoint: null, Env: [], WorkingDir: '', User: '', Labels: {} }, o.changes ?? []);
  const img = await addLayerImage(d, input, { tags, defaults, comment: o.message ?? '', createdBy: 'moorage import', onBytes: o.onBytes, emptyLayer: 'refuse' });
  d.events.publish('image', 'import', img.Id, { name: img.RepoTags[0] ?? img.Id });
  return img;
}
