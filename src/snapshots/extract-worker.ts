/**
 * The worker-thread side of a threaded extraction (see extract-threaded.ts): it reads a blob
 * file as the main thread reports it growing, and extracts it (decompression, hashing, tar
 * parsing, the unpack helper) on its own event loop, so the engine's thread keeps downloading.
 * @module
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MoorageError, messageOf } from '../errors.ts';
import { extractLayer } from './extract.ts';
import { readGrowing, type GrowingFile, type GrowingState } from './growing-file.ts';

/** What the main thread starts a worker with. */
export interface WorkerJob {
  paths: string[];
  root: string;
}

/** Messages from the main thread: the file's progress. */
export interface GrowthMessage {
  written: number;
  state: GrowingState;
  error?: string;
}

/** Messages to the main thread. */
export type WorkerReply =
  | { bytes: number }
  | { result: { digest: string; size: number; entries: number } }
  | { error: { code?: string; message: string } };

const job = workerData as WorkerJob;
let growth: GrowthMessage = { written: 0, state: 'open' };
const watchers = new Set<() => void>();
parentPort!.on('message', (m: GrowthMessage) => {
  growth = m;
  for (const w of [...watchers]) w();
});

/** The blob as the main thread reports it. */
const file: GrowingFile = {
  paths: job.paths,
  written: () => growth.written,
  state: () => growth.state,
  error: () => (growth.state === 'failed' ? new Error(growth.error ?? 'the blob failed') : undefined),
  watch(cb) {
    watchers.add(cb);
    return () => watchers.delete(cb);
  },
};

let reported = 0;
try {
  const x = await extractLayer(readGrowing(file), job.root, {
    onBytes: (n) => {
      reported += n;
      if (reported >= 1 << 20) {
        parentPort!.postMessage({ bytes: reported } satisfies WorkerReply);
        reported = 0;
      }
    },
  });
  if (reported) parentPort!.postMessage({ bytes: reported } satisfies WorkerReply);
  parentPort!.postMessage({ result: x } satisfies WorkerReply);
} catch (err) {
  parentPort!.postMessage({ error: { code: err instanceof MoorageError ? err.code : undefined, message: messageOf(err) } } satisfies WorkerReply);
}
