import { defineProject, type UserWorkspaceConfig } from "vitest/config"

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
    },
  })
