import * as Terminal from "@effect/platform/Terminal"
import { Effect, Either, Option } from "effect"
import { type ApiKey, isOrgId, parseApiKey } from "../ApiKey.js"

/** What the user typed at the prompt. */
export interface PromptedKey {
  readonly key: ApiKey
  /** Asked for only when the key has no `:org-…` suffix and no org is configured. */
  readonly orgId: string | undefined
}

const ATTEMPTS = 3

/**
 * Asks for an API key on the terminal. An empty line (or Ctrl-C/D) skips; an invalid key is
 * explained and asked again, up to three times. The key is never echoed back. When the key carries
 * no org and none is configured, the org id is asked for too.
 */
export const promptForApiKey = (
  configFile: string,
  orgConfigured: boolean,
): Effect.Effect<Option.Option<PromptedKey>, never, Terminal.Terminal> =>
  Effect.gen(function* () {
    const terminal = yield* Terminal.Terminal
    const say = (text: string) => Effect.ignore(terminal.display(text))
    const ask = (question: string) =>
      Effect.zipRight(say(question), terminal.readLine).pipe(
        Effect.map((line) => line.trim()),
        Effect.orElseSucceed(() => ""),
      )

    yield* say(`sketchlog: no WhyLabs credentials found (config file: ${configFile}).\n`)
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const line = yield* ask("Paste a WhyLabs API key to upload profiles, or press Enter to skip: ")
      if (line.length === 0) return Option.none()
      const parsed = parseApiKey(line, "the prompt")
      if (Either.isLeft(parsed)) {
        yield* say(`\n${parsed.left.message}\n`)
        continue
      }
      const key = parsed.right
      if (key.orgId !== undefined || orgConfigured) return Option.some({ key, orgId: undefined })
      for (let orgAttempt = 1; orgAttempt <= ATTEMPTS; orgAttempt++) {
        const orgId = yield* ask("\nOrg id (org-…): ")
        if (orgId.length === 0) return Option.none()
        if (isOrgId(orgId)) return Option.some({ key, orgId })
        yield* say("an org id looks like org-abc123\n")
      }
      return Option.none()
    }
    return Option.none()
  })
