import { readdir, stat } from "node:fs/promises"
import { join, relative, resolve } from "node:path"
import { DatasetProfileView } from "@sketchlog/core"
import { inputError } from "../cli/CliError.js"

/** A profile read from disk, with the path it came from. */
export interface ProfileFile {
  /** The path as the user gave it (or as found under a directory they gave). */
  readonly path: string
  readonly view: DatasetProfileView
}

/** The extension of whylogs v1 profile files. */
export const PROFILE_EXTENSION = ".bin"

/**
 * The `.bin` files under `dir`, recursively, sorted by path. Hidden entries (`.outbox/`, the upload
 * manifest, editors' files) are skipped: they are sketchlog's and the user's machinery, not data.
 */
export const listProfileFiles = async (dir: string): Promise<string[]> => {
  const found: string[] = []
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true })
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue
      const path = join(current, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile() && entry.name.endsWith(PROFILE_EXTENSION)) found.push(path)
    }
  }
  await walk(dir)
  return found.sort()
}

/**
 * Expands the arguments (files and directories) into profile files, in the order given (each
 * directory's files sorted). A missing path or a directory without profiles is an input error.
 */
export const expandProfilePaths = async (
  paths: ReadonlyArray<string>,
  cwd: string,
): Promise<ReadonlyArray<string>> => {
  const out: string[] = []
  for (const path of paths) {
    const absolute = resolve(cwd, path)
    const info = await stat(absolute).catch(() => undefined)
    if (info === undefined) throw inputError(`${path}: no such file or directory`)
    if (info.isDirectory()) {
      const files = await listProfileFiles(absolute)
      if (files.length === 0) throw inputError(`${path}: no ${PROFILE_EXTENSION} profiles in this directory`)
      out.push(...files.map((file) => join(path, relative(absolute, file))))
    } else out.push(path)
  }
  return out
}

/**
 * Reads one profile; a missing, unreadable or corrupt file is an input error naming the file (and,
 * for corruption, the field and byte offset that core's `ProfileFormatError` gives).
 */
export const readProfileFile = async (path: string, cwd: string): Promise<ProfileFile> => {
  try {
    return { path, view: await DatasetProfileView.read(resolve(cwd, path)) }
  } catch (error) {
    const tag = (error as { _tag?: unknown })?._tag
    if (tag === "ProfileFormatError") throw inputError(`${path}: ${(error as Error).message}`)
    if (tag === "ProfileIOError") {
      const cause = (error as { cause?: unknown }).cause
      const code = (cause as { code?: unknown } | undefined)?.code
      const reason =
        code === "ENOENT"
          ? "no such file"
          : code === "EISDIR"
            ? "is a directory"
            : code === "EACCES"
              ? "permission denied"
              : cause instanceof Error
                ? cause.message
                : "cannot be read"
      throw inputError(`${path}: ${reason}`)
    }
    throw error
  }
}

/** Expands and reads every profile the arguments name. */
export const readProfiles = async (
  paths: ReadonlyArray<string>,
  cwd: string,
): Promise<ReadonlyArray<ProfileFile>> => {
  const files = await expandProfilePaths(paths, cwd)
  const out: ProfileFile[] = []
  for (const file of files) out.push(await readProfileFile(file, cwd))
  return out
}

/**
 * The merge of several profiles (whylogs' merge; timestamps become the earliest), through one running
 * total per column (`DatasetProfileView.mergeAll`).
 */
export const mergeAll = (views: ReadonlyArray<DatasetProfileView>): DatasetProfileView => {
  if (views.length === 0) throw inputError("no profiles to merge")
  return DatasetProfileView.mergeAll(views)
}
