/**
 * What every bench child shares: tell the parent its port over IPC, and leave on SIGTERM, SIGINT or a lost
 * parent through process.exit, so `node --cpu-prof` still writes its profile and nothing outlives the bench.
 */
export function announce(port: number, extra: Record<string, unknown> = {}): void {
  process.send?.({ type: 'ready', port, ...extra });
}

export function exitWith(cleanup: () => Promise<void> | void = () => undefined): void {
  let leaving = false;
  const leave = (): void => {
    if (leaving) return;
    leaving = true;
    const timer = setTimeout(() => process.exit(0), 3000);
    timer.unref();
    Promise.resolve()
      .then(cleanup)
      .catch(() => undefined)
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
  // The IPC channel closes when the parent dies, even by SIGKILL.
  process.on('disconnect', leave);
}

export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

export function requiredArg(name: string): string {
  const value = arg(name);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}
