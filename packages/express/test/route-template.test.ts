import type { AddressInfo } from "node:net"
import express5 from "express"
import express4 from "express4"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { routeTemplate } from "../src/internal/routeTemplate.js"

type ExpressFactory = typeof express5

/**
 * One app per Express major with nested routers, params, a router mounted at "/", a mounted sub-app
 * and a RegExp mount; every handler answers the template the middleware would record for it.
 */
const buildApp = (express: ExpressFactory) => {
  const app = express()
  const answer: express5.RequestHandler = (req, res) => {
    res.json({ template: routeTemplate(req.route, req.baseUrl, req.app) ?? null })
  }
  app.get("/users/:id", answer)
  app.get("/", answer)

  const orders = express.Router({ mergeParams: true })
  orders.get("/", answer)
  orders.get("/:orderId", answer)
  const users = express.Router({ mergeParams: true })
  users.get("/", answer)
  users.use("/orders", orders)
  users.post("/profile/:field", answer)
  const api = express.Router()
  api.use("/users/:userId", users)
  api.get("/status", answer)
  app.use("/api", api)

  const rootMounted = express.Router()
  rootMounted.get("/things/:thingId", answer)
  app.use(rootMounted)

  const shop = express()
  shop.get("/items/:itemId", answer)
  app.use("/shops/:shopId", shop)

  const versioned = express.Router()
  versioned.get("/ping", answer)
  app.use(/^\/v\d+/, versioned)
  return app
}

const cases: ReadonlyArray<readonly [string, string | null]> = [
  ["/users/42", "/users/:id"],
  ["/", "/"],
  ["/api/status", "/api/status"],
  ["/api/users/7", "/api/users/:userId"],
  ["/api/users/7/orders", "/api/users/:userId/orders"],
  ["/api/users/7/orders/99", "/api/users/:userId/orders/:orderId"],
  ["/api/users/alice%20smith/orders/99", "/api/users/:userId/orders/:orderId"],
  ["/API/Users/7/orders/99", "/api/users/:userId/orders/:orderId"],
  ["/things/t-1", "/things/:thingId"],
  ["/shops/s9/items/i3", "/shops/:shopId/items/:itemId"],
]

for (const [major, express] of [
  ["Express 5", express5],
  ["Express 4", express4],
] as const) {
  describe(`route templates on ${major}`, () => {
    let url = ""
    let close: () => Promise<void> = async () => undefined
    beforeAll(async () => {
      const server = buildApp(express).listen(0, "127.0.0.1")
      await new Promise((resolve) => server.once("listening", resolve))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      close = () => new Promise((resolve) => server.close(() => resolve()))
    })
    afterAll(() => close())

    const templateOf = async (path: string, method = "GET") => {
      const response = await fetch(url + path, { method })
      expect(response.status).toBe(200)
      return ((await response.json()) as { template: string | null }).template
    }

    it.each(cases)("%s answers with the template %s, never the raw ids", async (path, expected) => {
      expect(await templateOf(path)).toBe(expected)
    })

    it("joins a POST route's own params under nested mounts", async () => {
      expect(await templateOf("/api/users/7/profile/email", "POST")).toBe("/api/users/:userId/profile/:field")
    })

    it("never spells a RegExp mount with the client's text", async () => {
      const template = await templateOf("/v2/ping")
      expect(template).not.toContain("v2")
      expect(template?.endsWith("/ping")).toBe(true)
    })
  })
}

describe("route templates without a route", () => {
  it("are undefined when no route matched (core then writes (unmatched) or (unrouted))", () => {
    expect(routeTemplate(undefined, "", undefined)).toBeUndefined()
  })

  it("fall back to (mount) rather than the raw mount path when the router tree cannot be walked", () => {
    expect(routeTemplate({ path: "/items/:id" }, "/tenants/acme", {})).toBe("(mount)/items/:id")
  })
})
