import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { init, LocalWriter, promiseWriter, WhyLabsWriter, WriterOptionsError } from "../src/index.js"
import { nearestName, unknownOptionReason } from "../src/internal/optionNames.js"
import { createRollingLoggerOptionNames } from "../src/logger/LoggerOptions.js"
import { sessionOptionNames } from "../src/session/SessionOptions.js"
import { StoreWriter } from "../src/store/index.js"
import { MemoryWriter } from "../src/testing.js"

describe("nearestName", () => {
  it("finds the option a typo meant: a letter off, swapped, dropped, or another case", () => {
    const known = createRollingLoggerOptionNames
    expect(nearestName("overload", known)).toBe("overflow")
    expect(nearestName("queueCapcity", known)).toBe("queueCapacity")
    expect(nearestName("bacthSize", known)).toBe("batchSize")
    expect(nearestName("profiledir", known)).toBe("profileDir")
    expect(nearestName("writer", known)).toBe("writers")
  })

  it("suggests nothing for a name that is near none", () => {
    expect(nearestName("zzzzzz", createRollingLoggerOptionNames)).toBeUndefined()
    expect(unknownOptionReason("zzz", ["a", "b"])).toBe("unknown option (known: a, b)")
  })

  it("gives every known name back for itself in any letter case, and a suggestion for it less a letter (fixed seed)", () => {
    const known = sessionOptionNames
    fc.assert(
      fc.property(fc.constantFrom(...known), fc.nat(), (name, at) => {
        expect(nearestName(name.toUpperCase(), known)).toBe(name)
        const i = at % name.length
        const dropped = name.slice(0, i) + name.slice(i + 1)
        // A dropped letter is always near enough to suggest something: the name, or one as near.
        expect(nearestName(dropped, known)).toBeDefined()
      }),
      { seed: 2026_12_07 },
    )
  })
})

describe("unknown options of init and the writers", () => {
  it("init() rejects an unknown option, naming it and the nearest known one", async () => {
    await expect(init({ forcelocal: true, reinit: true } as never)).rejects.toMatchObject({
      _tag: "ConfigError",
      source: "the forcelocal option",
      reason: 'unknown option; did you mean "forceLocal"?',
    })
    await expect(
      init({ forceLocal: true, reinit: true, retry: { maxRetry: 1 } } as never),
    ).rejects.toMatchObject({
      _tag: "ConfigError",
      source: "the retry.maxRetry option",
    })
  })

  it("each writer's constructor throws WriterOptionsError for an unknown option", () => {
    const refused = (make: () => unknown) => {
      try {
        make()
      } catch (error) {
        expect(error).toBeInstanceOf(WriterOptionsError)
        return (error as WriterOptionsError).message
      }
      throw new Error("accepted")
    }
    expect(refused(() => new LocalWriter({ dir: "x", fsynk: false } as never))).toBe(
      'LocalWriter option fsynk: unknown option; did you mean "fsync"?',
    )
    expect(refused(() => new WhyLabsWriter({ concurency: 2 } as never))).toBe(
      'WhyLabsWriter option concurency: unknown option; did you mean "concurrency"?',
    )
    expect(refused(() => new StoreWriter({ store: "x", replika: "a" } as never))).toContain('"replica"')
    expect(refused(() => promiseWriter("p", async () => {}, { retriable: () => true } as never))).toContain(
      '"retryable"',
    )
    expect(refused(() => new MemoryWriter({ nam: "m" } as never))).toContain('"name"')
  })
})
