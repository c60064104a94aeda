// The public surface of @sketchlog/core, entry point by entry point: every name (values and types)
// each subpath of the export map gives. The snapshot makes the surface grow only on purpose: a new
// export shows up in review as a changed snapshot (`pnpm exec vitest run -u` after deciding).
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import type * as TypeScript from "typescript"
import { describe, expect, it } from "vitest"

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..")
type ExportMap = Readonly<Record<string, Readonly<Record<string, string>> | string | null>>
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  readonly exports: ExportMap
  readonly publishConfig: { readonly exports: ExportMap }
}
const ts = createRequire(import.meta.url)("typescript") as typeof TypeScript

/** The export map's module entries (subpath → its conditions). */
const entries = Object.entries(manifest.exports).filter(
  (entry): entry is [string, Readonly<Record<string, string>>] =>
    typeof entry[1] === "object" && entry[1] !== null,
)

/** Every name each entry point exports, values and types, sorted; read by the TypeScript checker. */
const exportedNames = (): Record<string, ReadonlyArray<string>> => {
  const sources = entries.map(([, conditions]) => join(packageDir, conditions["@sketchlog/source"]!))
  const program = ts.createProgram(sources, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  })
  const checker = program.getTypeChecker()
  const names: Record<string, ReadonlyArray<string>> = {}
  entries.forEach(([subpath], i) => {
    const module = checker.getSymbolAtLocation(program.getSourceFile(sources[i]!)!)!
    names[subpath] = checker
      .getExportsOfModule(module)
      .map((symbol) => symbol.getName())
      .sort()
  })
  return names
}

describe("the entry points of @sketchlog/core", () => {
  it("are the root and one subpath per area, each resolving to its sources first; internal/ is closed", () => {
    expect(Object.keys(manifest.exports)).toEqual([
      ".",
      "./profile",
      "./session",
      "./logger",
      "./writers",
      "./http",
      "./drift",
      "./intake",
      "./platform",
      "./store",
      "./node",
      "./adapter",
      "./testing",
      "./package.json",
      "./internal/*",
    ])
    expect(manifest.exports["./internal/*"]).toBeNull()
    // Tests and scripts resolve sibling packages through this condition, so it must come first.
    for (const [subpath, conditions] of entries) {
      expect(Object.keys(conditions), subpath).toEqual(["@sketchlog/source", "types", "default"])
    }
    // The published package points the same subpaths at the bundle (scripts/packaging/bundle.mjs).
    expect(Object.keys(manifest.publishConfig.exports)).toEqual(Object.keys(manifest.exports))
    for (const [subpath, conditions] of entries) {
      const name = subpath === "." ? "index" : subpath.slice(2)
      expect(manifest.publishConfig.exports[subpath], subpath).toEqual({
        types: conditions.types,
        default: `./dist/bundle/${name}.js`,
      })
    }
  })

  it("export the names of the snapshot, and the root no more than 40", () => {
    const names = exportedNames()
    expect(names["."]!.length).toBeLessThanOrEqual(40)
    expect(names).toMatchSnapshot()
  })
})
