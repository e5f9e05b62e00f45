/**
 * Container names: Docker's rule for a chosen one, and generated ones (`adjective_surname`).
 * @module
 */
import { InvalidParameter } from '../../errors.ts';

/** What a container name may be (moby's `validContainerNamePattern`), with an optional `/`. */
const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Throws Docker's 400 for a name outside `[a-zA-Z0-9][a-zA-Z0-9_.-]+`. */
export function checkName(name: string): void {
  if (!NAME_RE.test(name)) throw new InvalidParameter(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
}

const LEFT = ['admiring', 'bold', 'brave', 'calm', 'clever', 'eager', 'focused', 'gentle', 'happy',
  'jolly', 'keen', 'lucid', 'modest', 'nifty', 'patient', 'quiet', 'serene', 'steady', 'tender', 'vivid'];
const RIGHT = ['babbage', 'curie', 'dijkstra', 'euler', 'franklin', 'goldberg', 'hopper', 'kepler',
  'lamarr', 'lovelace', 'meitner', 'noether', 'pascal', 'ritchie', 'shannon', 'thompson', 'turing', 'wozniak'];

/** A random `adjective_surname` name with a numeric suffix to keep collisions rare. */
export function randomName(): string {
  const pick = (a: string[]) => a[Math.floor(Math.random() * a.length)];
  return `${pick(LEFT)}_${pick(RIGHT)}${Math.floor(Math.random() * 100)}`;
}
