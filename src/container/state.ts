/**
 * A container's run state, its transitions and its waiters, after moby's `container.State`.
 * Transitions are synchronous and pure, and the only way the state changes (`data` is read-only
 * outside this file); persisting them is the store's job.
 * @module
 */

/** Docker's status names, derived from the flags with moby's precedence. */
export type Status = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** What `POST /wait` can wait for. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

/** What the engine itself can wait for: also the next start (an attach made before `start`). */
type Condition = WaitCondition | 'running';

/** The zero time Docker prints for a time never set. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The persisted state fields, named as in Docker's inspect output. */
export interface StateData {
  Running: boolean;
  Paused: boolean;
  Restarting: boolean;
  OOMKilled: boolean;
  RemovalInProgress: boolean;
  Dead: boolean;
  Pid: number;
  ExitCode: number;
  Error: string;
  StartedAt: string;
  FinishedAt: string;
  /** Set by a manual stop or kill; cancels restart policies until the next manual start. */
  HasBeenManuallyStopped: boolean;
}

/** The result a waiter receives. */
export interface WaitResult {
  StatusCode: number;
  Error: string | null;
}

interface Waiter {
  condition: Condition;
  resolve: (r: WaitResult) => void;
}

/** The initial state of a created container. */
export function initialState(): StateData {
  return {
    Running: false, Paused: false, Restarting: false, OOMKilled: false, RemovalInProgress: false,
    Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME,
    HasBeenManuallyStopped: false,
  };
}

/** Docker's status precedence (moby `State.StateString`). */
export function statusOf(s: StateData): Status {
  if (s.Running) {
    if (s.Paused) return 'paused';
    if (s.Restarting) return 'restarting';
    return 'running';
  }
  if (s.RemovalInProgress) return 'removing';
  if (s.Dead) return 'dead';
  if (s.StartedAt === ZERO_TIME) return 'created';
  return 'exited';
}

/** A container's state plus the waiters woken by its transitions. */
export class State {
  readonly #data: StateData;
  #waiters: Waiter[] = [];
  #removed = false;

  constructor(data: StateData = initialState()) {
    this.#data = data;
  }

  /** The fields, read-only: they change through the transitions below only. */
  get data(): Readonly<StateData> { return this.#data; }

  /** Docker's status string for the current flags. */
  get status(): Status { return statusOf(this.data); }

  /** Running, paused or restarting: what stop and kill treat as running. */
  get running(): boolean { return this.data.Running; }

  /** The container's process started. Clears the last run's error, exit code and OOM flag. */
  setRunning(pid: number, startedAt: Date = new Date()): void {
    Object.assign(this.#data, {
      Running: true, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
      Pid: pid, ExitCode: 0, Error: '', StartedAt: startedAt.toISOString(),
    });
    this.#wake(['running'], { StatusCode: 0, Error: null });
  }

  /** The process exited (or never started): wakes `not-running` and `next-exit` waiters. */
  setStopped(exitCode: number, finishedAt: Date = new Date(), error = ''): void {
    Object.assign(this.#data, {
      Running: false, Paused: false, Restarting: false, Pid: 0, ExitCode: exitCode,
      FinishedAt: finishedAt.toISOString(),
    });
    if (error) this.#data.Error = error;
    this.#wake(['not-running', 'next-exit'], { StatusCode: exitCode, Error: error || null });
  }

  /** The process exited and a restart policy will start it again; wakes waiters like moby. */
  setRestarting(exitCode: number, finishedAt: Date = new Date()): void {
    Object.assign(this.#data, {
      Running: true, Paused: false, Restarting: true, Pid: 0, ExitCode: exitCode,
      FinishedAt: finishedAt.toISOString(),
    });
    this.#wake(['not-running', 'next-exit'], { StatusCode: exitCode, Error: null });
  }

  /** A start failed before the process ran: records Docker's exit code and the error. */
  setStartFailed(exitCode: number, error: string): void {
    this.setStopped(exitCode, new Date(), error);
  }

  /** The process exited and the kernel had OOM-killed it (or not): moby's `OOMKilled`. */
  setOOMKilled(oom: boolean): void {
    this.#data.OOMKilled = oom;
  }

  /** The processes were frozen. */
  setPaused(): void {
    this.#data.Paused = true;
  }

  /** The processes were thawed. */
  setUnpaused(): void {
    this.#data.Paused = false;
  }

  /**
   * A user stopped or killed the container (true), or started it again (false): restart
   * policies read this, and it is persisted.
   */
  setManuallyStopped(stopped: boolean): void {
    this.#data.HasBeenManuallyStopped = stopped;
  }

  /** Removal began (true) or failed (false). */
  setRemovalInProgress(inProgress: boolean): void {
    this.#data.RemovalInProgress = inProgress;
  }

  /** A removal was interrupted (the daemon died during it): the container is dead, as moby marks it. */
  setDead(): void {
    this.#data.RemovalInProgress = false;
    this.#data.Dead = true;
  }

  /** The container's removal finished: wakes every waiter. */
  setRemoved(): void {
    this.#removed = true;
    this.#wake(['not-running', 'next-exit', 'removed', 'running'],
      { StatusCode: this.data.ExitCode, Error: null });
  }

  /** The removal failed: `removed` waiters learn why, the rest keep waiting. */
  setRemovalError(error: string): void {
    this.#wake(['removed'], { StatusCode: this.data.ExitCode, Error: error });
  }

  /**
   * Waits for a condition. Resolves at once when it already holds. The returned `cancel` drops
   * the waiter (a client that hung up) so nothing leaks.
   */
  wait(condition: Condition): { result: Promise<WaitResult>; cancel: () => void } {
    if (condition === 'running' && this.#data.Running && !this.#data.Restarting) {
      return { result: Promise.resolve(this.#result()), cancel: () => {} };
    }
    if (condition === 'not-running' && !this.data.Running) {
      return { result: Promise.resolve(this.#result()), cancel: () => {} };
    }
    if (condition === 'removed' && this.#removed) {
      return { result: Promise.resolve(this.#result()), cancel: () => {} };
    }
    let waiter!: Waiter;
    const result = new Promise<WaitResult>((resolve) => { waiter = { condition, resolve }; });
    this.#waiters.push(waiter);
    const cancel = () => {
      this.#waiters = this.#waiters.filter((w) => w !== waiter);
      waiter.resolve({ StatusCode: -1, Error: 'wait cancelled' });
    };
    return { result, cancel };
  }

  /** How many waiters are pending (for tests and leak checks). */
  get waiterCount(): number { return this.#waiters.length; }

  #result(): WaitResult {
    return { StatusCode: this.data.ExitCode, Error: this.data.Error || null };
  }

  #wake(conditions: Condition[], r: WaitResult): void {
    const keep: Waiter[] = [];
    for (const w of this.#waiters) {
      if (conditions.includes(w.condition)) w.resolve(r); else keep.push(w);
    }
    this.#waiters = keep;
  }
}
