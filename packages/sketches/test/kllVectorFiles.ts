/**
 * The KLL doubles vectors under `vectors/datasketches/` and their decoded reference values
 * (`expected/<name>.txt`, `expected/<name>.wls_v34.txt`), parsed generically.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { datasketchesVector } from "@sketchlog/test-fixtures"

/** A vector file, e.g. `{ dir: "cpp", name: "kll_double_n10_cpp" }`. */
export interface KllVector {
  readonly dir: string
  readonly name: string
  readonly path: string
  readonly bytes: () => Uint8Array
}

/** One `q(rank) a=… b=…` or `rank(x) a=… b=…` line: the argument and its named values. */
export interface ExpectedQuery {
  readonly arg: number
  readonly values: Readonly<Record<string, number>>
}

/** A parsed expected file: scalar fields by name, quantile lines, rank lines. */
export interface Expected {
  readonly fields: Readonly<Record<string, string>>
  readonly quantiles: ReadonlyArray<ExpectedQuery>
  readonly ranks: ReadonlyArray<ExpectedQuery>
}

export const KLL_VECTOR_DIRS = ["cpp", "java", "go", "wls", "det"] as const

/** Every `kll_double_*.sk` file in the vector folders. */
export const kllVectors = (): KllVector[] =>
  KLL_VECTOR_DIRS.flatMap((dir) =>
    readdirSync(datasketchesVector(dir))
      .filter((f) => f.startsWith("kll_double_") && f.endsWith(".sk"))
      .sort()
      .map((f) => {
        const path = datasketchesVector(dir, f)
        return { dir, name: f.slice(0, -3), path, bytes: () => new Uint8Array(readFileSync(path)) }
      }),
  )

/** A vector by folder and file name (without `.sk`). */
export const kllVector = (dir: string, name: string): Uint8Array =>
  new Uint8Array(readFileSync(datasketchesVector(dir, `${name}.sk`)))

const parseQuery = (arg: string, rest: string): ExpectedQuery => {
  const values: Record<string, number> = {}
  for (const m of rest.matchAll(/\s*([^=]+?)=(\S+)/g)) values[m[1].trim()] = Number(m[2])
  return { arg: Number(arg), values }
}

/** Parses `expected/<name><suffix>`; undefined when there is no such file. */
export const readExpected = (name: string, suffix: ".txt" | ".wls_v34.txt"): Expected | undefined => {
  const path = datasketchesVector("expected", `${name}${suffix}`)
  if (!existsSync(path)) return undefined
  const fields: Record<string, string> = {}
  const quantiles: ExpectedQuery[] = []
  const ranks: ExpectedQuery[] = []
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const query = /^(q|rank)\(([^)]*)\)\s+(.*)$/.exec(line)
    if (query) {
      ;(query[1] === "q" ? quantiles : ranks).push(parseQuery(query[2], query[3]))
      continue
    }
    const field = /^([^:]+):\s*(.*)$/.exec(line)
    if (field) fields[field[1]] = field[2]
  }
  return { fields, quantiles, ranks }
}
