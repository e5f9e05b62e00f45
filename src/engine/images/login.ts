/**
 * `docker login` (`POST /auth`): proves credentials against a registry; moorage stores none
 * (the client keeps them and sends them with each pull and push).
 * @module
 */
import type { Credentials } from '../../registry/auth.ts';

export type { Credentials } from '../../registry/auth.ts';
import type { Engine } from '../engine.ts';

/** What `POST /auth` carries. */
export interface LoginRequest extends Credentials {
  serveraddress?: string;
}

/** Logs in; a refusal is Unauthorized (401). */
export async function login(d: Engine, r: LoginRequest): Promise<{ IdentityToken: string; Status: string }> {
  const token = await d.registry.login(r.serveraddress ?? '', r);
  return { IdentityToken: token, Status: 'Login Succeeded' };
}
