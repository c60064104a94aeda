import { existsSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

/** The repository root (the folder holding pnpm-workspace.yaml). */
export const repoRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, "pnpm-workspace.yaml"))) {
    const up = dirname(dir)
    if (up === dir) throw new Error("test-fixtures: cannot find the repository root")
    dir = up
  }
  return dir
})()

/**
 * The shared, read-only test vectors: `../shared/vectors` beside the repository root (present in CI
 * too), or `$SKETCHLOG_SHARED_DIR/vectors` when that is set. Tests read them in place.
 */
export const vectorsDir: string = resolve(
  process.env.SKETCHLOG_SHARED_DIR ?? join(repoRoot, "..", "shared"),
  "vectors",
)

/** Path of a file under `vectors/datasketches/`, e.g. `datasketchesVector("cpp", "hll4_n10_cpp.sk")`. */
export const datasketchesVector = (...parts: ReadonlyArray<string>): string =>
  join(vectorsDir, "datasketches", ...parts)

/** Path of a file under `vectors/whylogs/`. */
export const whylogsVector = (name: string): string => join(vectorsDir, "whylogs", name)
