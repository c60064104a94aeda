import { homedir } from "node:os"
import { join } from "node:path"

/**
 * The per-user config directory of `app`, where Python's platformdirs puts it (so sketchlog and
 * whylogs find one `config.ini`): `$XDG_CONFIG_HOME/<app>` or `~/.config/<app>` on Linux,
 * `~/Library/Application Support/<app>` on macOS, `%LOCALAPPDATA%\<app>\<app>` on Windows.
 */
export const userConfigDir = (
  app: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string => {
  if (platform === "darwin") return join(home, "Library", "Application Support", app)
  if (platform === "win32") return join(env.LOCALAPPDATA ?? join(home, "AppData", "Local"), app, app)
  const xdg = env.XDG_CONFIG_HOME
  return join(xdg?.startsWith("/") ? xdg : join(home, ".config"), app)
}
