import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { send } from './http.ts';

async function listen(s: Server): Promise<number> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as { port: number }).port;
}

test('redirects are followed without sending Authorization to another host', async () => {
  let seen: IncomingHttpHeaders = {};
  const cdn = createServer((req, res) => { seen = req.headers; res.end('blob'); });
  const cdnPort = await listen(cdn);
  const reg = createServer((req, res) => {
    if (req.url === '/same') res.writeHead(307, { Location: '/final' }).end();
    else if (req.url === '/final') res.end(req.headers.authorization ?? 'none');
    else res.writeHead(307, { Location: `http://127.0.0.1:${cdnPort}/blob` }).end();
  });
  const port = await listen(reg);
  try {
    const other = await send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v2/x/blobs/d`), headers: { Authorization: 'Bearer secret' } });
    other.body.resume();
    assert.equal(other.status, 200);
    assert.equal(seen.authorization, undefined, 'another host (or port) never sees the token');
    const same = await send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/same`), headers: { Authorization: 'Bearer secret' } });
    let text = '';
    for await (const c of same.body) text += c;
    assert.equal(text, 'Bearer secret', 'the same host keeps it');
  } finally {
    cdn.close();
    reg.close();
  }
});

test('a registry that never answers is a bounded wait', async () => {
  const silent = createServer(() => { /* never answers */ });
  const port = await listen(silent);
  try {
    await assert.rejects(send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/v2/`), headersTimeoutMs: 200 }), /no answer within/);
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});
