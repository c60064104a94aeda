import swc from "unplugin-swc"
import { projectConfig } from "../../vitest.shared.js"

// SWC keeps decorator metadata, which Nest's injection and ValidationPipe read (vitest's esbuild
// transform drops it).
export default projectConfig("nest-demo", {
  plugins: [
    swc.vite({
      tsconfigFile: false,
      module: { type: "es6" },
      jsc: {
        target: "es2022",
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      },
    }),
  ],
})
