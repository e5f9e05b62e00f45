/**
 * Exec instances (`docker exec`): what was asked, whether it runs, its pid and exit code. Each
 * is checkpointed atomically to `<container dir>/execs/<id>/exec.json` beside its conmon
 * session's files, so an engine restart keeps its exit code and output; they go with the
 * container.
 * @module
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointWriter } from '../atomic-write.ts';
import { NotFound } from '../errors.ts';

/** What an exec runs, as `POST /containers/{id}/exec` gives it. */
export interface ExecConfig {
  Cmd: string[];
  User: string;
  WorkingDir: string;
  Env: string[];
  Tty: boolean;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  Privileged: boolean;
  DetachKeys: string;
  /** `[rows, cols]` for a TTY. */
  ConsoleSize: [number, number] | null;
}

/** One exec instance. */
export interface ExecRecord {
  ID: string;
  ContainerID: string;
  Config: ExecConfig;
  /** `start` was called (an exec runs once). */
  Started: boolean;
  Running: boolean;
  /** null until it exits. */
  ExitCode: number | null;
  Pid: number;
}

/** Every exec of an engine. */
export class ExecStore {
  readonly #execs = new Map<string, ExecRecord>();
  readonly #writer = new CheckpointWriter();
  readonly #containersDir: string;

  constructor(containersDir: string) {
    this.#containersDir = containersDir;
  }

  /** The session directory of an exec. */
  dir(e: Pick<ExecRecord, 'ID' | 'ContainerID'>): string {
    return join(this.#containersDir, e.ContainerID, 'execs', e.ID);
  }

  /** Reads the execs of a container from disk (at boot); unreadable ones are skipped. */
  async load(containerId: string): Promise<ExecRecord[]> {
    const root = join(this.#containersDir, containerId, 'execs');
    const out: ExecRecord[] = [];
    for (const id of await readdir(root).catch(() => [] as string[])) {
      const rec = await readFile(join(root, id, 'exec.json'), 'utf8').then((t) => JSON.parse(t) as ExecRecord, () => null);
      if (rec?.ID !== id) continue;
      this.#execs.set(id, rec);
      out.push(rec);
    }
    return out;
  }

  /** Records a new exec. */
  async add(rec: ExecRecord): Promise<void> {
    await mkdir(this.dir(rec), { recursive: true });
    this.#execs.set(rec.ID, rec);
    await this.save(rec);
  }

  /** Persists an exec's current record (writes of one exec land in order). */
  save(rec: ExecRecord): Promise<void> {
    return this.#writer.write(rec.ID, join(this.dir(rec), 'exec.json'), () => JSON.stringify(rec));
  }

  /** An exec by its full ID or a unique prefix; 404 otherwise. */
  get(ref: string): ExecRecord {
    const exact = this.#execs.get(ref);
    if (exact) return exact;
    const found = ref.length >= 1 ? [...this.#execs.values()].filter((e) => e.ID.startsWith(ref)) : [];
    if (found.length !== 1) throw new NotFound(`No such exec instance: ${ref}`, 'MOORAGE_NO_SUCH_EXEC');
    return found[0]!;
  }

  /** The execs of a container. */
  of(containerId: string): ExecRecord[] {
    return [...this.#execs.values()].filter((e) => e.ContainerID === containerId);
  }

  /** Forgets a removed container's execs (their files go with its directory). */
  forget(containerId: string): void {
    for (const e of this.of(containerId)) this.#execs.delete(e.ID);
  }
}
