/**
 * The status Next.js answers for the control-flow errors its helpers throw inside a route handler:
 * `redirect()` / `permanentRedirect()` (digest `NEXT_REDIRECT;<type>;<url>;<status>;`) and
 * `notFound()` / `forbidden()` / `unauthorized()` (digest `NEXT_HTTP_ERROR_FALLBACK;<status>`).
 * These are answers, not failures, so they are profiled with that status and no error. `undefined`
 * for anything else. Reads only the digest's shape, which Next.js has kept since 13.
 */
export const controlFlowStatus = (error: unknown): number | undefined => {
  if (typeof error !== "object" || error === null) return undefined
  const digest = (error as { digest?: unknown }).digest
  if (typeof digest !== "string") return undefined
  const parts = digest.split(";")
  if (parts[0] === "NEXT_REDIRECT" && parts.length >= 4) return httpStatus(parts[parts.length - 2])
  if (parts[0] === "NEXT_HTTP_ERROR_FALLBACK") return httpStatus(parts[1])
  return undefined
}

const httpStatus = (text: string | undefined): number | undefined => {
  const status = Number(text)
  return Number.isInteger(status) && status >= 300 && status < 600 ? status : undefined
}
