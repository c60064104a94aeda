import { describe, expect, it } from "vitest"
import {
  createHttpRowMapper,
  type HttpBodyLimits,
  type HttpRow,
  type HttpRowMapper,
} from "../src/http/index.js"

const mapBody = (mapper: HttpRowMapper, body: unknown, route = "/r"): HttpRow => {
  const result = mapper.map({ method: "POST", route, status: 200, durationMs: 1, request: { body } })
  if (result._tag !== "Row") throw new Error("expected a row")
  return result.row
}

const bodyColumns = (row: HttpRow): Array<string> =>
  Object.keys(row).filter((k) => k.startsWith("request.body"))

const withLimits = (limits: HttpBodyLimits) => createHttpRowMapper({ limits })

describe("HTTP body limits", () => {
  it("stops at maxDepth and flags the body as truncated", () => {
    const body = { a: { b: { c: { d: { e: 1 } } } }, top: 2 }
    const row = mapBody(withLimits({ maxDepth: 3 }), body)
    expect(bodyColumns(row)).toEqual(["request.body.top"])
    expect(row["http.request.body_truncated"]).toBe(true)
    const deeper = mapBody(withLimits({ maxDepth: 5 }), body)
    expect(deeper["request.body.a.b.c.d.e"]).toBe(1)
    expect(deeper["http.request.body_truncated"]).toBe(false)
  })

  it("writes at most maxFields columns per body", () => {
    const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))
    const row = mapBody(withLimits({ maxFields: 10 }), body)
    expect(bodyColumns(row)).toHaveLength(10)
    expect(row["http.request.body_fields"]).toBe(10)
    expect(row["http.request.body_truncated"]).toBe(true)
  })

  it("cuts long strings to maxStringLength without splitting a surrogate pair", () => {
    const row = mapBody(withLimits({ maxStringLength: 5 }), { s: "abcdefgh", emoji: "abcd😀xyz" })
    expect(row["request.body.s"]).toBe("abcde")
    // "abcd" + the high half of 😀 would be ill-formed: the cut falls before the pair instead
    expect(row["request.body.emoji"]).toBe("abcd")
    expect(row["http.request.body_truncated"]).toBe(false)
  })

  it("stops adding strings once maxBodyChars is spent", () => {
    const row = mapBody(withLimits({ maxBodyChars: 10, maxStringLength: 4 }), {
      a: "1111",
      b: "2222",
      c: "3333",
      n: 7,
    })
    expect(row["request.body.a"]).toBe("1111")
    expect(row["request.body.b"]).toBe("2222")
    expect(row["request.body.c"]).toBeUndefined()
    expect(row["request.body.n"]).toBe(7)
    expect(row["http.request.body_truncated"]).toBe(true)
  })

  it("drops field names longer than maxKeyLength", () => {
    const long = "k".repeat(65)
    const row = mapBody(createHttpRowMapper(), { [long]: 1, ok: 2 })
    expect(bodyColumns(row)).toEqual(["request.body.ok"])
    expect(row["http.request.body_truncated"]).toBe(true)
  })

  it("walks the first arrayItems objects of an array, and never the items of scalar arrays", () => {
    const body = {
      rows: [{ v: 1 }, { v: 2 }, { v: 3 }],
      vector: Array.from({ length: 1000 }, (_, i) => i),
      words: ["a", "b"],
      nested: [[1], [2]],
    }
    const row = mapBody(withLimits({ arrayItems: 2 }), body)
    expect(bodyColumns(row).sort()).toEqual([
      "request.body.nested.length",
      "request.body.rows.0.v",
      "request.body.rows.1.v",
      "request.body.rows.length",
      "request.body.vector.length",
      "request.body.words.length",
    ])
    expect(row["request.body.vector.length"]).toBe(1000)
    const none = mapBody(withLimits({ arrayItems: 0 }), body)
    expect(none["request.body.rows.0.v"]).toBeUndefined()
    expect(none["request.body.rows.length"]).toBe(3)
  })

  it("summarises a top-level array body by its length and its first object", () => {
    const row = mapBody(createHttpRowMapper(), [{ id: 1 }, { id: 2 }])
    expect(row["request.body.length"]).toBe(2)
    expect(row["request.body.0.id"]).toBe(1)
  })

  it("learns at most maxColumnsPerRoute field paths per route, so client-chosen keys cannot grow it", () => {
    const mapper = withLimits({ maxColumnsPerRoute: 5 })
    mapBody(mapper, { a: 1, b: 2, c: 3 })
    // ids used as keys: every request brings new ones
    const later = mapBody(mapper, { a: 1, u_918: 1, u_919: 1, u_920: 1 })
    expect(bodyColumns(later).sort()).toEqual(["request.body.a", "request.body.u_918", "request.body.u_919"])
    expect(later["http.request.body_truncated"]).toBe(true)
    // known paths keep working; new ones do not
    const again = mapBody(mapper, { b: 2, u_921: 1 })
    expect(bodyColumns(again)).toEqual(["request.body.b"])
    // another route has its own budget
    expect(bodyColumns(mapBody(mapper, { u_921: 1 }, "/other"))).toEqual(["request.body.u_921"])
    // and reset() gives the budget back
    mapper.reset()
    expect(bodyColumns(mapBody(mapper, { u_921: 1 }))).toEqual(["request.body.u_921"])
  })

  it("shares one budget among routes beyond maxRoutes", () => {
    const mapper = withLimits({ maxRoutes: 1, maxColumnsPerRoute: 2 })
    mapBody(mapper, { a: 1 }, "/first")
    mapBody(mapper, { x: 1, y: 1 }, "/second")
    expect(bodyColumns(mapBody(mapper, { z: 1 }, "/third"))).toEqual([])
    expect(bodyColumns(mapBody(mapper, { x: 1 }, "/third"))).toEqual(["request.body.x"])
  })

  it("bounds query keys and, with queryValues, query values like body fields", () => {
    const mapper = createHttpRowMapper({ queryValues: true, limits: { maxStringLength: 3 } })
    const result = mapper.map({
      method: "GET",
      route: "/search",
      status: 200,
      durationMs: 1,
      query: { q: "shoes", page: "2", filter: { color: "red" } },
    })
    expect(result._tag).toBe("Row")
    if (result._tag !== "Row") return
    expect(result.row["request.query.q"]).toBe("sho")
    expect(result.row["request.query.page"]).toBe("2")
    expect(result.row["request.query.filter.color"]).toBe("red")
    // the key list is cut like any string
    expect(result.row["http.query.keys"]).toBe("fil")
  })
})
