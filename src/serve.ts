/**
 * `moorage daemon`: boots a daemon, serves the API, and shuts down on SIGINT/SIGTERM like
 * dockerd (the API closes first; a fourth signal exits at once). Containers keep running under
 * their monitors across a daemon restart.
 * @module
 */
import { access, constants } from 'node:fs/promises';
import pino from 'pino';
import { ApiServer } from './api/docker/server.ts';
import { bootEngine } from './engine/boot.ts';
import type { EngineConfig } from './engine/config.ts';

/** Runs a daemon until it is signalled. Resolves when it has shut down. */
export async function serveDaemon(config: EngineConfig): Promise<void> {
  const log = pino({ level: config.logLevel });
  // A bug in one operation must cost that operation, not every container's engine.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
  if (config.init && !(await access(config.initPath, constants.X_OK).then(() => true, () => false))) {
    log.warn({ initPath: config.initPath }, 'init binary not found: containers run without an init (run scripts/setup.sh to build it)');
    config.init = false;
  }
  const daemon = await bootEngine(config, log);
  const api = new ApiServer(daemon);
  await api.listen(config.host);
  daemon.log.info({ host: config.host, dataRoot: config.dataRoot }, 'moorage daemon listening');

  await new Promise<void>((resolve) => {
    let signals = 0;
    const onSignal = (sig: NodeJS.Signals) => {
      signals++;
      if (signals > 3) process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
      if (signals > 1) return;
      daemon.log.info({ signal: sig }, 'shutting down');
      void (async () => {
        await api.close();
        // Stops in progress finish (each is bounded by its timeout + 12 s, or this).
        await daemon.settle(Math.max(15, config.defaultStopTimeout + 15) * 1000);
        daemon.shuttingDown = true;
        await daemon.close();
        resolve();
      })();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
