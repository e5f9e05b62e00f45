/**
 * A minimal Engine API client over a daemon's unix socket, for tests and benchmarks: raw
 * requests, no retries, so what comes back (or the error, when the daemon dies mid-request) is
 * the daemon's.
 * @module
 */
import { request } from 'node:http';

/** Sends one request and resolves with status and body; rejects when the connection fails. */
export function call(socket: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: socket, method, path, headers: data ? { ...headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(data)) } : headers }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}
