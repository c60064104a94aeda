import type { Stats } from "node:fs"
import type { FileHandle } from "node:fs/promises"
import type { PlatformError } from "@effect/platform/Error"
import { SystemError } from "@effect/platform/Error"
import * as FileSystem from "@effect/platform/FileSystem"
import { Effect, Option } from "effect"
import { fileSystemError } from "./systemError.js"

/** `FileSystem.File.Info` from Node's `Stats`. */
export const fileInfo = (stat: Stats): FileSystem.File.Info => ({
  type: stat.isFile()
    ? "File"
    : stat.isDirectory()
      ? "Directory"
      : stat.isSymbolicLink()
        ? "SymbolicLink"
        : stat.isBlockDevice()
          ? "BlockDevice"
          : stat.isCharacterDevice()
            ? "CharacterDevice"
            : stat.isFIFO()
              ? "FIFO"
              : stat.isSocket()
                ? "Socket"
                : "Unknown",
  mtime: Option.fromNullable(stat.mtime),
  atime: Option.fromNullable(stat.atime),
  birthtime: Option.fromNullable(stat.birthtime),
  dev: stat.dev,
  rdev: Option.some(stat.rdev),
  ino: Option.some(stat.ino),
  mode: stat.mode,
  nlink: Option.some(stat.nlink),
  uid: Option.some(stat.uid),
  gid: Option.some(stat.gid),
  size: FileSystem.Size(stat.size),
  blksize: Option.some(FileSystem.Size(stat.blksize)),
  blocks: Option.some(stat.blocks),
})

/**
 * An open file over a `node:fs` `FileHandle`: reads and writes at its own position (appends at the end
 * when opened with an `a` flag), one operation at a time.
 */
export class NodeFile implements FileSystem.File {
  readonly [FileSystem.FileTypeId]: FileSystem.FileTypeId = FileSystem.FileTypeId
  readonly fd: FileSystem.File.Descriptor
  readonly #handle: FileHandle
  readonly #append: boolean
  readonly #lock = Effect.unsafeMakeSemaphore(1)
  #position = 0n

  constructor(handle: FileHandle, append: boolean) {
    this.#handle = handle
    this.#append = append
    this.fd = FileSystem.FileDescriptor(handle.fd)
  }

  #call<A>(method: string, run: () => Promise<A>): Effect.Effect<A, PlatformError> {
    return Effect.tryPromise({ try: run, catch: fileSystemError(method, this.fd) })
  }

  get stat(): Effect.Effect<FileSystem.File.Info, PlatformError> {
    return Effect.map(
      this.#call("stat", () => this.#handle.stat()),
      fileInfo,
    )
  }

  get sync(): Effect.Effect<void, PlatformError> {
    return this.#call("sync", () => this.#handle.sync())
  }

  seek(offset: FileSystem.SizeInput, from: FileSystem.SeekMode): Effect.Effect<void> {
    return this.#lock.withPermits(1)(
      Effect.sync(() => {
        this.#position = from === "start" ? FileSystem.Size(offset) : this.#position + FileSystem.Size(offset)
      }),
    )
  }

  read(buffer: Uint8Array): Effect.Effect<FileSystem.Size, PlatformError> {
    return this.#lock.withPermits(1)(
      Effect.map(
        this.#call("read", () => this.#handle.read(buffer, 0, buffer.length, Number(this.#position))),
        ({ bytesRead }) => {
          this.#position += BigInt(bytesRead)
          return FileSystem.Size(bytesRead)
        },
      ),
    )
  }

  readAlloc(size: FileSystem.SizeInput): Effect.Effect<Option.Option<Uint8Array>, PlatformError> {
    return Effect.flatMap(
      Effect.sync(() => new Uint8Array(Number(size))),
      (buffer) =>
        Effect.map(this.read(buffer), (read) =>
          read === 0n ? Option.none() : Option.some(buffer.subarray(0, Number(read))),
        ),
    )
  }

  truncate(length?: FileSystem.SizeInput): Effect.Effect<void, PlatformError> {
    return this.#lock.withPermits(1)(
      Effect.map(
        this.#call("truncate", () => this.#handle.truncate(length === undefined ? 0 : Number(length))),
        () => {
          const end = BigInt(length ?? 0)
          if (!this.#append && this.#position > end) this.#position = end
        },
      ),
    )
  }

  #writeOnce(method: string, buffer: Uint8Array): Effect.Effect<number, PlatformError> {
    return Effect.map(
      this.#call(method, () =>
        this.#handle.write(buffer, 0, buffer.length, this.#append ? null : Number(this.#position)),
      ),
      ({ bytesWritten }) => {
        if (!this.#append) this.#position += BigInt(bytesWritten)
        return bytesWritten
      },
    )
  }

  write(buffer: Uint8Array): Effect.Effect<FileSystem.Size, PlatformError> {
    return this.#lock.withPermits(1)(Effect.map(this.#writeOnce("write", buffer), FileSystem.Size))
  }

  writeAll(buffer: Uint8Array): Effect.Effect<void, PlatformError> {
    const loop = (rest: Uint8Array): Effect.Effect<void, PlatformError> =>
      rest.length === 0
        ? Effect.void
        : Effect.flatMap(this.#writeOnce("writeAll", rest), (written) =>
            written === 0
              ? Effect.fail(
                  new SystemError({
                    module: "FileSystem",
                    method: "writeAll",
                    reason: "WriteZero",
                    pathOrDescriptor: this.fd,
                    description: "write returned 0 bytes written",
                  }),
                )
              : loop(rest.subarray(written)),
          )
    return this.#lock.withPermits(1)(loop(buffer))
  }
}
