/**
 * Linux signal names and numbers, parsed the way moby's `signal.ParseSignal` does: a non-zero
 * number, or a name with or without `SIG`, any case, including `RTMIN+n` and `RTMAX-n`.
 * @module
 */
import { InvalidParameter } from '../errors.ts';

const BASE: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18,
  STOP: 19, TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27,
  WINCH: 28, IO: 29, POLL: 29, PWR: 30, SYS: 31,
};
/** glibc reserves 32 and 33, so user-visible real-time signals start at 34, as in Go's table. */
export const SIGRTMIN = 34;
/** The highest Linux signal number. */
export const SIGRTMAX = 64;

/** Every accepted name (without `SIG`) and its number. */
export const SIGNALS: ReadonlyMap<string, number> = (() => {
  const m = new Map(Object.entries(BASE));
  m.set('RTMIN', SIGRTMIN);
  m.set('RTMAX', SIGRTMAX);
  for (let i = 1; i <= 15; i++) {
    m.set(`RTMIN+${i}`, SIGRTMIN + i);
    m.set(`RTMAX-${i}`, SIGRTMAX - i);
  }
  return m;
})();

/** What a signal does to a process that neither catches, ignores nor blocks it. */
export type DefaultAction = 'terminate' | 'ignore' | 'stop';

/** The kernel's default action for a signal (signal(7)); everything else terminates. */
export function defaultAction(sig: number): DefaultAction {
  if (sig === 17 || sig === 18 || sig === 23 || sig === 28) return 'ignore'; // CHLD CONT URG WINCH
  if (sig >= 19 && sig <= 22) return 'stop'; // STOP TSTP TTIN TTOU
  return 'terminate';
}

/** SIGKILL's number. */
export const SIGKILL = 9;
/** SIGTERM's number. */
export const SIGTERM = 15;

/**
 * Parses a signal given by name or number. Throws {@link InvalidParameter} with moby's messages:
 * `invalid signal: X` for `0` and unknown names, `the Linux daemon does not support signal N`
 * for numbers that are not Linux signals.
 */
export function parseSignal(raw: string | number): number {
  const text = String(raw).trim();
  if (/^[+-]?\d+$/.test(text)) {
    const n = Number(text);
    if (n === 0) throw new InvalidParameter(`invalid signal: ${text}`, 'MOORAGE_INVALID_SIGNAL');
    if (n < 1 || n > SIGRTMAX) {
      throw new InvalidParameter(`the Linux daemon does not support signal ${n}`, 'MOORAGE_INVALID_SIGNAL');
    }
    return n;
  }
  const name = text.toUpperCase().replace(/^SIG/, '');
  const n = SIGNALS.get(name);
  if (n === undefined) throw new InvalidParameter(`invalid signal: ${text}`, 'MOORAGE_INVALID_SIGNAL');
  return n;
}

/** The canonical name of a signal number, `SIGTERM` style (`SIGRTMIN+3` for real-time ones). */
export function signalName(n: number): string {
  for (const [name, num] of SIGNALS) {
    if (num === n && name !== 'IOT' && name !== 'CLD' && name !== 'POLL') return `SIG${name}`;
  }
  return String(n);
}
