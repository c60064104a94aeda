import { html } from "../../report/html.js"
import { layout } from "./Layout.js"

/** A page that says what went wrong (bad query, unknown dataset, a store that cannot be listed). */
export const messagePage = (storeUrl: string, title: string, message: string): string =>
  layout({
    title,
    storeUrl,
    current: "none",
    body: html`<h1>${title}</h1><div class="problems" role="alert">${message}</div><p><a href="/">Back to the datasets</a></p>`,
  })

/** The sign-in form of a server started with `--token`. */
export const loginPage = (storeUrl: string, failed: boolean, next: string): string =>
  layout({
    title: "Sign in",
    storeUrl,
    current: "none",
    body: html`<form class="panel login" method="post" action="/login">
<h1>Sign in</h1>
<p class="sub">This monitor was started with an access token. Paste it to continue; a cookie keeps you signed in until the server restarts.</p>
${failed ? html`<p class="error" role="alert">That token is not right.</p>` : html``}
<label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${next}">
<button type="submit">Sign in</button>
</form>`,
  })
