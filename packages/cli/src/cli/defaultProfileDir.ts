import { stat } from "node:fs/promises"
import { PROFILE_DIR_ENV } from "@sketchlog/core/writers"
import type { CliContext } from "./CliContext.js"
import { inputError } from "./CliError.js"

/**
 * The paths a reading command was given, or, given none, the folder the rolling logger and the
 * adapters write to by default (core's one rule: `SKETCHLOG_PROFILE_DIR`, else `./sketchlog-profiles`
 * of where the command was started), so `npx sketchlog inspect` after a first run just works.
 */
export const pathsOrDefault = async (
  paths: ReadonlyArray<string> | undefined,
  context: CliContext,
  { mustExist = true }: { readonly mustExist?: boolean } = {},
): Promise<ReadonlyArray<string>> => {
  if (paths !== undefined && paths.length > 0) return paths
  const dir = context.defaultProfileDir()
  if (!mustExist) return [dir]
  const info = await stat(dir).catch(() => undefined)
  if (info === undefined || !info.isDirectory())
    throw inputError(
      `no profiles at ${dir} (the default folder: ${PROFILE_DIR_ENV}, else ./sketchlog-profiles where you started); name a folder, file or store`,
    )
  return [dir]
}
