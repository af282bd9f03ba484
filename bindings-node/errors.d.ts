/* dialtime: the error classes (errors.js) — the header of the generated index.d.ts */

/** One problem of a payload: `{ path: 'content[1].times[0].end_time', message }`. */
export interface Problem {
  path: string
  message: string
}

/** Base class of every dialtime error; `code` is stable. */
export declare class DialtimeError extends Error {
  readonly code: 'dialtime_error' | 'validation' | 'api' | 'authentication' | 'not_found' | 'rate_limited' | 'server' | 'connection' | 'timeout' | 'decode' | 'config'
}
/** The payload breaks the platform's rules; nothing was sent. */
export declare class ValidationError extends DialtimeError {
  readonly code: 'validation'
  /** Every problem, in payload order. */
  readonly errors: Problem[]
}
/** The platform answered with an error. */
export declare class APIError extends DialtimeError {
  readonly code: 'api' | 'authentication' | 'not_found' | 'rate_limited' | 'server'
  /** The HTTP status. */
  readonly status: number
  /** The envelope's `code`, when present. */
  readonly apiCode: number | null
  /** The platform's own message. */
  readonly apiMessage: string
  /** The start of the raw answer. */
  readonly body: string
  /** The field errors the platform listed. */
  readonly errors: Problem[]
}
/** 401 or 403. */
export declare class AuthenticationError extends APIError {
  readonly code: 'authentication'
}
/** 404. */
export declare class NotFoundError extends APIError {
  readonly code: 'not_found'
}
/** 429, after the client's own retries. */
export declare class RateLimitError extends APIError {
  readonly code: 'rate_limited'
  /** Seconds, from the `Retry-After` header, or null. */
  readonly retryAfter: number | null
}
/** 5xx. */
export declare class ServerError extends APIError {
  readonly code: 'server'
}
/** The connection could not be made or broke before an answer arrived. */
export declare class APIConnectionError extends DialtimeError {
  readonly code: 'connection' | 'timeout'
}
/** No complete answer within `timeoutMs`. */
export declare class APITimeoutError extends APIConnectionError {
  readonly code: 'timeout'
}
/** The answer was not the documented shape. */
export declare class DecodeError extends DialtimeError {
  readonly code: 'decode'
  readonly status: number
  readonly body: string
}
/** The client is misconfigured: no token, bad base URL or timeout. */
export declare class ConfigError extends DialtimeError {
  readonly code: 'config'
}
