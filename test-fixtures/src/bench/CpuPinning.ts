import { type ChildProcess, execFileSync, type SpawnOptions, spawn } from "node:child_process"

/**
 * Pins this process to `cpu` with `taskset` (Linux) and says whether that worked. A bench pins its
 * load generator to one CPU and its servers to the other (`spawnNode`), so the two never share a core
 * on a 2-core machine; where `taskset` is missing, nothing is pinned.
 */
export const pinToCpu = (cpu: number): boolean => {
  try {
    execFileSync("taskset", ["-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

/** Spawns `node …args` on CPU `cpu` through `taskset`, or unpinned when `cpu` is undefined. */
export const spawnNode = (
  cpu: number | undefined,
  args: ReadonlyArray<string>,
  options: SpawnOptions,
): ChildProcess =>
  cpu === undefined
    ? spawn(process.execPath, args, options)
    : spawn("taskset", ["-c", String(cpu), process.execPath, ...args], options)
