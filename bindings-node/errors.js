'use strict'
// The errors dialtime throws and rejects with. Every one is a DialtimeError with a stable
// `code`; the native module creates them through `fromNative` (src/error.rs), so the mapping
// from the core's error kinds happens in one place. Messages never contain the token.

class DialtimeError extends Error {
  constructor(message, options) {
    super(message, options)
    this.name = new.target.name
  }
}
DialtimeError.prototype.code = 'dialtime_error'

/** The payload breaks the platform's rules; nothing was sent. */
class ValidationError extends DialtimeError {
  constructor(message, { errors = [] } = {}) {
    super(message)
    /** Every problem, in payload order: `{ path: 'content[1].times[0].end_time', message }`. */
    this.errors = errors
  }
}
ValidationError.prototype.code = 'validation'

/** The platform answered with an error. */
class APIError extends DialtimeError {
  constructor(message, { status = 0, apiCode = null, message: apiMessage = '', body = '', errors = [] } = {}) {
    super(message)
    this.status = status
    this.apiCode = apiCode
    this.apiMessage = apiMessage
    this.body = body
    this.errors = errors
  }
}
APIError.prototype.code = 'api'

class AuthenticationError extends APIError {}
AuthenticationError.prototype.code = 'authentication'

class NotFoundError extends APIError {}
NotFoundError.prototype.code = 'not_found'

class RateLimitError extends APIError {
  constructor(message, details = {}) {
    super(message, details)
    /** Seconds, from the `Retry-After` header, or null. */
    this.retryAfter = details.retryAfter ?? null
  }
}
RateLimitError.prototype.code = 'rate_limited'

class ServerError extends APIError {}
ServerError.prototype.code = 'server'

/** The connection could not be made or broke before an answer arrived. */
class APIConnectionError extends DialtimeError {}
APIConnectionError.prototype.code = 'connection'

/** No complete answer within `timeoutMs`. */
class APITimeoutError extends APIConnectionError {}
APITimeoutError.prototype.code = 'timeout'

/** The answer was not the documented shape. */
class DecodeError extends DialtimeError {
  constructor(message, { status = 0, body = '' } = {}) {
    super(message)
    this.status = status
    this.body = body
  }
}
DecodeError.prototype.code = 'decode'

/** The client is misconfigured (no token, bad base URL or timeout). */
class ConfigError extends DialtimeError {}
ConfigError.prototype.code = 'config'

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
}

/** Called by the native module only. */
function fromNative(className, message, details) {
  const Class = classes[className] ?? DialtimeError
  return new Class(message, details)
}

module.exports = { ...classes, fromNative }
