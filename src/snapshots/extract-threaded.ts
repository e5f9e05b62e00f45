/**
 * Extraction in a worker thread: a layer that downloads while it unpacks is read from its blob
 * file by a worker, which does the per-byte work (decompression, the diffID hash, tar parsing,
 * feeding moorage-unpack) on its own thread; several layers then unpack on several cores while
 * the engine's thread receives the downloads. Errors come back with their catalogue codes.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ERROR_CODES, MoorageError, SystemError, type ErrorCode } from '../errors.ts';
import type { Extracted, ExtractOptions } from './extract.ts';
import type { WorkerJob, WorkerReply } from './extract-worker.ts';
import type { GrowingFile } from './growing-file.ts';

const WORKER = new URL('./extract-worker.js', import.meta.url);

/** Whether extraction can run in a worker (the compiled engine; not sources run through a loader). */
export const THREADED = fileURLToPath(import.meta.url).endsWith('.js');

/** Extracts a growing blob file into `root` in a worker thread. */
export function extractInWorker(file: GrowingFile, root: string, opts: ExtractOptions = {}): Promise<Extracted> {
  return new Promise((resolve, reject) => {
    const w = new Worker(WORKER, { workerData: { paths: file.paths, root } satisfies WorkerJob });
    let settled = false;
    const post = () => w.postMessage({ written: file.written(), state: file.state(), error: file.error()?.message });
    const stop = file.watch(post);
    post();
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      stop();
      void w.terminate().then(fn, fn);
    };
    w.on('message', (m: WorkerReply) => {
      if ('bytes' in m) opts.onBytes?.(m.bytes);
      else if ('result' in m) finish(() => resolve(m.result));
      else if ('error' in m) {
        // A failed blob is reported as the blob's own error; the worker saw only its message.
        const own = file.state() === 'failed' ? file.error() : undefined;
        const { code, message } = m.error;
        finish(() => reject(own ?? (code && code in ERROR_CODES ? new MoorageError(code as ErrorCode, message) : new SystemError(message))));
      }
    });
    w.on('error', (err) => finish(() => reject(new SystemError(`layer extraction failed: ${err.message}`))));
    w.on('exit', (code) => finish(() => reject(new SystemError(`layer extraction stopped (worker exit ${code})`))));
  });
}
