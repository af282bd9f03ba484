'use strict'
// The errors dialtime throws and rejects with. Every one is a DialtimeError whose `kind` is
// the core's error kind ('validation', 'rate_limited', …); the native module creates them
// through `fromNative` (src/error.rs), choosing the class by that kind, so no list of kinds
// is typed here (test/names.test.js checks every core kind has its class). Attribute names
// are README's "Names across languages": kind, httpStatus, envelopeCode, message, apiMessage,
// problems, bodyExcerpt, retryAfterMs; and what the call did: method, path, attempts,
// elapsedMs, deadlinePassed, requestId, headers. Messages never contain the token.

class DialtimeError extends Error {
  constructor(message, details = {}) {
    super(message)
    this.name = new.target.name
    const d = details ?? {}
    /** Every problem, in payload order: `{ path: 'content[1].times[0].end_time', message }`. */
    this.problems = d.problems ?? []
    /** The HTTP status of the answer, or null. */
    this.httpStatus = d.httpStatus ?? null
    /** The envelope's `code`, or null. */
    this.envelopeCode = d.envelopeCode ?? null
    /** The platform's own message, or null. */
    this.apiMessage = d.apiMessage ?? null
    /** The start of the raw answer (never with the token), or null. */
    this.bodyExcerpt = d.bodyExcerpt ?? null
    /** Milliseconds the server asked to wait (`Retry-After`), or null. */
    this.retryAfterMs = d.retryAfterMs ?? null
    /** The HTTP method of the call ('GET', …), or null. */
    this.method = d.method ?? null
    /** The URL path called (ids included, never the query), or null. */
    this.path = d.path ?? null
    /** How many attempts were made, or null. */
    this.attempts = d.attempts ?? null
    /** Milliseconds from the start of the call to the error, or null. */
    this.elapsedMs = d.elapsedMs ?? null
    /** Whether the deadline ended the call. */
    this.deadlinePassed = d.deadlinePassed ?? false
    /** The request id of the platform's last answer, or null. */
    this.requestId = d.requestId ?? null
    /** The error answer's headers (lower-case names). */
    this.headers = d.headers ?? {}
    /** For a CalendarNotCoveredError: the year the holiday calendar does not cover. */
    this.year = d.year ?? null
  }
}
/** A bug in dialtime caught at the boundary. */
DialtimeError.kind = 'internal'

/** The payload breaks the platform's rules; nothing was sent. */
class ValidationError extends DialtimeError {}
ValidationError.kind = 'validation'

/** The platform answered with an error. */
class APIError extends DialtimeError {}
APIError.kind = 'api'

/** 401 or 403. */
class AuthenticationError extends APIError {}
AuthenticationError.kind = 'authentication'

/** 404. */
class NotFoundError extends APIError {}
NotFoundError.kind = 'not_found'

/** 429, after the client's own retries. */
class RateLimitError extends APIError {}
RateLimitError.kind = 'rate_limited'

/** 5xx. */
class ServerError extends APIError {}
ServerError.kind = 'server'

/** The connection could not be made or broke before an answer arrived. */
class APIConnectionError extends DialtimeError {}
APIConnectionError.kind = 'connection'

/** No complete answer within `timeoutMs`. */
class APITimeoutError extends APIConnectionError {}
APITimeoutError.kind = 'timeout'

/** The answer was not the documented shape. */
class DecodeError extends DialtimeError {}
DecodeError.kind = 'decode'

/** The client is misconfigured (no token, bad base URL or timeout). */
class ConfigError extends DialtimeError {}
ConfigError.kind = 'config'

/** A schedule query with skip_holiday touched a year the holiday calendar does not cover. */
class CalendarNotCoveredError extends DialtimeError {}
CalendarNotCoveredError.kind = 'calendar_not_covered'

const classes = {
  DialtimeError,
  ValidationError,
  APIError,
  AuthenticationError,
  NotFoundError,
  RateLimitError,
  ServerError,
  APIConnectionError,
  APITimeoutError,
  DecodeError,
  ConfigError,
  CalendarNotCoveredError,
}
// `kind` as an instance property too (e.kind), read-only, from the class.
for (const C of Object.values(classes)) {
  Object.defineProperty(C.prototype, 'kind', { get() { return this.constructor.kind }, enumerable: true })
}
const byKind = new Map(Object.values(classes).map((C) => [C.kind, C]))

/** Called by the native module only: the instance of the class standing for `kind`. */
function fromNative(kind, message, details) {
  const Class = byKind.get(kind) ?? DialtimeError
  return new Class(message, details)
}

module.exports = { ...classes, fromNative }
