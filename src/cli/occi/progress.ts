// Progress of a --wait: a live spinner line (state, elapsed time) on a
// terminal, plain lines on stderr otherwise (one per change of state).
import type { Progress } from '../../client/index.js';

export interface ProgressReporter {
  update(p: Progress): void;
  stop(ok: boolean, text: string): void;
}

const describe = (what: string, p: Progress): string =>
  `${what}: ${p.state ?? (p.entity ? 'unknown state' : 'gone')}${p.message ? ` (${p.message})` : ''}, ${(p.elapsedMs / 1000).toFixed(1)} s`;

export async function progressReporter(what: string, stream: NodeJS.WriteStream, live: boolean, colour: boolean): Promise<ProgressReporter> {
  if (live) {
    const { createSpinner } = await import('nanospinner');
    const spinner = createSpinner(`${what}: waiting`, { stream, color: colour ? 'cyan' : undefined }).start();
    return {
      update: (p) => spinner.update({ text: describe(what, p) }),
      stop: (ok, text) => (ok ? spinner.success({ text }) : spinner.error({ text: `${what}: stopped waiting` })),
    };
  }
  let last = '';
  return {
    update(p) {
      const key = `${p.state ?? ''}|${p.message ?? ''}|${p.entity ? 1 : 0}`;
      if (key === last) return;
      last = key;
      stream.write(`${describe(what, p)}\n`);
    },
    // A failure is told once, by the error message that follows.
    stop: (ok, text) => void (ok && stream.write(`${text}\n`)),
  };
}
