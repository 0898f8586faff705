// CPU time this process spends in `run`, in milliseconds: for tests bounding
// work (linear parsing, early refusal), since a loaded machine stretches the
// wall clock, not the work.
export function cpuMs(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}
