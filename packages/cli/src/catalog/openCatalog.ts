import { resolve } from "node:path"
import { openStore } from "@sketchlog/core/store"
import { runEffect } from "./runEffect.js"
import { type CatalogOptions, StoreCatalog } from "./StoreCatalog.js"

/**
 * Opens the store at `url` (an `s3://` URL, or a directory resolved against `cwd`) through core's
 * store API and wraps it in a catalog; rejects with core's `StoreError` (bad URL, missing package).
 */
export const openCatalog = async (
  url: string,
  cwd: string,
  options: CatalogOptions = {},
): Promise<StoreCatalog> => {
  const location = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : resolve(cwd, url)
  const store = await runEffect(openStore(location))
  return new StoreCatalog(store, options)
}
