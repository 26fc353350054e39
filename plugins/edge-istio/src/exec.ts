/**
 * Child processes for GitOps delivery: `git` and `kubectl` only, through execFile (never a shell), each with a
 * bounded timeout. Error messages name the command and subcommand, never the arguments (kubectl arguments may
 * carry a token).
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';

export interface RunOptions {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin. */
  input?: string;
  /** Exit codes that are answers, not failures (`git diff --quiet` exits 1 for "differs"). */
  okCodes?: number[];
  /** How errors name the call (`git commit`, `kubectl apply`); default the command's file name. */
  label?: string;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** A child process that failed: `stderr` as printed, `code` its exit code (-1 when it did not exit by itself). */
export class CommandError extends Error {
  readonly stderr: string;
  readonly code: number;
  /** Killed after the timeout. */
  readonly timedOut: boolean;
  constructor(message: string, stderr: string, code: number, timedOut = false) {
    super(message);
    this.name = 'CommandError';
    this.stderr = stderr;
    this.code = code;
    this.timedOut = timedOut;
  }
}

export function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const { cwd, timeoutMs, env, input, okCodes = [0], label = basename(command) } = options;
  return new Promise((done, fail) => {
    const child = execFile(
      command,
      args,
      { cwd, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env }, windowsHide: true },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        if (okCodes.includes(code)) return done({ stdout, stderr, code });
        const reason = error?.killed ? `timed out after ${timeoutMs} ms` : typeof error?.code === 'string' ? error.code : `exit code ${code}`;
        // Node's own message repeats the command line: never shown, it may hold a token.
        fail(new CommandError(`${label} failed (${reason})${stderr.trim() ? `: ${stderr.trim()}` : ''}`, stderr, code, error?.killed === true));
      },
    );
    // A command that exits before reading its input closes the pipe; that is its answer, not ours to report.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
  });
}
