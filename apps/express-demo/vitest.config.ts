import { projectConfig } from "../../vitest.shared.js"

export default projectConfig("express-demo")
