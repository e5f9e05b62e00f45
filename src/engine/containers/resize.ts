/**
 * `POST /containers/{id}/resize`: sets the size of a container's terminal through conmon's
 * control fifo, and publishes `resize`.
 * @module
 */
import type { Container } from '../../container/container.ts';
import { Conflict, InvalidParameter } from '../../errors.ts';
import { resizeTerminal } from '../../runtime/attach.ts';
import type { Engine } from '../engine.ts';

/** Parses Docker's `h` and `w`: whole numbers from 0 to 65535. */
export function terminalSize(h: string | null, w: string | null): { rows: number; cols: number } {
  const num = (v: string | null, name: string) => {
    const n = Number(v ?? '0');
    if (!/^\d+$/.test(v ?? '0') || n > 65535) throw new InvalidParameter(`invalid ${name}: ${v}`);
    return n;
  };
  return { rows: num(h, 'height'), cols: num(w, 'width') };
}

/** Docker's `ConsoleSize`, `[rows, cols]`, when it names a size (whole numbers above 0); null otherwise. */
export function consoleSize(v: unknown): [number, number] | null {
  return Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && n > 0) ? [v[0] as number, v[1] as number] : null;
}

/** Resizes the terminal of a running container that has one. */
export async function resizeContainer(d: Engine, c: Container, rows: number, cols: number): Promise<void> {
  if (!c.state.running || c.state.data.Restarting) throw new Conflict(`Container ${c.id} is not running`, 'MOORAGE_NOT_RUNNING');
  if (!c.config.Tty) throw new InvalidParameter(`Container ${c.id} has no TTY to resize`);
  await resizeTerminal(c.bundleDir, rows, cols);
  d.emit(c, 'resize', { height: String(rows), width: String(cols) });
}
