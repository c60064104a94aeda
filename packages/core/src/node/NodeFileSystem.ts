import { randomBytes } from "node:crypto"
import { constants, watch as watchPath } from "node:fs"
import * as fs from "node:fs/promises"
import { tmpdir } from "node:os"
import { dirname, join, sep } from "node:path"
import { type PlatformError, SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Layer, Stream } from "effect"
import { fileInfo, NodeFile } from "./internal/NodeFile.js"
import { fileSystemError } from "./internal/systemError.js"

const call = <A>(
  method: string,
  path: string,
  run: (signal: AbortSignal) => Promise<A>,
): Effect.Effect<A, PlatformError> => Effect.tryPromise({ try: run, catch: fileSystemError(method, path) })

// mkdtemp appends random characters to its argument: end it with a separator when there is no prefix,
// or the directory's own name would become the prefix (`/tmp` → `/tmpXXXXXX`).
const makeTempDirectory = (method: string) => (options?: FileSystem.MakeTempDirectoryOptions) => {
  const directory = options?.directory ?? tmpdir()
  return call(method, directory, () => fs.mkdtemp(`${join(directory, ".")}${sep}${options?.prefix ?? ""}`))
}

const remove = (method: string) => (path: string, options?: FileSystem.RemoveOptions) =>
  call(method, path, () =>
    fs.rm(path, { recursive: options?.recursive ?? false, force: options?.force ?? false }),
  )

const open = (method: string) => (path: string, options?: FileSystem.OpenFileOptions) =>
  Effect.map(
    Effect.acquireRelease(
      call(method, path, () => fs.open(path, options?.flag ?? "r", options?.mode)),
      (handle) => Effect.promise(() => handle.close()),
    ),
    (handle) => new NodeFile(handle, options?.flag?.startsWith("a") ?? false),
  )

const makeTempFile = (method: string) => (options?: FileSystem.MakeTempFileOptions) =>
  Effect.flatMap(makeTempDirectory(method)(options), (directory) => {
    const path = join(directory, `${randomBytes(6).toString("hex")}${options?.suffix ?? ""}`)
    return Effect.as(
      call(method, path, () => fs.writeFile(path, "", { flag: "wx" })),
      path,
    )
  })

const stat = (path: string) =>
  Effect.map(
    call("stat", path, () => fs.stat(path)),
    fileInfo,
  )

const watch = (
  path: string,
  options?: FileSystem.WatchOptions,
): Stream.Stream<FileSystem.WatchEvent, PlatformError> =>
  Stream.asyncScoped<FileSystem.WatchEvent, PlatformError>((emit) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const watcher = watchPath(path, { recursive: options?.recursive ?? false }, (event, name) => {
          if (!name) return
          const changed = join(path, name)
          if (event === "change") void emit.single(FileSystem.WatchEventUpdate({ path: changed }))
          else
            void emit.fromEffect(
              Effect.match(stat(changed), {
                onSuccess: () => FileSystem.WatchEventCreate({ path: changed }),
                onFailure: () => FileSystem.WatchEventRemove({ path: changed }),
              }),
            )
        })
        watcher.on("error", (cause) =>
          emit.fail(
            new SystemError({
              module: "FileSystem",
              method: "watch",
              reason: "Unknown",
              pathOrDescriptor: path,
              cause,
            }),
          ),
        )
        watcher.on("close", () => emit.end())
        return watcher
      }),
      (watcher) => Effect.sync(() => watcher.close()),
    ),
  )

/**
 * Effect's `FileSystem` over `node:fs`: what @effect/platform-node's `NodeFileSystem.layer` offers
 * (errors as `SystemError` with the errno's reason), without that package's native file watcher;
 * `watch` uses `fs.watch`.
 */
export const layer: Layer.Layer<FileSystem.FileSystem> = Layer.succeed(
  FileSystem.FileSystem,
  FileSystem.make({
    access: (path, options) =>
      call("access", path, () =>
        fs.access(
          path,
          constants.F_OK |
            (options?.readable ? constants.R_OK : 0) |
            (options?.writable ? constants.W_OK : 0),
        ),
      ),
    chmod: (path, mode) => call("chmod", path, () => fs.chmod(path, mode)),
    chown: (path, uid, gid) => call("chown", path, () => fs.chown(path, uid, gid)),
    copy: (from, to, options) =>
      call("copy", from, () =>
        fs.cp(from, to, {
          force: options?.overwrite ?? false,
          preserveTimestamps: options?.preserveTimestamps ?? false,
          recursive: true,
        }),
      ),
    copyFile: (from, to) => call("copyFile", from, () => fs.copyFile(from, to)),
    link: (existing, path) => call("link", path, () => fs.link(existing, path)),
    makeDirectory: (path, options) =>
      Effect.asVoid(
        call("makeDirectory", path, () =>
          fs.mkdir(path, {
            recursive: options?.recursive ?? false,
            ...(options?.mode === undefined ? {} : { mode: options.mode }),
          }),
        ),
      ),
    makeTempDirectory: makeTempDirectory("makeTempDirectory"),
    makeTempDirectoryScoped: (options) =>
      Effect.acquireRelease(makeTempDirectory("makeTempDirectoryScoped")(options), (directory) =>
        Effect.orDie(remove("makeTempDirectoryScoped")(directory, { recursive: true, force: true })),
      ),
    makeTempFile: makeTempFile("makeTempFile"),
    makeTempFileScoped: (options) =>
      Effect.acquireRelease(makeTempFile("makeTempFileScoped")(options), (file) =>
        Effect.orDie(remove("makeTempFileScoped")(dirname(file), { recursive: true, force: true })),
      ),
    open: open("open"),
    readDirectory: (path, options) =>
      call("readDirectory", path, () => fs.readdir(path, { recursive: options?.recursive ?? false })),
    readFile: (path) => call("readFile", path, (signal) => fs.readFile(path, { signal })),
    readLink: (path) => call("readLink", path, () => fs.readlink(path)),
    realPath: (path) => call("realPath", path, () => fs.realpath(path)),
    remove: remove("remove"),
    rename: (from, to) => call("rename", from, () => fs.rename(from, to)),
    stat,
    symlink: (target, path) => call("symlink", path, () => fs.symlink(target, path)),
    truncate: (path, length) =>
      call("truncate", path, () => fs.truncate(path, length === undefined ? undefined : Number(length))),
    utimes: (path, atime, mtime) => call("utimes", path, () => fs.utimes(path, atime, mtime)),
    watch,
    writeFile: (path, data, options) =>
      call("writeFile", path, (signal) =>
        fs.writeFile(path, data, {
          signal,
          ...(options?.flag === undefined ? {} : { flag: options.flag }),
          ...(options?.mode === undefined ? {} : { mode: options.mode }),
        }),
      ),
  }),
)
