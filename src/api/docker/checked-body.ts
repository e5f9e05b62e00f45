/**
 * Request bodies checked against their schemas (`schemas.ts`), which are loaded on the first
 * request that has a body to check: zod costs about 12 MB of the engine's memory, which an
 * engine that only lists, inspects and stops containers never needs.
 * @module
 */

/** The request bodies that have a schema. */
export type BodyKind = 'create' | 'exec' | 'update' | 'commit';

let schemas: Promise<typeof import('./schemas.ts')> | undefined;

/** Checks a parsed body; a 400 names the first field that does not fit. */
export async function checkedBody<T>(kind: BodyKind, body: unknown): Promise<T> {
  const s = await (schemas ??= import('./schemas.ts'));
  const schema = { create: s.CreateSchema, exec: s.ExecCreateSchema, update: s.UpdateSchema, commit: s.CommitSchema }[kind];
  return s.checkBody(schema, body) as T;
}
