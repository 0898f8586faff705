// Preloaded into a server process by the soak (node --expose-gc --import):
// on SIGUSR2 it collects garbage, then writes its heap figures to stderr as
// one JSON line, so real growth can be told from garbage not yet collected.
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  process.stderr.write(`${JSON.stringify({ heapReport: { heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, rss: m.rss } })}\n`);
});
