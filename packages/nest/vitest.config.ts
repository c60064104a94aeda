import swc from "unplugin-swc"
import { projectConfig } from "../../vitest.shared.js"

// Vitest's default transform (esbuild) drops emitDecoratorMetadata; Nest then injects undefined.
export default projectConfig("nest", {
  plugins: [swc.vite({ module: { type: "es6" } })],
})
