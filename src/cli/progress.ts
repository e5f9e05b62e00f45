/**
 * Live progress lines on a terminal: a fixed block of lines redrawn in place (one per
 * container being stopped, or one for an import). On a non-terminal nothing is drawn; callers
 * print plain final lines instead.
 * @module
 */
import type { Writable } from 'node:stream';

/** A block of lines redrawn in place on a TTY. */
export class LiveLines {
  private lines: string[] = [];
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  /** @param render called before every redraw (e.g. to refresh countdowns) */
  constructor(private readonly out: Writable, private readonly render?: () => void, intervalMs = 200) {
    if (render) {
      this.timer = setInterval(() => { render(); this.draw(); }, intervalMs);
      this.timer.unref();
    }
  }

  /** Sets line `i` and redraws. */
  set(i: number, text: string): void {
    this.lines[i] = text;
    this.draw();
  }

  /** Redraws every line in place. */
  draw(): void {
    let s = this.drawn ? `\x1b[${this.drawn}A` : '';
    for (const l of this.lines) s += `\r\x1b[2K${l ?? ''}\n`;
    this.drawn = this.lines.length;
    this.out.write(s);
  }

  /** Stops the refresh timer after a last redraw. */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.render?.();
    this.draw();
  }
}
