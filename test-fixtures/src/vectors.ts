import { existsSync } from "node:fs"
import { dirname, join } from "node:path"
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
 * The test vectors, committed under `test-fixtures/vectors/`: serialized sketches from Apache
 * DataSketches (`datasketches/`, see its MANIFEST.md and NOTICE) and profiles written by whylogs 1.6
 * (`whylogs/`, see its README.md). Tests read them in place.
 */
export const vectorsDir: string = join(repoRoot, "test-fixtures", "vectors")

/** Path of a file under `vectors/datasketches/`, e.g. `datasketchesVector("cpp", "hll4_n10_cpp.sk")`. */
export const datasketchesVector = (...parts: ReadonlyArray<string>): string =>
  join(vectorsDir, "datasketches", ...parts)

/** Path of a file under `vectors/whylogs/`. */
export const whylogsVector = (name: string): string => join(vectorsDir, "whylogs", name)
