import { expressProfilers } from "./sketchlog.js"

/**
 * Closes every profiler `sketchlog()` made in this process: each writes all its profiles first. Call
 * it in your shutdown hook, after the server stopped taking requests:
 * `process.on("SIGTERM", () => server.close(() => shutdown().then(() => process.exit(0))))`.
 */
export const shutdown = async (): Promise<void> => {
  const profilers = [...expressProfilers]
  expressProfilers.clear()
  await Promise.all(profilers.map((profiler) => profiler.close()))
}
