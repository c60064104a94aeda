import { nestCaptures } from "./RequestCapture.js"

interface FastifyLike {
  addHook(
    name: "onRequest",
    hook: (request: { raw: unknown }, reply: unknown, done: (error?: Error) => void) => void,
  ): unknown
}

/**
 * On the Fastify platform the Node request carries neither the route template nor the parsed body;
 * Fastify's request does. This hook hands Fastify's request and reply to each capture as Fastify
 * routes the request, so requests turned away before a handler (guards, body parsing) still get
 * their template. Returns false when the hook cannot be added (the instance already started).
 */
export const watchFastifyRequests = (instance: unknown): boolean => {
  try {
    ;(instance as FastifyLike).addHook("onRequest", (request, reply, done) => {
      const slot = nestCaptures.slotOf(request.raw as never)
      if (slot >= 0) nestCaptures.notePlatform(slot, request, reply)
      done()
    })
    return true
  } catch {
    return false
  }
}
