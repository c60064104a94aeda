import { randomBytes } from "node:crypto"
import { applicant, seededRandom } from "@sketchlog/express-demo"
import type { ClientRequest } from "./HttpTraffic.js"

/**
 * Secrets planted for the security suite, fresh each run: the API key's secret part, a password
 * field, a bearer token, a cookie and a query value; each in the forms it could leak in; and the
 * demo's client requests carrying every one of them where a client would put it.
 */
export const plantSecrets = () => {
  const tag = randomBytes(6).toString("hex")
  const keySecret = `plantedkeysecret${tag}`
  const apiKey = `PLANTKEY01.${keySecret}:org-fake`
  const secrets = {
    "API key secret": keySecret,
    password: `planted-password-${tag}`,
    "bearer token": `planted-bearer-${tag}`,
    cookie: `planted-cookie-${tag}`,
    "query value": `planted-query-${tag}`,
  }
  /** Each secret as it could leak: as is, URL-encoded, base64, base64url. */
  const leakForms = Object.entries(secrets).flatMap(([name, value]) =>
    [
      value,
      encodeURIComponent(value),
      Buffer.from(value).toString("base64"),
      Buffer.from(value).toString("base64url"),
    ].map((form) => ({ name, form })),
  )

  /** Requests of the demo's clients, each carrying every planted secret where a client would put it. */
  const plantedTraffic = (seed: number): ((i: number) => ClientRequest) => {
    const r = seededRandom(seed)
    const headers = {
      authorization: `Bearer ${secrets["bearer token"]}`,
      cookie: `session=${secrets.cookie}; theme=dark`,
      "x-api-key": apiKey,
      "content-type": "application/json",
    }
    return (i) =>
      i % 4 === 3
        ? {
            method: "GET",
            path: `/v1/models?token=${secrets["query value"]}&password=${secrets.password}`,
            headers,
          }
        : {
            method: "POST",
            path: "/v1/score",
            headers,
            body: JSON.stringify({
              ...applicant(r, false),
              password: secrets.password,
              user: { password: secrets.password, apiKey, session_token: secrets["bearer token"] },
              note: "no secret in free text here",
            }),
          }
  }
  return { apiKey, secrets, leakForms, traffic: plantedTraffic }
}
