import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MoorageClient } from './client.ts';
import { encodeFrame } from './demux.ts';
import { collectOutput } from './containers.ts';
import { ClientTimeout, ConnectionError, Conflict, NotFound } from './errors.ts';

/** A fake engine: each test installs its handler; requests are recorded. */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler;
let apiVersion = '1.41';
const seen: string[] = [];
let server: Server;
let dir: string;
let socket: string;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'moorage-client-'));
  socket = join(dir, 's.sock');
  server = createServer((req, res) => {
    res.setHeader('Api-Version', apiVersion);
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/_ping') { res.setHeader('Docker-Experimental', 'false'); res.end('OK'); return; }
      handler(req, res, Buffer.concat(chunks).toString());
    });
  });
  server.on('upgrade', (req, sock) => {
    seen.push(`UPGRADE ${req.method} ${req.url} ${req.headers.upgrade}`);
    sock.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\n'
      + 'Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    sock.write(encodeFrame('stdout', 'hello\n'));
    setTimeout(() => sock.end(encodeFrame('stderr', 'oops\n')), 20);
  });
  await new Promise<void>((r) => server.listen(socket, r));
});

after(async () => {
  server.close();
  server.closeAllConnections();
  await rm(dir, { recursive: true, force: true });
});

function client(opts: { apiVersion?: string } = {}): MoorageClient {
  return new MoorageClient({ host: `unix://${socket}`, ...opts });
}

test('the client negotiates the version through /_ping and prefixes paths with it', async () => {
  apiVersion = '1.41';
  seen.length = 0;
  handler = (_q, res) => json(res, 200, { Version: '0.1.0', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64' });
  const c = client();
  const v = await c.system.version();
  assert.equal(v.Version, '0.1.0');
  assert.deepEqual(seen, ['GET /_ping', 'GET /v1.41/version']);
  c.close();
});

test('the client caps the version at its own maximum', async () => {
  apiVersion = '1.50';
  seen.length = 0;
  handler = (_q, res) => json(res, 200, {});
  const c = client();
  await c.system.info();
  assert.deepEqual(seen, ['GET /_ping', 'GET /v1.47/info']);
  apiVersion = '1.41';
  c.close();
});

test('stop sends t and signal and resolves after a slow 204 beyond t', async () => {
  seen.length = 0;
  handler = (_q, res) => setTimeout(() => { res.writeHead(204); res.end(); }, 1300);
  const c = client({ apiVersion: '1.41' });
  const r = await c.containers.stop('web', { timeout: 1, signal: 'SIGINT' });
  assert.deepEqual(r, { alreadyStopped: false });
  assert.deepEqual(seen, ['POST /v1.41/containers/web/stop?t=1&signal=SIGINT']);
  c.close();
});

test('stop of a stopped container (304) resolves with alreadyStopped', async () => {
  handler = (_q, res) => { res.writeHead(304); res.end(); };
  const c = client({ apiVersion: '1.41' });
  assert.deepEqual(await c.containers.stop('web', { timeout: 1 }), { alreadyStopped: true });
  c.close();
});

test('stop without a timeout reads the container StopTimeout first', async () => {
  seen.length = 0;
  handler = (req, res) => {
    if (req.method === 'GET') json(res, 200, { Id: 'x', Config: { StopTimeout: 3 } });
    else { res.writeHead(204); res.end(); }
  };
  const c = client({ apiVersion: '1.41' });
  await c.containers.stop('web');
  assert.deepEqual(seen, ['GET /v1.41/containers/web/json', 'POST /v1.41/containers/web/stop']);
  c.close();
});

test('a call past its deadline fails with ClientTimeout', async () => {
  handler = (_q, res) => setTimeout(() => json(res, 200, []), 1000);
  const c = client({ apiVersion: '1.41' });
  await assert.rejects(c.containers.list({ timeoutMs: 100 }), ClientTimeout);
  c.close();
});

test('engine errors become typed errors with the engine message', async () => {
  handler = (req, res) => req.method === 'DELETE'
    ? json(res, 409, { message: 'container is running' })
    : json(res, 404, { message: 'No such container: nope' });
  const c = client({ apiVersion: '1.41' });
  await assert.rejects(c.containers.inspect('nope'), (e: unknown) =>
    e instanceof NotFound && e.message === 'No such container: nope' && e.statusCode === 404);
  await assert.rejects(c.containers.remove('x'), Conflict);
  c.close();
});

test('list sends all and JSON filters', async () => {
  seen.length = 0;
  handler = (_q, res) => json(res, 200, []);
  const c = client({ apiVersion: '1.41' });
  await c.containers.list({ all: true, filters: { status: ['exited'] } });
  assert.equal(decodeURIComponent(seen[0]!), 'GET /v1.41/containers/json?all=1&filters={"status":["exited"]}');
  c.close();
});

test('wait resolves once the container exits, after headers flushed early', async () => {
  handler = (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    setTimeout(() => res.end('{"StatusCode":137,"Error":null}\n'), 200);
  };
  const c = client({ apiVersion: '1.41' });
  const h = await c.containers.waitHandle('web', { condition: 'next-exit' });
  assert.deepEqual(await h.result, { StatusCode: 137, Error: null });
  c.close();
});

test('logs are demultiplexed into stdout and stderr', async () => {
  handler = (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/vnd.docker.multiplexed-stream' });
    res.end(Buffer.concat([encodeFrame('stdout', 'a\n'), encodeFrame('stderr', 'b\n'), encodeFrame('stdout', 'c\n')]));
  };
  const c = client({ apiVersion: '1.41' });
  assert.deepEqual(await collectOutput(await c.containers.logs('web', { tail: 10 })), { stdout: 'a\nc\n', stderr: 'b\n' });
  c.close();
});

test('attach hijacks the connection after 101 and demultiplexes the output', async () => {
  seen.length = 0;
  const c = client({ apiVersion: '1.41' });
  const a = await c.containers.attach('web');
  assert.deepEqual(await collectOutput(a.output), { stdout: 'hello\n', stderr: 'oops\n' });
  assert.deepEqual(seen, ['UPGRADE POST /v1.41/containers/web/attach?stream=1&stdout=1&stderr=1 tcp']);
  c.close();
});

test('events arrive as parsed objects', async () => {
  handler = (_q, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{}},"time":1,"timeNano":1}\n');
    res.end('{"Type":"container","Action":"die","Actor":{"ID":"a","Attributes":{"exitCode":"0"}},"time":2,"timeNano":2}\n');
  };
  const c = client({ apiVersion: '1.41' });
  const actions: string[] = [];
  for await (const e of await c.system.events({ since: 0, until: new Date(5000) })) actions.push(e.Action);
  assert.deepEqual(actions, ['start', 'die']);
  c.close();
});

test('import streams the tarball and returns the new image id', async () => {
  let received = 0;
  seen.length = 0;
  handler = (_q, res, body) => {
    received = body.length;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(`{"status":"sha256:${'a'.repeat(64)}"}\n`);
  };
  const c = client({ apiVersion: '1.41' });
  const uploads: number[] = [];
  const r = await c.images.import(Buffer.alloc(3000, 1), { repo: 'mine:v1', onUpload: (n) => uploads.push(n) });
  assert.equal(r.id, `sha256:${'a'.repeat(64)}`);
  assert.equal(r.bytes, 3000);
  assert.equal(received, 3000);
  assert.equal(uploads.at(-1), 3000);
  assert.equal(seen[0], 'POST /v1.41/images/create?fromSrc=-&repo=mine&tag=v1');
  c.close();
});

test('an unreachable engine is a ConnectionError naming the address', async () => {
  const c = new MoorageClient({ host: `unix://${dir}/missing.sock` });
  await assert.rejects(c.system.ping(), (e: unknown) => e instanceof ConnectionError && /missing\.sock/.test(e.message));
  c.close();
});
