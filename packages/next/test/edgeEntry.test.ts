import { readFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "..")
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  exports: Record<string, unknown>
}

/** Resolves `exports["."]` the way a bundler does: the first key whose condition is active wins. */
const resolveEntry = (conditions: ReadonlyArray<string>): string => {
  let target: unknown = manifest.exports["."]
  while (typeof target === "object" && target !== null) {
    const match = Object.entries(target).find(([key]) => key === "default" || conditions.includes(key))
    if (match === undefined) throw new Error(`no export matches ${conditions.join(", ")}`)
    target = match[1]
  }
  return join(packageDir, target as string)
}

interface ModuleImports {
  /** Imports evaluated with the module (type-only imports are erased and left out). */
  readonly static: ReadonlyArray<string>
  /** `import()` calls, evaluated only when reached. */
  readonly dynamic: ReadonlyArray<string>
}

/** The runtime imports of one TypeScript module, read with the compiler's parser. */
const importsOf = (file: string): ModuleImports => {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true)
  const found: { static: Array<string>; dynamic: Array<string> } = { static: [], dynamic: [] }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)))
      if (!typeOnly) found.static.push(node.moduleSpecifier.text)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      if (!node.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
        found.static.push(node.moduleSpecifier.text)
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.dynamic.push(node.arguments[0].text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

interface ModuleGraph {
  /** Every package file reached through static imports. */
  readonly files: ReadonlyArray<string>
  /** Bare specifiers (packages, built-ins) imported statically anywhere in the graph. */
  readonly bare: ReadonlyArray<string>
  /** `import()` targets found in the graph's files, as written. */
  readonly dynamic: ReadonlyArray<string>
}

/** The static module graph from `entry`, within the package (relative `.js` imports name `.ts` sources). */
const staticGraph = (entry: string): ModuleGraph => {
  const files = new Set<string>()
  const bare = new Set<string>()
  const dynamic = new Set<string>()
  const walk = (file: string): void => {
    if (files.has(file)) return
    files.add(file)
    const imports = importsOf(file)
    for (const target of imports.dynamic) dynamic.add(target)
    for (const target of imports.static) {
      if (target.startsWith(".")) walk(resolve(dirname(file), target.replace(/\.js$/, ".ts")))
      else bare.add(target)
    }
  }
  walk(entry)
  return {
    files: [...files].map((f) => f.slice(packageDir.length + 1)).sort(),
    bare: [...bare].sort(),
    dynamic: [...dynamic].sort(),
  }
}

const isNodeBuiltin = (specifier: string): boolean =>
  specifier.startsWith("node:") || builtinModules.includes(specifier.split("/")[0]!)

describe("the edge-reachable entries", () => {
  it("resolve to the edge entry under the edge-light, worker and workerd conditions", () => {
    for (const condition of ["edge-light", "worker", "workerd"]) {
      expect(resolveEntry([condition, "@sketchlog/source", "import"])).toBe(join(packageDir, "src/edge.ts"))
      expect(resolveEntry([condition, "import"])).toBe(join(packageDir, "dist/edge.js"))
    }
    expect(resolveEntry(["@sketchlog/source", "node", "import"])).toBe(join(packageDir, "src/index.ts"))
    expect(resolveEntry(["node", "import"])).toBe(join(packageDir, "dist/index.js"))
  })

  it("the edge entry imports no package and nothing dynamically: only its own edge-safe files", () => {
    const graph = staticGraph(resolveEntry(["edge-light", "@sketchlog/source"]))
    expect(graph.bare).toEqual([])
    expect(graph.dynamic).toEqual([])
    expect(graph.files).toEqual([
      "src/RouteTemplate.ts",
      "src/edge.ts",
      "src/internal/processState.ts",
      "src/internal/runtime.ts",
      "src/status.ts",
    ])
  })

  it("the Node.js entry imports no Node-only module at its top level; core loads only through import()", () => {
    const graph = staticGraph(resolveEntry(["@sketchlog/source", "node"]))
    expect(graph.bare.filter(isNodeBuiltin)).toEqual([])
    expect(graph.bare.filter((name) => name.startsWith("@sketchlog/core"))).toEqual([])
    expect(graph.bare).toEqual([])
    expect(graph.files).not.toContain("src/internal/node/NodePart.ts")
    expect(graph.dynamic).toEqual(["./node/NodePart.js"])
    // What that import() brings in is Node-only, as expected: core and Next's server module.
    const node = staticGraph(join(packageDir, "src/internal/node/NodePart.ts"))
    expect(node.bare).toContain("@sketchlog/core/adapter")
  })
})
