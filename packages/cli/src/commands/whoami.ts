import { init } from "@sketchlog/core"
import type { SessionStatus } from "@sketchlog/core/session"
import type { Command } from "commander"
import type { CliContext } from "../cli/CliContext.js"
import { writeLine } from "../cli/CliIo.js"
import { ExitCode } from "../cli/ExitCode.js"
import { printable } from "../format/printable.js"
import { renderKeyValues } from "../format/TextTable.js"

const credentialsText = (status: SessionStatus): string => {
  const c = status.credentials
  switch (c.type) {
    case "api-key":
      return `API key ${c.keyId}`
    case "token":
      return `sign-in token (${c.method})${c.expiresAt === undefined ? "" : `, expires ${c.expiresAt}`}`
    case "anonymous":
      return `guest session${c.sessionId === undefined ? "" : ` ${c.sessionId}`}`
    case "none":
      return "none"
  }
}

/** `sketchlog whoami`: the session this machine resolves to; exits 4 when that is a local one (not signed in). */
export const registerWhoami = (program: Command, context: CliContext): Command =>
  program
    .command("whoami")
    .summary("show the session: kind, org, endpoint, key id (never the secret)")
    .description(
      "Resolve the session as sketchlog would (options, environment, sign-in token, config.ini) and show its kind, where it came from, the org, the endpoint and the key id or token expiry. The secret is never shown. Exits 4 when nothing is configured (a local session).",
    )
    .option("--json", "print the session status as JSON")
    .action(async (options: { readonly json?: boolean }) => {
      const session = await init({ reinit: true, interactive: false })
      let status: SessionStatus
      try {
        status = session.status()
      } finally {
        await session.close()
      }
      const signedIn = status.kind !== "local"
      const { io } = context
      if (options.json === true) {
        const { uploads: _uploads, closed: _closed, ...rest } = status
        writeLine(io.stdout, JSON.stringify({ signedIn, ...rest }, null, 2))
      } else if (signedIn) {
        const rows: Array<[string, string]> = [
          ["kind", status.kind],
          ["from", status.source],
          ["org", status.orgId ?? "—"],
          ["endpoint", status.apiEndpoint ?? "—"],
          ["credentials", credentialsText(status)],
          ["dataset", status.defaultDatasetId ?? "—"],
          ["config", status.configFile ?? "—"],
        ]
        writeLine(io.stdout, renderKeyValues(rows.map(([k, v]) => [k, printable(v)])))
      }
      if (!signedIn) {
        writeLine(
          io.stderr,
          "sketchlog whoami: not signed in (profiles stay on this machine); run `sketchlog login` or set WHYLABS_API_KEY",
        )
        context.exitCode = ExitCode.auth
      }
    })
