// One bash per chapter: the chapter's ```sh blocks are sourced into it one
// after another (so exports, variables and functions carry on, as in a
// reader's terminal), each with stdin from /dev/null, and what each printed
// on stdout is kept apart. The shell leads its own process group, so ending
// the chapter ends everything its examples started (servers included).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Ran {
  stdout: string;
  stderr: string;
  status: number;
}

const MARK = '\u001e';

export class ChapterShell {
  private readonly child: ChildProcessWithoutNullStreams;
  private stdout = '';
  private stderr = '';
  private exited = false;
  private wake: (() => void) | undefined;
  private blocks = 0;

  constructor(
    private readonly dir: string,
    env: NodeJS.ProcessEnv,
    cwd: string,
  ) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (d: Buffer) => this.take('stdout', d));
    this.child.stderr.on('data', (d: Buffer) => this.take('stderr', d));
    this.child.on('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  private take(which: 'stdout' | 'stderr', d: Buffer): void {
    // Bounded: a runaway example cannot fill the test's memory.
    if (this[which].length < 4_000_000) this[which] += d.toString('utf8');
    this.wake?.();
  }

  /** Runs one block in the chapter's shell; rejects after `ms` with what it had printed so far. */
  async run(code: string, ms: number): Promise<Ran> {
    const n = ++this.blocks;
    const file = join(this.dir, `block-${n}.sh`);
    writeFileSync(file, code);
    const errFrom = this.stderr.length;
    this.stdout = '';
    this.child.stdin.write(`. '${file}' </dev/null; printf '${MARK}%d${MARK}' "$?"\n`);
    const deadline = Date.now() + ms;
    for (;;) {
      const m = new RegExp(`${MARK}(\\d+)${MARK}`).exec(this.stdout);
      if (m) {
        const ran = { stdout: this.stdout.slice(0, m.index), stderr: this.stderr.slice(errFrom), status: Number(m[1]) };
        this.stdout = this.stdout.slice(m.index + m[0].length);
        return ran;
      }
      if (this.exited) throw new Error(`the chapter's shell exited (an example ran \`exit\`?); it had printed:\n${this.stdout}\n${this.stderr.slice(errFrom)}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        await this.close(1000);
        throw new Error(`no end within ${ms / 1000} s; it had printed:\n${this.stdout}\nand on stderr:\n${this.stderr.slice(errFrom)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Starts a block in the background (a server); its output goes to `log`. */
  background(code: string, log: string): void {
    const file = join(this.dir, `background-${++this.blocks}.sh`);
    writeFileSync(file, code);
    this.child.stdin.write(`( . '${file}' ) </dev/null >'${log}' 2>&1 &\n`);
  }

  /** Sets a variable in the shell, as the harness learns it (a server's address). */
  export(name: string, value: string): void {
    this.child.stdin.write(`export ${name}='${value.replace(/'/g, `'\\''`)}'\n`);
  }

  /**
   * Ends the shell and everything it started: its process group, which the
   * harness made (SIGTERM, so servers finish what they were doing; SIGKILL
   * after `graceMs`).
   */
  async close(graceMs = 10_000): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const signal = (s: NodeJS.Signals): void => {
      try {
        process.kill(-pid, s);
      } catch {
        // The group is gone already.
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && groupAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    signal('SIGKILL');
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
