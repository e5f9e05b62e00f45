/**
 * Chain IDs (image-spec config.md): a layer's identity together with everything below it.
 * ChainID(L0) = DiffID(L0); ChainID(L0…Ln) = sha256("<ChainID(L0…Ln-1)> <DiffID(Ln)>"). Pure.
 * @module
 */
import { createHash } from 'node:crypto';

/** The chain ID of each prefix of `diffIds` (bottom layer first). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diff of diffIds) {
    const parent = out.at(-1);
    out.push(parent ? `sha256:${createHash('sha256').update(`${parent} ${diff}`).digest('hex')}` : diff);
  }
  return out;
}
