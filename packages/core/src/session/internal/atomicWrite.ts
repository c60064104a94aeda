import type { PlatformError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import { Effect } from "effect"

/**
 * Writes `content` to `path` atomically with mode 0600: a temporary file in the same directory
 * (created 0600, so the secret is never readable by others, not even for a moment), then a rename
 * over the target. The directory is created (0700) when missing. A reader sees the old file or the
 * new one, never half of one.
 */
export const writeFileAtomic = (
  path: string,
  content: string,
): Effect.Effect<void, PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function* () {
    const fs = yield* FileSystem.FileSystem
    const paths = yield* Path.Path
    const dir = paths.dirname(path)
    yield* fs.makeDirectory(dir, { recursive: true, mode: 0o700 })
    const suffix = `${process.pid}.${Math.random().toString(36).slice(2, 10)}`
    const temp = paths.join(dir, `.${paths.basename(path)}.${suffix}.tmp`)
    yield* fs.writeFileString(temp, content, { mode: 0o600, flag: "wx" }).pipe(
      Effect.zipRight(fs.chmod(temp, 0o600)),
      Effect.zipRight(fs.rename(temp, path)),
      Effect.onError(() => Effect.ignore(fs.remove(temp))),
    )
  })
