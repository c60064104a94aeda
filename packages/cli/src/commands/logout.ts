import { logout, parseApiKey, updateConfigFile } from "@sketchlog/core/session"
import type { Command } from "commander"
import { Either } from "effect"
import type { CliContext } from "../cli/CliContext.js"
import { writeLine } from "../cli/CliIo.js"
import { runNode } from "../session/runNode.js"
import { readSettings } from "../session/Settings.js"

/** `sketchlog logout`: revoke and delete the cached sign-in, and forget the stored API key. */
export const registerLogout = (program: Command, context: CliContext): Command =>
  program
    .command("logout")
    .summary("sign out: revoke the cached token and remove the stored API key")
    .description(
      "Sign out: the cached sign-in token is revoked on the platform (best effort) and deleted, and the API key stored in whylogs' config.ini is removed (unless --keep-api-key). Environment variables are not touched.",
    )
    .option("--keep-api-key", "leave the API key in config.ini")
    .option("--endpoint <url>", "the platform that issued the token (default: as configured)")
    .action(async (options: { readonly keepApiKey?: boolean; readonly endpoint?: string }) => {
      const { io } = context
      const settings = await readSettings()
      const result = await logout({ apiUrl: options.endpoint })
      if (result.removed) {
        writeLine(
          io.stdout,
          result.revoked
            ? "Signed out: the sign-in token was revoked and removed."
            : "Signed out: the sign-in token was removed (the platform did not confirm the revocation).",
        )
      }
      let removedKey = false
      if (options.keepApiKey !== true && settings.file.apiKey !== undefined) {
        const keyId = Either.match(parseApiKey(settings.file.apiKey, settings.configFile), {
          onLeft: () => "",
          onRight: (key) => ` ${key.keyId}`,
        })
        removedKey = await runNode(updateConfigFile(settings.configFile, { api_key: undefined }))
        if (removedKey) writeLine(io.stdout, `Removed the API key${keyId} from ${settings.configFile}.`)
      }
      if (!result.removed && !removedKey)
        writeLine(io.stdout, "Not signed in: no sign-in token or stored API key.")
      if (settings.env.apiKey !== undefined) {
        writeLine(
          io.stderr,
          "Note: WHYLABS_API_KEY is still set in this environment; unset it to stop using it.",
        )
      }
    })
