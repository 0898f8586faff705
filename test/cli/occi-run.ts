// Runs the real occi binary as a child process (never spawnSync: the server
// under test runs in this process and must keep answering).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const OCCI = fileURLToPath(new URL('../../src/cli/occi/main.js', import.meta.url));

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `occi args…` with a clean environment plus `env` (no OS_* or OCCI_* from the caller). */
export function occi(args: string[], env: Record<string, string> = {}, input?: string): Promise<Ran> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OS_|OCCI_|SNF_OCCI_|NO_COLOR)/.test(k)));
  return new Promise((resolve) => {
    // A command that waits is given its own deadline and then some, whatever the machine's load.
    const wait = Number(args[args.indexOf('--wait-timeout') + 1]);
    const timeout = args.includes('--wait-timeout') && Number.isFinite(wait) ? Math.max(60_000, (wait + 60) * 1000) : 60_000;
    const child = execFile(process.execPath, [OCCI, ...args], { env: { ...base, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
