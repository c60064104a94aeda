import swc from "unplugin-swc"
import { projectConfig } from "../../vitest.shared.js"

// Vitest's default transform (esbuild) drops emitDecoratorMetadata; Nest then injects undefined.
// SWC with legacy decorators and their metadata, set here rather than read from a tsconfig (this
// package's tsconfig.json only lists references).
export default projectConfig("nest", {
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
