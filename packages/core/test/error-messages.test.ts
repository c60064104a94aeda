import { describe, expect, it } from "vitest"
import { causeText } from "../src/internal/causeText.js"
import { ProfileIOError } from "../src/profile/ProfileError.js"

/** Causes that break the usual ways of turning a value into text. */
const hostileCauses = (): ReadonlyArray<[string, unknown]> => {
  const revoked = Proxy.revocable({}, {})
  revoked.revoke()
  const throwingMessage = new Error("hidden")
  Object.defineProperty(throwingMessage, "message", {
    get() {
      throw new Error("message getter")
    },
  })
  const throwingToString = {
    toString: () => {
      throw new Error("toString")
    },
  }
  return [
    ["an object without a prototype", Object.create(null)],
    ["a revoked proxy", revoked.proxy],
    ["an Error whose message getter throws", throwingMessage],
    ["an object whose toString throws", throwingToString],
    ["a symbol", Symbol("s")],
    ["an Error whose message is not a string", Object.assign(new Error(), { message: 42 })],
  ]
}

describe("an error's message never throws", () => {
  it.each(hostileCauses())("ProfileIOError with %s as its cause", (_, cause) => {
    const error = new ProfileIOError({ operation: "read", path: "p.bin", cause })
    expect(() => error.message).not.toThrow()
    expect(error.message).toMatch(/^could not read profile file p\.bin: /)
    expect(() => String(error)).not.toThrow()
  })

  it("keeps the operating system's message when there is one", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'p.bin'"), {
      code: "ENOENT",
    })
    expect(new ProfileIOError({ operation: "read", path: "p.bin", cause: enoent }).message).toBe(
      "could not read profile file p.bin: ENOENT: no such file or directory, open 'p.bin'",
    )
  })

  it("causeText names what it cannot print", () => {
    expect(causeText(Object.create(null))).toBe("[unprintable object]")
    expect(causeText(Symbol("s"))).toBe("Symbol(s)")
    expect(causeText(null)).toBe("null")
    expect(causeText(undefined)).toBe("undefined")
    expect(causeText("text")).toBe("text")
  })
})
