/**
 * Runs the network tools (netavark, ip, iptables) asynchronously, with a bound on each run.
 * @module
 */
import { execFile } from 'node:child_process';
import { SystemError } from '../errors.ts';

/** How long one network tool may run: netavark takes ~0.2 s; a hung iptables lock must not hang a start. */
export const TOOL_TIMEOUT_MS = 60_000;

/** What a tool printed. */
export interface ToolResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs `cmd args` with `input` on stdin. Resolves with its output when it exits 0; otherwise
 * rejects with a SystemError carrying its output (`code`: MOORAGE_NETWORK_FAILED).
 */
export function runTool(cmd: string, args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: TOOL_TIMEOUT_MS, maxBuffer: 16 << 20, env: env ?? process.env },
      (err, stdout, stderr) => {
        if (!err) {
          resolve({ stdout, stderr });
          return;
        }
        const e = new SystemError(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || stdout.trim() || err.message}`,
          { code: 'MOORAGE_NETWORK_FAILED', cause: err });
        Object.assign(e, { stdout, stderr });
        reject(e);
      });
    child.stdin!.on('error', () => {}); // a tool that exits without reading its input
    child.stdin!.end(input ?? '');
  });
}
