#!/usr/bin/env node
// The dependency rules of the workspace, checked on every `pnpm lint`:
// - core's areas (the folders under packages/core/src: profile, session, logger, …) import each other
//   without cycles, so each can be read, tested and changed from the bottom up;
// - no file imports another area's `internal/` (an area's machinery is reached through its public
//   files only; core's src/internal/ is shared by all), and no package reaches into another
//   package's files by a relative path.
// Prints the area graph (who depends on whom) and every broken rule with the imports behind it.
// Exits 1 when a rule is broken. Usage: node scripts/check-dependencies.mjs
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve, sep } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const CORE = "packages/core"

/** Workspace packages with a `src/` folder: packages/*, apps/*, test-fixtures. */
const packageDirs = () => {
  const dirs = []
  for (const parent of ["packages", "apps"]) {
    for (const name of readdirSync(join(root, parent))) dirs.push(`${parent}/${name}`)
  }
  dirs.push("test-fixtures")
  return dirs.filter((dir) => existsSync(join(root, dir, "src")))
}

const sourceFiles = (dir) => {
  const out = []
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === ".next") continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|tsx|mts)$/.test(name) && !name.endsWith(".d.ts")) out.push(path)
  }
  return out
}

/** The file a relative specifier names (`./a.js` is `./a.ts` in the sources), if it exists. */
const resolveRelative = (from, specifier) => {
  const base = resolve(dirname(from), specifier)
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.js$/, ".tsx"),
    base,
    `${base}.ts`,
    join(base, "index.ts"),
  ]
  return candidates.find((path) => existsSync(path) && statSync(path).isFile())
}

/** The area of a core file: the folder under src/ it sits in, or "(entry)" for the entry files. */
const coreArea = (file) => {
  const inSrc = relative(join(root, CORE, "src"), file).split(sep)
  return inSrc.length === 1 ? "(entry)" : inSrc[0]
}

/**
 * The area whose `internal/` a path is inside, if any (`logger` for src/logger/internal/x.ts). Core's
 * own src/internal/ is the package's shared machinery (as in Effect's packages): every area may use it.
 */
const internalOwner = (packageDir, file) => {
  const parts = relative(join(root, packageDir, "src"), file).split(sep)
  const at = parts.indexOf("internal")
  if (at === -1) return undefined
  if (packageDir !== CORE) return packageDir
  return at === 0 ? undefined : parts[0]
}

const problems = []
/** Core's area graph: area → area → the imports that make that edge. */
const edges = new Map()

for (const packageDir of packageDirs()) {
  const packageRoot = join(root, packageDir)
  for (const file of sourceFiles(join(packageRoot, "src"))) {
    const text = readFileSync(file, "utf8")
    const { importedFiles } = ts.preProcessFile(text, true, true)
    const from = relative(root, file)
    for (const { fileName: specifier } of importedFiles) {
      if (/^@sketchlog\/[^/]+\/.*internal/.test(specifier)) {
        problems.push(`${from}: imports ${specifier}, another package's internals`)
        continue
      }
      if (!specifier.startsWith(".")) continue
      const target = resolveRelative(file, specifier)
      if (target === undefined) continue
      if (!target.startsWith(packageRoot + sep)) {
        problems.push(`${from}: imports ${relative(root, target)} by a relative path outside its package`)
        continue
      }
      const ownArea = packageDir === CORE ? coreArea(file) : packageDir
      const owner = internalOwner(packageDir, target)
      if (owner !== undefined && owner !== ownArea) {
        problems.push(`${from}: imports ${relative(root, target)}, inside ${owner}'s internal/`)
      }
      if (packageDir !== CORE || !target.startsWith(join(packageRoot, "src") + sep)) continue
      const targetArea = coreArea(target)
      if (ownArea === targetArea || ownArea === "(entry)") continue
      if (targetArea === "(entry)") {
        problems.push(`${from}: imports the entry file ${relative(root, target)} from inside an area`)
        continue
      }
      if (!edges.has(ownArea)) edges.set(ownArea, new Map())
      const byTarget = edges.get(ownArea)
      if (!byTarget.has(targetArea)) byTarget.set(targetArea, [])
      byTarget.get(targetArea).push(`${from} → ${relative(root, target)}`)
    }
  }
}

/** Strongly connected components of the area graph (Tarjan); those of two or more areas are cycles. */
const cycles = () => {
  const areas = new Set([...edges.keys(), ...[...edges.values()].flatMap((m) => [...m.keys()])])
  let index = 0
  const indexOf = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const found = []
  const visit = (area) => {
    indexOf.set(area, index)
    low.set(area, index)
    index++
    stack.push(area)
    onStack.add(area)
    for (const next of edges.get(area)?.keys() ?? []) {
      if (!indexOf.has(next)) {
        visit(next)
        low.set(area, Math.min(low.get(area), low.get(next)))
      } else if (onStack.has(next)) low.set(area, Math.min(low.get(area), indexOf.get(next)))
    }
    if (low.get(area) !== indexOf.get(area)) return
    const component = []
    let top
    do {
      top = stack.pop()
      onStack.delete(top)
      component.push(top)
    } while (top !== area)
    if (component.length > 1) found.push(component.sort())
  }
  for (const area of [...areas].sort()) if (!indexOf.has(area)) visit(area)
  return found
}

for (const component of cycles()) {
  const inside = new Set(component)
  const lines = []
  for (const area of component) {
    for (const [target, imports] of edges.get(area) ?? []) {
      if (!inside.has(target)) continue
      const shown = imports.slice(0, 3).join("; ")
      lines.push(
        `  ${area} → ${target}: ${shown}${imports.length > 3 ? ` (+${imports.length - 3} more)` : ""}`,
      )
    }
  }
  problems.push(`import cycle between the areas ${component.join(", ")}:\n${lines.join("\n")}`)
}

console.log("core's areas and what each imports:")
for (const area of [...edges.keys()].sort()) {
  console.log(`  ${area} → ${[...edges.get(area).keys()].sort().join(", ")}`)
}
if (problems.length === 0) {
  console.log("dependency check: no import cycle between areas, no import into another area's internal/")
} else {
  console.error(`dependency check: ${problems.length} problem${problems.length === 1 ? "" : "s"}`)
  for (const problem of problems) console.error(`- ${problem}`)
  process.exit(1)
}
