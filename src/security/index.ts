/**
 * @module security
 * Secret encryption at rest, the outbound (SSRF) guard, and redaction of logs and step data.
 */
export { loadSecretKey, SecretBox } from './secrets.js';
export { isPrivateAddress, assertUrlAllowed, guardedLookup, addressAllowed, type PrivateAccess, type GuardedLookup } from './ssrf.js';
export { guardedDispatcher, closeGuardedDispatchers, type GuardOptions } from './dispatcher.js';
export { safeFetch, displayUrl, readUpTo, type SafeFetchOptions, type SafeResponse } from './fetch.js';
export { REDACTED, REDACT_PATHS, REDACT_OPTIONS, redactHeaders, scrubSecrets, makeScrubber } from './redact.js';
export { rememberSecrets, scrubText, scrubKnown, forgetSecrets } from './known-secrets.js';
