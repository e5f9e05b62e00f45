/**
 * An HTTP proxy in front of a test registry, on 127.0.0.1: it counts requests by path and can
 * damage answers on purpose (a blob with one byte changed, a body cut short, a connection that
 * dies mid-body, a manifest replaced), so bad-input tests run against the real registry.
 * @module
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

/** What to do to the answer of a matching request. */
export type Fault =
  | { kind: 'corrupt' }
  | { kind: 'truncate' }
  | { kind: 'die'; afterBytes: number }
  | { kind: 'replace'; body: Buffer; contentType: string };

/** A fault for requests whose path includes `path` (and whose method matches, GET by default). */
export interface Rule {
  path: string;
  method?: string;
  fault: Fault;
  /** Applies to the first N matching requests only (default: all). */
  times?: number;
}

/** A running proxy. */
export interface CountingProxy {
  port: number;
  /** How many requests had a path including `fragment` (GET only). */
  count(fragment: string): number;
  /** Replaces the fault rules. */
  setRules(rules: Rule[]): void;
  stop(): Promise<void>;
}

/** Starts a proxy to the registry on `targetPort`. */
export async function countingProxy(targetPort: number, rules: Rule[] = []): Promise<CountingProxy> {
  const seen: string[] = [];
  let active = rules.map((r) => ({ ...r, left: r.times ?? Infinity }));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') seen.push(req.url ?? '');
    const rule = active.find((r) => (req.url ?? '').includes(r.path) && (r.method ?? 'GET') === req.method && r.left > 0);
    if (rule) rule.left--;
    const up = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      const f = rule?.fault;
      if (f?.kind === 'replace') {
        ur.resume();
        res.writeHead(200, { 'Content-Type': f.contentType, 'Content-Length': String(f.body.length) }).end(f.body);
        return;
      }
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      if (!f || (ur.statusCode ?? 0) >= 300) {
        ur.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      ur.on('data', (c: Buffer) => chunks.push(c));
      ur.on('end', () => {
        const body = Buffer.concat(chunks);
        if (f.kind === 'corrupt') {
          body[body.length >> 1] ^= 0xff;
          res.end(body);
        } else if (f.kind === 'truncate') {
          res.write(body.subarray(0, body.length >> 1), () => setTimeout(() => res.socket?.destroy(), 50));
        } else {
          res.write(body.subarray(0, Math.min(f.afterBytes, body.length)), () => setTimeout(() => res.socket?.destroy(), 50));
        }
      });
    });
    up.on('error', () => res.socket?.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    count: (fragment) => seen.filter((u) => u.includes(fragment)).length,
    setRules(next) { active = next.map((r) => ({ ...r, left: r.times ?? Infinity })); },
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
