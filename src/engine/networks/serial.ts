/**
 * One queue per engine for the short sections that read and then claim shared addresses (host
 * ports), so two starts never both see a port free. Each section is bounded by its own calls.
 * @module
 */
const tails = new WeakMap<object, Promise<unknown>>();

/** Runs `fn` after every section queued before on `owner`. */
export function serialized<T>(owner: object, fn: () => Promise<T>): Promise<T> {
  const prev = tails.get(owner) ?? Promise.resolve();
  const next = prev.catch(() => {}).then(fn);
  tails.set(owner, next);
  return next;
}
