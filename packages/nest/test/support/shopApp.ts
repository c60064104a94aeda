import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type INestApplication, Module } from "@nestjs/common"
import { Test } from "@nestjs/testing"
import type { SessionModuleOptions } from "@sketchlog/nest"
import { afterEach, beforeEach } from "vitest"
import { listen } from "./http.js"
import { FeatureLog, shopControllers } from "./shop.js"

/**
 * The shop application of the SessionModule tests: each test gets a fresh profile directory, and the
 * application it started (`state.app`) is closed and the directory removed after it.
 */
export const shopHarness = () => {
  const state: { dir: string; app: INestApplication | undefined } = { dir: "", app: undefined }

  beforeEach(async () => {
    state.dir = await mkdtemp(join(tmpdir(), "sketchlog-nest-"))
  })

  afterEach(async () => {
    await state.app?.close()
    state.app = undefined
    await rm(state.dir, { recursive: true, force: true })
  })

  /** Options of a local session writing to the test's directory, dataset `shop`. */
  const local = (extra: SessionModuleOptions = {}): SessionModuleOptions => ({
    datasetId: "shop",
    profileDir: state.dir,
    sessionOptions: { forceLocal: true },
    ...extra,
  })

  /** Builds the shop with the given imports, listening on a free loopback port. */
  const startShop = async (imports: Array<unknown>): Promise<string> => {
    @Module({ imports: imports as Array<never>, controllers: shopControllers, providers: [FeatureLog] })
    class ShopModule {}
    const moduleRef = await Test.createTestingModule({ imports: [ShopModule] }).compile()
    state.app = moduleRef.createNestApplication({ logger: false })
    return listen(state.app)
  }

  return { state, local, startShop }
}
