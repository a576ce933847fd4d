/**
 * Wall and CPU seconds of one asynchronous run, for the bench scripts that print both (CPU seconds
 * say what the run cost when other jobs share the cores; wall seconds what a user waits).
 */

/** Runs `run` and returns its value with its wall and CPU seconds (user + system, this process). */
export async function timed<T>(run: () => Promise<T>): Promise<[T, { wall: number; cpu: number }]> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await run();
  const used = process.cpuUsage(cpu);
  return [value, { wall: (performance.now() - wall) / 1000, cpu: (used.user + used.system) / 1e6 }];
}
