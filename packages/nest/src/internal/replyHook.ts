import { nestCaptures, nodeResponse } from "./RequestCapture.js"

interface ReplyingAdapter {
  reply(response: unknown, body: unknown, statusCode?: number): unknown
}

/**
 * Notes the body of each response Nest sends through its HTTP adapter (`reply`, which both route
 * handlers and exception filters answer with), so the profile holds what the client got: after every
 * interceptor (`ClassSerializerInterceptor`'s `@Exclude()`d fields are gone). Bodies of error
 * statuses are not kept: exception filters put the exception's message there, and a message is never
 * profiled. Returns what undoes it.
 */
export const watchReplies = (adapter: ReplyingAdapter): (() => void) => {
  const own = Object.hasOwn(adapter, "reply")
  const reply = adapter.reply
  adapter.reply = function sketchlogReply(
    this: unknown,
    response: unknown,
    body: unknown,
    statusCode?: number,
  ) {
    const slot = nestCaptures.slotOf(nodeResponse(response).req)
    if (slot >= 0 && nestCaptures.isOpen(slot)) {
      // The status given here (exception filters), else the one already set (`@HttpCode`, the default).
      const status = statusCode ?? (response as { statusCode?: unknown }).statusCode
      if (typeof status !== "number" || status < 400) nestCaptures.setResponseBody(slot, body)
    }
    // biome-ignore lint/complexity/noArguments: forwards the call exactly as Nest made it
    return reply.apply(this, arguments as unknown as Parameters<ReplyingAdapter["reply"]>)
  }
  return () => {
    if (own) adapter.reply = reply
    else delete (adapter as Partial<ReplyingAdapter>).reply
  }
}
