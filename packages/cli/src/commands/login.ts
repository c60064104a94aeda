import { existsSync } from "node:fs"
import { dirname } from "node:path"
import { checkEndpoint } from "@sketchlog/core/platform"
import {
  isOrgId,
  type LoginResult,
  login,
  logout,
  parseApiKey,
  tokenCachePath,
  updateConfigFile,
} from "@sketchlog/core/session"
import type { Command } from "commander"
import { Either } from "effect"
import type { CliContext } from "../cli/CliContext.js"
import { authError, usageError } from "../cli/CliError.js"
import { writeLine } from "../cli/CliIo.js"
import { parseCount } from "../cli/options.js"
import { readLine } from "../cli/readInput.js"
import { runNode } from "../session/runNode.js"
import { endpointOf, readSettings } from "../session/Settings.js"
import { verifyApiKey } from "../session/verifyApiKey.js"

interface LoginOptions {
  readonly apiKey?: string
  readonly orgId?: string
  readonly headless?: boolean
  readonly endpoint?: string
  readonly clientId?: string
  readonly allowInsecure?: boolean
  readonly timeout: number
}

/** `sketchlog login`: browser sign-in (default), headless sign-in, or an API key checked and stored. */
export const registerLogin = (program: Command, context: CliContext): Command =>
  program
    .command("login")
    .summary("sign in to the platform (browser, --headless, or --api-key)")
    .description(
      "Sign in to a WhyLabs-compatible platform. By default a browser opens for the sign-in (authorization code with PKCE, answered on 127.0.0.1); --headless prints the URL to open elsewhere and reads the code you paste; --api-key checks the key with the platform and stores it in whylogs' config.ini, shared with Python whylogs. Tokens are cached next to config.ini (mode 0600) and renewed automatically.",
    )
    .option("--api-key <key>", "store this API key (<key id>.<secret>[:org-…]); '-' reads it from stdin")
    .option("--org-id <org>", "the org for a key without an :org-… suffix")
    .option("--headless", "print the sign-in URL and read the code from stdin instead of opening a browser")
    .option("--endpoint <url>", "the platform (default: WHYLABS_API_ENDPOINT, config.ini, or the public API)")
    .option("--client-id <id>", "the OAuth client of the browser and headless flows")
    .option("--allow-insecure", "permit plain http:// to a host other than this machine")
    .option("--timeout <seconds>", "how long to wait for each platform call", parseCount(1), 60)
    .action(async (options: LoginOptions) => {
      if (options.apiKey !== undefined) {
        if (options.headless === true)
          throw usageError("--api-key and --headless are different ways to sign in; choose one")
        await loginWithKey(context, options)
        return
      }
      if (options.orgId !== undefined) throw usageError("--org-id goes with --api-key")
      const { io } = context
      const target = {
        apiUrl: options.endpoint,
        clientId: options.clientId,
        allowInsecure: options.allowInsecure === true,
        timeout: `${options.timeout} seconds` as const,
      }
      const result =
        options.headless === true
          ? await login({
              ...target,
              getAuthCode: async (url) => {
                writeLine(io.stderr, "Open this URL in a browser, sign in, then paste the code it shows:")
                writeLine(io.stderr, `  ${url}`)
                io.stderr.write("Code: ")
                return readLine(io.stdin)
              },
            })
          : await login({
              ...target,
              showBrowser: async (url) => {
                writeLine(io.stderr, "Opening your browser to sign in. If it does not open, visit:")
                writeLine(io.stderr, `  ${url}`)
                await io.openBrowser?.(url)
              },
            })
      writeLine(io.stdout, signedIn(result))
    })

const signedIn = (result: LoginResult): string => {
  const org = result.orgId === undefined ? "" : ` (${result.orgId})`
  const expiry =
    result.expiresAt === undefined
      ? ""
      : `, renewed automatically (current token expires ${result.expiresAt.toISOString()})`
  return `Signed in to ${result.apiUrl}${org}. Token cached in ${result.tokenCacheFile}${expiry}.`
}

const readKey = async (context: CliContext, option: string): Promise<string> => {
  if (option !== "-") return option
  const line = (await readLine(context.io.stdin)).trim()
  if (line.length === 0) throw usageError("--api-key -: nothing was read from stdin")
  return line
}

const loginWithKey = async (context: CliContext, options: LoginOptions): Promise<void> => {
  const raw = (await readKey(context, options.apiKey!)).trim()
  const parsed = parseApiKey(raw, options.apiKey === "-" ? "stdin" : "--api-key")
  if (Either.isLeft(parsed)) throw parsed.left
  const key = parsed.right
  if (options.orgId !== undefined && !isOrgId(options.orgId)) {
    throw usageError(`--org-id: expected an org id such as org-abc123, got ${JSON.stringify(options.orgId)}`)
  }
  const settings = await readSettings()
  const orgId = key.orgId ?? options.orgId ?? settings.env.orgId ?? settings.file.orgId
  if (orgId === undefined) {
    throw usageError("the key has no :org-… suffix; pass --org-id org-… (or set WHYLABS_DEFAULT_ORG_ID)")
  }
  const endpointText = endpointOf(settings, options.endpoint)
  const endpoint = checkEndpoint(endpointText, options.allowInsecure === true)
  if (Either.isLeft(endpoint)) {
    const where = options.endpoint !== undefined ? "--endpoint" : "the configured endpoint"
    const error = `${where} ${endpointText} ${endpoint.left}`
    throw options.endpoint !== undefined ? usageError(error) : authError(error)
  }
  await verifyApiKey({ endpoint: endpoint.right, key, orgId, timeoutMillis: options.timeout * 1000 })
  await runNode(
    updateConfigFile(settings.configFile, {
      api_key: raw,
      org_id: orgId,
      ...(options.endpoint === undefined ? {} : { whylabs_api_endpoint: endpointText }),
    }),
  )
  const { io } = context
  // A cached sign-in token comes before config.ini's key in the resolution order: drop it, so the
  // key just stored is the one sessions use.
  if (existsSync(tokenCachePath(dirname(settings.configFile)))) {
    const out = await logout({ apiUrl: endpointText, allowInsecure: options.allowInsecure === true })
    if (out.removed)
      writeLine(
        io.stderr,
        "Removed the earlier sign-in token, which would have taken precedence over the key.",
      )
  }
  writeLine(
    io.stdout,
    `Signed in to ${endpoint.right.origin} with API key ${key.keyId} (${orgId}). Saved in ${settings.configFile}.`,
  )
  if (settings.env.apiKey !== undefined) {
    writeLine(
      io.stderr,
      "Note: WHYLABS_API_KEY is set in this environment and takes precedence over the stored key.",
    )
  }
}
