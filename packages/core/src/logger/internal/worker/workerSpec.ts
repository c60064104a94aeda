import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { pathToFileURL } from "node:url"
import type { WorkerOptions } from "node:worker_threads"

/** What to give `new Worker(...)` to run the logger's worker entry. */
export interface WorkerSpec {
  readonly entry: string | URL
  readonly options: WorkerOptions
}

/**
 * Locates the worker entry next to this module. From `dist/` it is `workerEntry.js`, run as is.
 * From `src/` (tests under vitest, scripts under tsx) it is `workerEntry.ts`, which Node cannot load
 * by itself, and on Node 20 a worker does not inherit the parent's module hooks: the worker then
 * starts from a small bootstrap that registers tsx's loader in the worker before importing the entry,
 * with the `@sketchlog/source` condition so sibling packages resolve to their sources too.
 */
export const workerSpec = (moduleUrl: string = import.meta.url): WorkerSpec => {
  // Workers inherit the parent's flags; `--input-type` (from `node -e`) is refused for a file entry.
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith("--input-type"))
  if (!moduleUrl.endsWith(".ts"))
    return { entry: new URL("./workerEntry.js", moduleUrl), options: { execArgv } }
  const require = createRequire(moduleUrl)
  let tsxApi: string
  try {
    tsxApi = pathToFileURL(join(dirname(require.resolve("tsx/package.json")), "dist/esm/api/index.mjs")).href
  } catch {
    throw new Error(
      "worker mode from TypeScript sources needs tsx installed (or run the built package from dist/)",
    )
  }
  const entry = new URL("./workerEntry.ts", moduleUrl).href
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}) })`
  return { entry: bootstrap, options: { eval: true, execArgv: ["--conditions=@sketchlog/source"] } }
}
