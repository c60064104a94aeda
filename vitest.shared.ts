import { fileURLToPath } from "node:url"
import { defineProject, type UserWorkspaceConfig } from "vitest/config"

/** Fixes the seed of every fast-check property test that does not give its own (`pnpm fuzz` varies it). */
const propertySeedSetup = fileURLToPath(
  new URL("./test-fixtures/src/vitest/propertySeed.ts", import.meta.url),
)

/**
 * Test configuration shared by every workspace project: sibling packages resolve to their
 * TypeScript sources (the `@sketchlog/source` export condition), so tests never need a build.
 */
export const sourceConditions = ["@sketchlog/source", "module", "node", "development|production"]

export const projectConfig = (name: string, extra: UserWorkspaceConfig = {}) =>
  defineProject({
    ...extra,
    resolve: { conditions: sourceConditions, ...extra.resolve },
    ssr: { resolve: { conditions: sourceConditions, externalConditions: ["@sketchlog/source"] } },
    test: {
      name,
      include: ["test/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...extra.test,
      setupFiles: [propertySeedSetup, ...[extra.test?.setupFiles ?? []].flat()],
    },
  })

/**
 * The SWC transform options of the Nest projects (`swc.vite(nestSwcOptions)` from unplugin-swc):
 * vitest's default transform (esbuild) drops emitDecoratorMetadata, and Nest then injects undefined,
 * so they compile legacy decorators with their metadata (which Nest's injection and ValidationPipe
 * read), set here rather than read from a tsconfig.
 */
export const nestSwcOptions = {
  tsconfigFile: false,
  module: { type: "es6" },
  jsc: {
    target: "es2022",
    parser: { syntax: "typescript", decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
  },
} as const
