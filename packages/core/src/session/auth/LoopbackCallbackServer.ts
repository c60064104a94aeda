import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Deferred, Effect, Exit, Redacted, type Scope } from "effect"
import { AuthError } from "../../platform/PlatformError.js"

/** The callback end of a browser sign-in. */
export interface LoopbackCallback {
  /** `http://127.0.0.1:<port>/callback`, to give as the redirect URI. */
  readonly redirectUri: string
  /** Completes when the browser arrives with a code for our `state`; fails if it arrives with an error. */
  readonly code: Effect.Effect<Redacted.Redacted<string>, AuthError>
}

const page = (title: string, text: string) =>
  `<!doctype html><meta charset="utf-8"><title>${title}</title><h1>${title}</h1><p>${text}</p>`

/**
 * Listens on 127.0.0.1 only (never a public interface), on an ephemeral port, for the redirect of an
 * authorization-code sign-in. A callback whose `state` is not ours is answered 400 and ignored, so a
 * stray or forged request can neither complete nor abort the sign-in. The server and its
 * connections are closed when the scope closes.
 */
export const startLoopbackCallback = (
  state: string,
): Effect.Effect<LoopbackCallback, AuthError, Scope.Scope> =>
  Effect.gen(function* () {
    const received = yield* Deferred.make<Redacted.Redacted<string>, AuthError>()
    const server = yield* Effect.acquireRelease(
      Effect.async<Server, AuthError>((resume) => {
        const server = createServer((req, res) => {
          const url = new URL(req.url ?? "/", "http://127.0.0.1")
          if (req.method !== "GET" || url.pathname !== "/callback") {
            res.writeHead(404, { "content-type": "text/plain" }).end("not found")
            return
          }
          if (url.searchParams.get("state") !== state) {
            res
              .writeHead(400, { "content-type": "text/html" })
              .end(page("Sign-in failed", "Unexpected state."))
            return
          }
          const error = url.searchParams.get("error")
          const code = url.searchParams.get("code")
          if (error !== null || code === null) {
            res
              .writeHead(400, { "content-type": "text/html" })
              .end(page("Sign-in failed", "You can close this tab."))
            Deferred.unsafeDone(
              received,
              Exit.fail(
                new AuthError({ reason: `sign-in was not completed: ${error ?? "no code in the callback"}` }),
              ),
            )
            return
          }
          res
            .writeHead(200, { "content-type": "text/html", connection: "close" })
            .end(page("Signed in to sketchlog", "You can close this tab and return to the terminal."))
          Deferred.unsafeDone(received, Exit.succeed(Redacted.make(code)))
        })
        server.once("error", (error) =>
          resume(
            Effect.fail(
              new AuthError({ reason: `cannot listen for the sign-in callback: ${error.message}` }),
            ),
          ),
        )
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        }),
    )
    const { port } = server.address() as AddressInfo
    return { redirectUri: `http://127.0.0.1:${port}/callback`, code: Deferred.await(received) }
  })
