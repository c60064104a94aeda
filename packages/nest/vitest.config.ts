import swc from "unplugin-swc"
import { nestSwcOptions, projectConfig } from "../../vitest.shared.js"

// SWC keeps decorator metadata, which Nest's injection reads (see nestSwcOptions).
export default projectConfig("nest", { plugins: [swc.vite(nestSwcOptions)] })
