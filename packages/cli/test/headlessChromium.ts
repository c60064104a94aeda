import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium } from "playwright-core"

/** Debian's chromium (CI installs it), or SKETCHLOG_CHROMIUM; never a downloaded browser. */
export const CHROMIUM = process.env.SKETCHLOG_CHROMIUM ?? "/usr/bin/chromium"

/** Where browser tests leave their screenshots (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL("../test-artifacts/", import.meta.url))

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background network). */
export const launchChromium = (what: string): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${what} need headless Chromium at ${CHROMIUM}, which is missing: install Debian's chromium (apt-get install -y chromium) or point SKETCHLOG_CHROMIUM at one; CI installs it`,
    )
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  })
}
