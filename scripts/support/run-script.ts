// The exit protocol of the fuzz, load and soak scripts: main() returns the exit
// code; a crash prints its stack and exits 1.
export function runScript(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name} failed: ${(err as Error).stack}\n`);
      process.exit(1);
    },
  );
}
