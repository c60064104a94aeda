import { mkdirSync, writeFileSync } from "node:fs"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { suiteMode } from "./SuiteMode.js"

/** One measured figure and the bound the suite holds it to. */
export interface Figure {
  /** The area's table in docs/RELIABILITY.md (`load`, `faults`, `hostile input`, `security`). */
  readonly area: string
  /** What was measured, in words. */
  readonly name: string
  readonly value: number | string
  readonly unit: string
  /** The bound, in words (`= 0`, `≤ 400 MB`), or "" when the figure is reported only. */
  readonly threshold: string
}

/** Where every test file leaves its figures for `run.mjs`: `<repo>/.test-results/reliability/<mode>` (git-ignored). */
export const resultsDir = fileURLToPath(
  new URL(`../../../.test-results/reliability/${suiteMode}`, import.meta.url),
)

/**
 * Figures of one test file. `record` keeps a figure and writes the file's figures at once, so a test
 * that fails later still leaves what it measured; the runner gathers the files into the tables.
 */
export class FigureLog {
  readonly #figures: Figure[] = []
  readonly #file: string

  /** Figures of the test file `testFile` (pass `import.meta.filename`). */
  constructor(testFile: string) {
    this.#file = join(resultsDir, `${basename(testFile).replace(/\.test\.ts$/, "")}.json`)
  }

  /** Records a figure (replacing one of the same area and name). Returns the value, for asserting. */
  record<T extends number | string>(area: string, name: string, value: T, unit: string, threshold = ""): T {
    const at = this.#figures.findIndex((f) => f.area === area && f.name === name)
    const figure: Figure = { area, name, value, unit, threshold }
    if (at >= 0) this.#figures[at] = figure
    else this.#figures.push(figure)
    mkdirSync(resultsDir, { recursive: true })
    writeFileSync(this.#file, `${JSON.stringify(this.#figures, null, 2)}\n`)
    return value
  }
}
