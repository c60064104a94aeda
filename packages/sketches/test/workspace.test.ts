import { describe, expect, it } from "vitest"

describe("workspace", () => {
  it("runs", () => expect(1 + 1).toBe(2))
})
