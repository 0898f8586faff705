// The server's memory, for the soak and the hostile-tenant scenario: its RSS
// from /proc and, when heap-report.js is preloaded into it (node --expose-gc
// --import), its heap after a full GC.
import { fileURLToPath } from 'node:url';
import { memoryOf, type ServerChild } from './server-child.js';

const MIB = 1024 * 1024;

export interface Sample {
  at: number;
  requests: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
}

/** startServerChild options that preload heap-report.js, and the lines it writes. */
export function heapReporting(): { nodeArgs: string[]; onStderrLine: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return {
    nodeArgs: ['--expose-gc', '--import', fileURLToPath(new URL('./heap-report.js', import.meta.url))],
    onStderrLine: (line) => {
      if (line.startsWith('{"heapReport"')) lines.push(line);
    },
    lines,
  };
}

/** Asks the server (heap-report.js preloaded) for its heap after a full GC, and reads its RSS. */
export function sample(server: ServerChild, heapLines: string[], at: number, requests: number): Promise<Sample> {
  return new Promise((resolve) => {
    const before = heapLines.length;
    server.child.kill('SIGUSR2');
    const started = Date.now();
    const poll = setInterval(() => {
      if (heapLines.length === before && Date.now() - started < 5000) return;
      clearInterval(poll);
      const report = heapLines.length > before ? (JSON.parse(heapLines[heapLines.length - 1]) as { heapReport: { heapUsed: number; heapTotal: number } }).heapReport : { heapUsed: NaN, heapTotal: NaN };
      const mem = memoryOf(server.pid);
      resolve({ at, requests, rssMiB: mem.rssMiB, heapUsedMiB: Math.round((report.heapUsed / MIB) * 10) / 10, heapTotalMiB: Math.round((report.heapTotal / MIB) * 10) / 10 });
    }, 20);
  });
}

/** Growth of a figure over the last part of the run compared with what is allowed: levelled off or not. */
export function levelled(samples: Sample[], pick: (s: Sample) => number, slackMiB: number): { growth: number; flat: boolean; over: string } {
  // The first sample is taken once warm; judge the second half of what follows.
  const warm = samples.slice(1);
  const from = warm[Math.floor((warm.length - 1) / 2)] ?? samples[0];
  const last = samples[samples.length - 1];
  const growth = Math.round((pick(last) - pick(from)) * 10) / 10;
  const allowed = Math.max(slackMiB, pick(from) * 0.05);
  return { growth, flat: growth <= allowed, over: `${Math.round(from.at)}–${Math.round(last.at)} s` };
}

