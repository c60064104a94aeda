import { describe, expect, it } from "vitest"
import { deriveRouteTemplate } from "../src/RouteTemplate.js"

describe("deriveRouteTemplate", () => {
  it("keeps a static path as it is, without a trailing slash", () => {
    expect(deriveRouteTemplate("/api/models")).toBe("/api/models")
    expect(deriveRouteTemplate("/api/models/", {})).toBe("/api/models")
    expect(deriveRouteTemplate("/")).toBe("/")
    expect(deriveRouteTemplate("")).toBe("/")
  })

  it("puts a dynamic segment's name back where its value is", () => {
    expect(deriveRouteTemplate("/api/models/credit-v3", { id: "credit-v3" })).toBe("/api/models/[id]")
    expect(deriveRouteTemplate("/api/models/credit-v3/score", { id: "credit-v3" })).toBe(
      "/api/models/[id]/score",
    )
  })

  it("places several parameters in route order, even with equal values", () => {
    expect(deriveRouteTemplate("/shop/1/2", { tag: "1", item: "2" })).toBe("/shop/[tag]/[item]")
    expect(deriveRouteTemplate("/shop/7/7", { tag: "7", item: "7" })).toBe("/shop/[tag]/[item]")
  })

  it("prefers the parameter's own place over a static segment spelled the same to its left", () => {
    expect(deriveRouteTemplate("/api/models/models", { id: "models" })).toBe("/api/models/[id]")
  })

  it("matches decoded values against encoded segments", () => {
    expect(deriveRouteTemplate("/api/users/J%C3%BCrgen%20K", { name: "Jürgen K" })).toBe("/api/users/[name]")
    expect(deriveRouteTemplate("/api/files/a%2Fb", { file: "a/b" })).toBe("/api/files/[file]")
  })

  it("collapses a catch-all's segments into one [...name]", () => {
    expect(deriveRouteTemplate("/blog/2024/05/hello", { slug: ["2024", "05", "hello"] })).toBe(
      "/blog/[...slug]",
    )
    expect(deriveRouteTemplate("/docs/a/b/edit", { path: ["a", "b"] })).toBe("/docs/[...path]/edit")
    expect(deriveRouteTemplate("/t/acme/files/x/y", { team: "acme", rest: ["x", "y"] })).toBe(
      "/t/[team]/files/[...rest]",
    )
  })

  it("leaves out an empty optional catch-all and parameters whose values are not in the path", () => {
    expect(deriveRouteTemplate("/docs", { slug: undefined })).toBe("/docs")
    expect(deriveRouteTemplate("/docs", { slug: [] })).toBe("/docs")
    expect(deriveRouteTemplate("/api/items", { id: "absent" })).toBe("/api/items")
  })

  it("never keeps a parameter's value: a thousand ids give one template", () => {
    const templates = new Set<string>()
    for (let i = 0; i < 1000; i++) {
      const id = `${i}-${(i * 7919).toString(36)}`
      templates.add(deriveRouteTemplate(`/api/applications/${encodeURIComponent(id)}`, { id }))
    }
    expect([...templates]).toEqual(["/api/applications/[id]"])
  })

  it("leaves a malformed escape as it is rather than throwing", () => {
    expect(deriveRouteTemplate("/api/x/%E0%A4%A", { id: "%E0%A4%A" })).toBe("/api/x/[id]")
  })
})
