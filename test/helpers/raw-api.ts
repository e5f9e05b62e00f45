/**
 * One raw request to an engine's socket, for tests that look at statuses and bodies as they are
 * sent (no client in between).
 * @module
 */
import { request } from 'node:http';

/** Sends a request without a body; resolves the status and the whole body. */
export function rawApi(socket: string, method: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
