/* dialtime: the error classes (index.js) — the header of the generated index.d.ts */

/** Added to the native `Emulator` class by index.js (declaration merging). */
export interface Emulator {
  /**
   * Queues `fault`, runs `fn`, then removes what `fn`'s requests did not use up, however `fn`
   * ends: one test's faults never reach the next.
   */
  withFault<T>(fault: FaultOptions, fn: () => T | Promise<T>): Promise<T>
}

/** `listAll()`'s cursor is async iterable, `for await (const group of cursor)` (index.js). */
export interface GroupCursor extends AsyncIterable<DialTimeGroup> {}

/** One problem of a payload: `{ path: 'content[1].times[0].end_time', message }`. */
export interface Problem {
  path: string
  message: string
}

/** The core's error kinds (`dialtime.errorKinds()`), plus 'internal' for a bug caught at the boundary. */
export type ErrorKind =
  | 'validation'
  | 'authentication'
  | 'not_found'
  | 'rate_limited'
  | 'api'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'decode'
  | 'config'
  | 'calendar_not_covered'
  | 'internal'

/**
 * Base class of every dialtime error. The attributes are those of README "Names across
 * languages"; `message` is the full text, `apiMessage` the platform's own.
 */
export declare class DialtimeError extends Error {
  static readonly kind: ErrorKind
  readonly kind: ErrorKind
  /** Every problem, in payload order (client-side rules, or the server's field errors). */
  readonly problems: Problem[]
  /** The HTTP status of the answer, or null. */
  readonly httpStatus: number | null
  /** The envelope's `code`, or null. */
  readonly envelopeCode: number | null
  /** The platform's own message, or null. */
  readonly apiMessage: string | null
  /** The start of the raw answer (never with the token), or null. */
  readonly bodyExcerpt: string | null
  /** Milliseconds the server asked to wait (`Retry-After`), or null. */
  readonly retryAfterMs: number | null
  /** The HTTP method of the failed call ('GET', …), or null. */
  readonly method: string | null
  /** The URL path the call used (ids included, never the query), or null. */
  readonly path: string | null
  /** How many attempts the call made, or null. */
  readonly attempts: number | null
  /** Milliseconds from the start of the call to the error, or null. */
  readonly elapsedMs: number | null
  /** Whether the deadline ended the call. */
  readonly deadlinePassed: boolean
  /**
   * A failed write may still have been made: an attempt got no answer (a timeout, a connection
   * lost after sending), a gateway's 502/504 or a 2xx that could not be read. Before sending it
   * again (`create` is not retried once it may have reached the server), list to see whether
   * it was. False for reads and for errors not of a call.
   */
  readonly mayHaveBeenApplied: boolean
  /** The request id of the platform's last answer, or null. */
  readonly requestId: string | null
  /** The error answer's headers (lower-case names). */
  readonly headers: Record<string, string>
  /** For a CalendarNotCoveredError: the year the calendar does not cover, else null. */
  readonly year: number | null
  /**
   * Made by dialtime; in a test (a mock's rejection), by hand: `details` sets the attributes
   * above (camelCase names) and `cause`.
   */
  constructor(message?: string, details?: DialtimeErrorDetails)
}
/** What `new DialtimeError(message, details)` sets; every key is optional. */
export interface DialtimeErrorDetails {
  problems?: Problem[]
  httpStatus?: number | null
  envelopeCode?: number | null
  apiMessage?: string | null
  bodyExcerpt?: string | null
  retryAfterMs?: number | null
  method?: string | null
  path?: string | null
  attempts?: number | null
  elapsedMs?: number | null
  deadlinePassed?: boolean
  mayHaveBeenApplied?: boolean
  requestId?: string | null
  headers?: Record<string, string>
  year?: number | null
  /** The error this one is about (`err.cause`). */
  cause?: unknown
}
/** The payload breaks the platform's rules; nothing was sent. */
export declare class ValidationError extends DialtimeError {
  readonly kind: 'validation'
}
/** The platform answered with an error. */
export declare class APIError extends DialtimeError {
  readonly kind: 'api' | 'authentication' | 'not_found' | 'rate_limited' | 'server'
}
/** 401 or 403. */
export declare class AuthenticationError extends APIError {
  readonly kind: 'authentication'
}
/** 404. */
export declare class NotFoundError extends APIError {
  readonly kind: 'not_found'
}
/** 429, after the client's own retries. */
export declare class RateLimitError extends APIError {
  readonly kind: 'rate_limited'
}
/** 5xx. */
export declare class ServerError extends APIError {
  readonly kind: 'server'
}
/** The connection could not be made or broke before an answer arrived. */
export declare class APIConnectionError extends DialtimeError {
  readonly kind: 'connection' | 'timeout'
}
/** No complete answer within `timeoutMs`. */
export declare class APITimeoutError extends APIConnectionError {
  readonly kind: 'timeout'
}
/** The answer was not the documented shape. */
export declare class DecodeError extends DialtimeError {
  readonly kind: 'decode'
}
/** The client is misconfigured: no token, bad base URL or timeout. */
export declare class ConfigError extends DialtimeError {
  readonly kind: 'config'
}
/** A schedule query with skip_holiday touched a year the holiday calendar does not cover (`year`). */
export declare class CalendarNotCoveredError extends DialtimeError {
  readonly kind: 'calendar_not_covered'
}
