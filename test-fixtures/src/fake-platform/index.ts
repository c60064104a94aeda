/** The fake WhyLabs-compatible platform: a real HTTP server for tests and demos. */
export { type ConfigSandbox, configSandbox, SESSION_ENV_VARS } from "./ConfigSandbox.js"
export { FakeFaults } from "./FakeFaults.js"
export { FakeOAuth, OUT_OF_BAND_REDIRECT } from "./FakeOAuth.js"
export { FakePlatform, type FakePlatformStats } from "./FakePlatform.js"
export { ForwardProxy } from "./ForwardProxy.js"
export type * from "./types.js"
