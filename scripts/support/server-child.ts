// A real snf-occi process on loopback (`node dist/src/cli/main.js --port 0`),
// for the fuzz, load and soak scripts and the crash test: started on a data
// dir with known tokens, its port read from the first log line, its log kept
// draining (a full pipe would stall the server), its memory read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ServerChildOptions {
  /** Reused when given (restart after a crash); a fresh temporary dir otherwise. */
  dataDir?: string;
  tokens: Array<{ token: string; tenant: string }>;
  /** Default info, the level the port is logged at. */
  logLevel?: string;
  /** Extra configuration merged into the JSON config file (limits, local …). */
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Log lines at level error or above (pino level ≥ 50) are kept, at most this many (default 50). */
  keepErrors?: number;
  /** Options for node itself, before the script (e.g. --expose-gc, --import file). */
  nodeArgs?: string[];
  /** The server's entry script (default: this build's dist/src/cli/main.js), e.g. another build to compare with. */
  main?: string;
  /** Called with each line the server writes to stderr. */
  onStderrLine?: (line: string) => void;
  /** Called with each log line the server writes to stdout once it is listening (the bench reads its timings). */
  onStdoutLine?: (line: string) => void;
  /**
   * The server's log (its stdout) goes to `<dataDir>/server.log`, as with
   * systemd's `StandardOutput=append:`, instead of a pipe this process reads:
   * a benchmark's load generator then spends no CPU reading it on the same
   * cores. The port is read from the file; `errors` and `onStdoutLine` see
   * nothing after that.
   */
  logToFile?: boolean;
}

export interface ServerChild {
  child: ChildProcess;
  pid: number;
  port: number;
  base: string;
  dataDir: string;
  /** Where the log goes with `logToFile`. */
  logFile?: string;
  /** The server's error-level log lines seen so far (bounded). */
  errors: string[];
  /** Resolves with the exit code (or the signal name) once the process has gone. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<number | string>;
  kill(): Promise<number | string>;
}

/**
 * The caller's environment less its OS_* variables: the server reads them as
 * OpenStack settings (region, identity version …), and a child started for a
 * test or a benchmark takes its settings from its config file alone, whatever
 * the shell running it has sourced.
 */
function withoutOpenStackVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('OS_')));
}

export function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const dataDir = options.dataDir ?? tempDir('snf-occi-rel-');
  const configFile = join(dataDir, 'reliability-config.json');
  // The scripts and tests driving a child measure or stress the server, far past any normal client: no rate limit unless asked.
  const config = {
    logLevel: options.logLevel ?? 'info',
    rateLimit: { perSecond: 0, failedAuthPerMinute: 0 },
    ...options.config,
    local: { tokens: options.tokens, ...(options.config?.local as object | undefined) },
  };
  writeFileSync(configFile, JSON.stringify(config));
  const logFile = options.logToFile ? join(dataDir, 'server.log') : undefined;
  const logFd = logFile === undefined ? undefined : openSync(logFile, 'a', 0o600);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.main ?? MAIN, '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir, '--config', configFile], {
    env: { ...withoutOpenStackVariables(process.env), ...options.env },
    stdio: ['ignore', logFd ?? 'pipe', 'pipe'],
  });
  if (logFd !== undefined) closeSync(logFd);
  const keep = options.keepErrors ?? 50;
  const errors: string[] = [];
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  let stderr = '';
  let partial = '';
  child.stderr!.on('data', (d: Buffer) => {
    if (stderr.length < 16_384) stderr += d.toString();
    if (!options.onStderrLine) return;
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onStderrLine(line);
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    let port = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within 20 s: ${stderr}`));
    }, 20_000);
    const take = (d: Buffer | string): void => {
      buffer += d.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (port !== 0) options.onStdoutLine?.(line);
        // Once listening, only error lines are worth parsing (pino writes "level":50 and up for them).
        if (port !== 0 && !/"level":[56]0/.test(line)) continue;
        let entry: { level?: number; port?: number };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if ((entry.level ?? 0) >= 50 && errors.length < keep) errors.push(line);
        if (port === 0 && typeof entry.port === 'number') {
          port = entry.port;
          clearTimeout(timer);
          const kill = (signal: NodeJS.Signals, graceMs: number): Promise<number | string> => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
            return exited.finally(() => clearTimeout(force));
          };
          resolve({
            child,
            pid: child.pid!,
            port,
            base: `http://127.0.0.1:${port}`,
            dataDir,
            logFile,
            errors,
            exited,
            stop: (graceMs = 15_000) => kill('SIGTERM', graceMs),
            kill: () => kill('SIGKILL', 0),
          });
        }
      }
      if (buffer.length > 1_000_000) buffer = '';
    };
    if (logFile === undefined) child.stdout!.on('data', take);
    else {
      let read = 0;
      const poll = setInterval(() => {
        const text = readFileSync(logFile, 'utf8');
        take(text.slice(read));
        read = text.length;
        if (port !== 0) clearInterval(poll);
      }, 20);
      void exited.then(() => clearInterval(poll));
    }
    void exited.then((code) => {
      clearTimeout(timer);
      if (port === 0) reject(new Error(`server exited with ${code} before listening: ${stderr}`));
    });
  });
}

export interface Memory {
  rssMiB: number;
  peakMiB: number;
}

/** VmRSS and VmHWM of a live process, in MiB. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: Math.round(kb('VmRSS') / 102.4) / 10, peakMiB: Math.round(kb('VmHWM') / 102.4) / 10 };
}
