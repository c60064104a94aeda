import swc from "unplugin-swc"
import { nestSwcOptions, projectConfig } from "../../vitest.shared.js"

// SWC keeps decorator metadata, which Nest's injection and ValidationPipe read (see nestSwcOptions).
export default projectConfig("nest-demo", { plugins: [swc.vite(nestSwcOptions)] })
