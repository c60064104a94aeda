/**
 * Sessions and authentication: what kind of session a process has (whylabs, anonymous, local), how
 * it was resolved, how it signs in, uploads profiles and reports what happens (events, status).
 * Effect face: the `Session` service and its layers. Promise face: `init()` and `SessionHandle`.
 */
export { ApiKey, isOrgId, parseApiKey } from "./ApiKey.js"
export {
  type BrowserLogin,
  type ClientCredentialsLogin,
  DEFAULT_PUBLIC_CLIENT_ID,
  type HeadlessLogin,
  type LoginError,
  type LoginOptions,
  type LoginResult,
  type LoginTarget,
  type LogoutResult,
  OUT_OF_BAND_REDIRECT,
  type TokenLoginOptions,
} from "./auth/LoginFlows.js"
export { type LoginMethod, TOKEN_CACHE_FILE, tokenCachePath } from "./auth/TokenCache.js"
export { Auth, login, loginWithToken, logout } from "./Login.js"
export type {
  ProfileUpload,
  ReferenceProfileUpload,
  UploadError,
  UploadOptions,
  UploadReceipt,
} from "./ProfileUpload.js"
export { Session, type SessionOpenError, type SessionTestOptions } from "./Session.js"
export {
  ApiKeyError,
  ConfigError,
  SessionClosedError,
  SessionFileError,
  SessionInitError,
  type SessionKind,
  UploadNotSupportedError,
} from "./SessionError.js"
export {
  type EventVerbosity,
  isUploadEvent,
  ProfileWritten,
  RowsDropped,
  SessionEvent,
  TokenRefreshed,
  type UploadEvent,
  UploadFailed,
  UploadProgress,
  UploadStarted,
  UploadSucceeded,
  verbosityOf,
  WriteFailed,
} from "./SessionEvent.js"
export { SessionHandle, type Unsubscribe } from "./SessionHandle.js"
export { defaultInit, getCurrentSession, init } from "./SessionInit.js"
export { SessionDefaults, type SessionOptions } from "./SessionOptions.js"
export type { SessionService } from "./SessionService.js"
export type { SessionCredentials, SessionStatus } from "./SessionStatus.js"
export {
  configFilePath,
  type EnvironmentSettings,
  environmentConfig,
  type FileSettings,
  readConfigFile,
  readEnvironment,
  updateConfigFile,
  WHYLABS_SECTION,
  type WhylogsConfigKey,
} from "./WhylogsConfig.js"
