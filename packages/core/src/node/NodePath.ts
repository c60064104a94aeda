import * as NodePathModule from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { BadArgument } from "@effect/platform/Error"
import * as Path from "@effect/platform/Path"
import { Effect, Layer } from "effect"

/** `Path` over `node:path` (the platform's own separators) and `node:url`'s file URL conversions. */
export const layer: Layer.Layer<Path.Path> = Layer.succeed(
  Path.Path,
  Path.Path.of({
    [Path.TypeId]: Path.TypeId,
    ...NodePathModule,
    fromFileUrl: (url) =>
      Effect.try({
        try: () => fileURLToPath(url),
        catch: (cause) =>
          new BadArgument({
            module: "Path",
            method: "fromFileUrl",
            description: `not a file URL: ${url}`,
            cause,
          }),
      }),
    toFileUrl: (path) =>
      Effect.try({
        try: () => pathToFileURL(path),
        catch: (cause) =>
          new BadArgument({ module: "Path", method: "toFileUrl", description: `not a path: ${path}`, cause }),
      }),
  }),
)
