import { afterAll, afterEach, beforeAll, beforeEach } from "vitest"
import { type ConfigSandbox, configSandbox } from "../fake-platform/ConfigSandbox.js"
import { FakePlatform } from "../fake-platform/FakePlatform.js"

/** What a session test file runs against; read the fields inside tests and hooks, not at load time. */
export interface PlatformSandbox {
  /** The file's fake platform: started before its first test, reset before each, closed after the last. */
  readonly platform: FakePlatform
  /** The current test's config sandbox: created before each test, restored after it. */
  readonly sandbox: ConfigSandbox
}

/**
 * Registers the hooks of a session test file: one fake platform for the file, and a fresh config
 * sandbox (clean `WHYLABS_*`, a temporary config directory) with a reset platform for each test.
 * Call it at the top of the file, before the file's own hooks: vitest runs "after" hooks in reverse
 * order, so the file's `afterEach` (closing its sessions) runs before the sandbox is restored.
 */
export const usePlatformSandbox = (): PlatformSandbox => {
  let platform: FakePlatform | undefined
  let sandbox: ConfigSandbox | undefined
  beforeAll(async () => {
    platform = await FakePlatform.start()
  })
  afterAll(() => platform?.close())
  beforeEach(async () => {
    platform!.reset()
    sandbox = await configSandbox()
  })
  afterEach(() => sandbox?.restore())
  return {
    get platform() {
      if (platform === undefined) throw new Error("the fake platform starts in beforeAll: read it in a test")
      return platform
    },
    get sandbox() {
      if (sandbox === undefined)
        throw new Error("the config sandbox is made in beforeEach: read it in a test")
      return sandbox
    },
  }
}
