import { spawnSync } from "node:child_process"
import { mkdtempSync, rmdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/**
 * Whether this process may give a child a private mount namespace with a tmpfs of its own
 * (`unshare --mount` + `mount -t tmpfs`, i.e. root or CAP_SYS_ADMIN): the disk-full and read-only
 * scenarios then run against a real small file system instead of a simulated one. Checked once.
 */
export const canMountTmpfs: boolean = (() => {
  if (process.platform !== "linux") return false
  const dir = mkdtempSync(join(tmpdir(), "sketchlog-mount-check-"))
  try {
    const result = spawnSync(
      "unshare",
      ["--mount", "sh", "-c", 'mount -t tmpfs -o size=16k sketchlog-check "$0" && umount "$0"', dir],
      { stdio: "ignore", timeout: 10_000 },
    )
    return result.status === 0
  } catch {
    return false
  } finally {
    rmdirSync(dir)
  }
})()

/** The path under which the parent sees `path` as the process `pid` sees it (its mount namespace). */
export const asSeenBy = (pid: number, path: string): string => join(`/proc/${pid}/root`, path)
