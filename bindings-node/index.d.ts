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

/** A holiday calendar: `Calendar.china()` (the notices 2018–2026) or `Calendar.empty()`. */
export declare class Calendar {
  private constructor()
  static china(): Calendar
  static empty(): Calendar
  /**
   * Loads holiday-cn JSON text: a whole year (`{year, days}`, replacing that notice year)
   * or a bare days list (overriding single dates).
   */
  loadHolidayCn(text: string): void
  /** Whether notice year `year` is loaded (a year no calendar can hold is not). */
  covers(year: number): boolean
  /** The notice years loaded, ascending. */
  get years(): Array<number>
  /** `'normal'`, `'off'`, `'makeup_work'`, or null when the year is not covered. */
  status(date: string): 'normal' | 'off' | 'makeup_work' | null
}

/**
 * The client. Safe to share: calls run concurrently on one connection pool, off the
 * JavaScript thread. Never shows its token.
 */
export declare class Client {
  constructor(options?: ClientOptions & { logger?: Logger } | undefined | null)
  get dialTimeGroups(): DialTimeGroups
  get baseUrl(): string
  get timeoutMs(): number
  get connectTimeoutMs(): number
  /** The deadline of a whole call in milliseconds, or null. */
  get deadlineMs(): number | null
  get maxRetries(): number
}

/** `client.dialTimeGroups`. */
export declare class DialTimeGroups {
  private constructor()
  /**
   * Saves a dial time group for `userId`. The payload is validated first (the promise
   * rejects with `ValidationError` and nothing is sent); the call runs off the JS thread.
   */
  create(userId: string, group: NewDialTimeGroup, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): Promise<DialTimeGroup>
  /** One page of the user's groups (15 per page on the platform). */
  list(userId: string, options?: ListOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): Promise<Page>
  /**
   * Every group of the user, page by page as the iteration needs them:
   * `for await (const group of client.dialTimeGroups.listAll(userId)) …`.
   */
  listAll(userId: string, options?: ScopeOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): AsyncIterable<DialTimeGroup> & GroupCursor
  /** Changes a group: `name` always, every other field only when set. */
  update(userId: string, groupId: number, changes: DialTimeGroupUpdate, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): Promise<DialTimeGroup>
  /** Deletes a group; rejects with `NotFoundError` when it does not exist (in that scope). */
  delete(userId: string, groupId: number, options?: ScopeOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): Promise<void>
  /** Makes the group named `group.name` be exactly `group`: created, updated, or unchanged. */
  ensure(userId: string, group: NewDialTimeGroup, options?: RequestOptions & { signal?: AbortSignal; recorder?: ResponseRecorder } | undefined | null): Promise<EnsureResult>
}

/** A local, in-memory agent-api: `const emu = await Emulator.start()`. */
export declare class Emulator {
  private constructor()
  /**
   * Starts an emulator on 127.0.0.1 (a free port, a random token and user id unless the
   * options say otherwise). A seed group that breaks a rule is a `ValidationError`.
   */
  static start(options?: EmulatorOptions): Promise<Emulator>
  get baseUrl(): string
  get token(): string
  get userId(): string
  /** The test CA's certificate (PEM) of an emulator started with `{tls: true}`, else null. */
  get caPem(): string | null
  /** API requests received so far (control routes are not counted); 0 once stopped. */
  get requestCount(): number
  /** Queues a fault for the next API request(s); returns its id (for `removeFault`). */
  pushFault(fault: FaultOptions): number
  /**
   * Queues a fault and returns a handle whose `remove()` takes back what requests have not
   * used up: `const outage = emu.fault({status: 503}); try { … } finally { outage.remove() }`
   * (or `emu.withFault(fault, fn)`).
   */
  fault(fault: FaultOptions): ScopedFault
  /**
   * Removes a queued fault; false when requests used it up already (or no fault had the
   * id).
   */
  removeFault(id: number): boolean
  /** How many requests the queued faults would still apply to. */
  get pendingFaults(): number
  /** Every API request received so far, oldest first; the token never appears. */
  requests(): Array<RecordedRequest>
  /** The last API request, or null. */
  get lastRequest(): RecordedRequest | null
  /** Empties the request log (`requestCount` keeps counting). */
  clearRequests(): void
  /** The sub-accounts requests may name, or null (any). */
  get subUsers(): Array<string> | null
  clearFaults(): void
  /** Stops the server (idempotent); resolves once the port is closed. */
  stop(): Promise<void>
}

/**
 * The walk `listAll` returns; async-iterable (`for await`). `nextGroup()` resolves to the
 * next group, or `null` at the end. After a rejection the walk is over (later calls resolve
 * to `null`): start a new `listAll` to try again. A `signal` given to `listAll` cancels every
 * page fetch of the walk once aborted.
 */
export declare class GroupCursor {
  private constructor()
  nextGroup(): Promise<DialTimeGroup | null>
}

/**
 * Receives the answer of every successful call given it as `{ recorder }`:
 * `const rec = new ResponseRecorder(); await groups.create(u, g, { recorder: rec });
 * rec.last.requestId`.
 */
export declare class ResponseRecorder {
  constructor()
  /** The last successful call's answer, or null. */
  get last(): ResponseInfo | null
  /** The last answer, leaving the recorder empty. */
  take(): ResponseInfo | null
}

/** A group's dialing schedule, evaluated offline. */
export declare class Schedule {
  /**
   * `group`: anything with the group's `content` and `skip_holiday` (a saved group, a
   * payload). Throws `ValidationError` naming the field for bad content or zone.
   */
  constructor(group: { content: DaySchedule[]; skip_holiday: boolean }, options?: ScheduleOptions & { calendar?: Calendar } | undefined | null)
  /** Whether dialing is allowed at `at`. */
  isOpenAt(at: Date | string): boolean
  /**
   * The first open `{start, end}` whose end is after `at` (unclipped: `start <= at` means
   * open now), or null within 370 days / the calendar's coverage.
   */
  nextWindow(at: Date | string): { start: Date; end: Date } | null
  /**
   * The first instant at or after `at` when the dialer may call (`at` itself while a
   * window is open), or null as for `nextWindow`.
   */
  nextAllowedInstant(at: Date | string): Date | null
  /**
   * The open `{start, end}` intervals within `[from, to)`, sorted, merged, clipped. A range
   * longer than 3660 days, or one that could hold more than 100,000 windows, is a
   * `ValidationError` (query it in parts).
   */
  windows(from: Date | string, to: Date | string): Array<{ start: Date; end: Date }>
  /** The total open time within `[from, to)`, in milliseconds. */
  openDurationMs(from: Date | string, to: Date | string): number
  /** Why local `date` (`"YYYY-MM-DD"`, in the schedule's zone) has the windows it has. */
  day(date: string): ScheduleDay
  /** `"zh"` (default) or `"en"`. */
  summary(lang?: string | undefined | null): string
  /** The IANA name of the zone. */
  get zone(): string | null
}

/**
 * `emu.fault(…)`: a queued fault that `remove()` (or `using`, where `Symbol.dispose`
 * exists) takes back, so one test's faults never reach the next.
 */
export declare class ScopedFault {
  private constructor()
  get id(): number
  /** Removes what requests have not used up; false when nothing was left. */
  remove(): boolean
}

/** `new Client(options)`; every option defaults from the environment or the core. */
export interface ClientOptions {
  /** Default: `DIALTIME_TOKEN`. */
  token?: string
  /** Default: `DIALTIME_BASE_URL`, else the platform's public URL. */
  baseUrl?: string
  /** The longest one attempt may take, in milliseconds. Default 30000. */
  timeoutMs?: number
  /** The longest connecting may take, in milliseconds. Default 10000. */
  connectTimeoutMs?: number
  /**
   * The longest a whole call may take (attempts, backoff, Retry-After waits), in
   * milliseconds. Default: none.
   */
  deadlineMs?: number
  /** Retries of failures that are safe to retry. Default 2. */
  maxRetries?: number
  /** Extra root certificates (PEM), e.g. an on-premises CA: at most 256 texts, 8 MiB in all. */
  rootCertificatesPem?: string | Array<string>
  /** Trust only `rootCertificatesPem`, not the built-in roots. Default false. */
  trustOnlyRootCertificates?: boolean
  /** Send every request through this proxy (`http://host:port`), loopback included. */
  proxy?: string
  /** Ignore `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`. Default false. */
  ignoreEnvProxy?: boolean
  /**
   * Headers sent with every request (e.g. a tenant header): an object, or [name, value]
   * pairs (a `Map`, a `Headers`, an array of pairs; index.js reads them as an object).
   */
  defaultHeaders?: Record<string, string> | Iterable<readonly [string, string]>
  /** Appended to the user agent: `dialtime/<v> (node) <suffix>`. */
  userAgentSuffix?: string
}

/** The ranges of one weekday; `week` 0 = Sunday … 6 = Saturday (a `Weekday`). */
export interface DaySchedule {
  week: Weekday | number
  times: Array<TimeRange>
}

/**
 * A saved group, as the platform returns it. `created_at`/`updated_at` are `Date`s (the
 * instants the platform means: China time); `created_at_text`/`updated_at_text` are the same
 * as ISO 8601 with the +08:00 offset. Each is null where the platform has no time for the
 * group (none sent, `null`, or MySQL's zero date).
 */
export interface DialTimeGroup {
  id: number
  name: string
  user_id: string
  content: Array<DaySchedule>
  is_default: boolean
  skip_holiday: boolean
  remark: string | null
  created_at: Date | null
  updated_at: Date | null
  /** `created_at` as ISO 8601 with its offset, `2026-12-01T14:54:23+08:00`, or null. */
  created_at_text: string | null
  /** `updated_at` as ISO 8601 with its offset, or null. */
  updated_at_text: string | null
}

/** Changes to a saved group: `name` always, every other field only when set. */
export interface DialTimeGroupUpdate {
  name: string
  content?: Array<DaySchedule>
  is_default?: boolean
  skip_holiday?: boolean
  sub_user_id?: string
}

/** `Emulator.start(options)`; every key is optional (an unknown one is a `TypeError`). */
export interface EmulatorOptions {
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number
  /** The token clients must send. Default: `DIALTIME_EMULATOR_TOKEN`, else a random one. */
  token?: string
  /** The user whose groups the emulator keeps (a UUID). Default: a random one. */
  userId?: string
  /** The sub-accounts requests may name (others get 403). Default: any. */
  subUsers?: Array<string>
  /**
   * Groups saved before the first request, as save payloads (ids 1, 2, … in order), or
   * the JSON text of that array.
   */
  groups?: Array<NewDialTimeGroup | Record<string, unknown>> | string
  /** How many requests `requests()` keeps, the most recent (default 10000). */
  requestLogLimit?: number
  /** Serve HTTPS with a certificate issued by a test CA (`caPem`). Default false. */
  tls?: boolean
}

/** What `ensure` did, and the group as it now is. */
export interface EnsureResult {
  group: DialTimeGroup
  outcome: 'created' | 'updated' | 'unchanged'
}

/** One of the core's error kinds: its name (an error's `kind`) and its stable number. */
export interface ErrorKindInfo {
  name: string
  number: number
}

/** The core's error kinds, in number order: what `index.js` must have a class for. */
export declare function errorKinds(): Array<ErrorKindInfo>

/**
 * A fault for the next API request(s), in the emulator's wire format (the body of
 * `POST /_emulator/faults`, snake_case as in every language and in the shared vectors).
 */
export interface FaultOptions {
  /** Answer with this HTTP status (and the platform's error envelope). */
  status?: number
  /** The envelope's `code` (default: `status`); with status 200, an error envelope in a 200. */
  code?: number
  message?: string
  /** Answer with this raw body instead. */
  body?: string
  /** Send this `Retry-After` header. */
  retry_after?: string
  /** Wait this long first. */
  delay_ms?: number
  /** Close the connection without answering. */
  drop?: boolean
  /** Answer with this `Content-Type`. */
  content_type?: string
  /** Pad the body with trailing spaces to this many bytes. */
  pad_to_bytes?: number
  /** Send half of the announced body, then close the connection. */
  truncate?: boolean
  /** Extra response headers (`{"retry-after-ms": "250"}`). */
  headers?: Record<string, string>
  /** Only requests of this method (`"POST"`) take the fault. */
  method?: string
  /** How many requests it applies to (default 1). */
  times?: number
}

/** Which page to read (`page` default 1) and for which sub-account. */
export interface ListOptions {
  /** 1-based; an integer (checked, never truncated). */
  page?: number
  /** The sub-account whose groups to read (a UUID). */
  subUserId?: string
  /** Per-call override: the longest one attempt may take, in milliseconds. */
  timeoutMs?: number
  /** Per-call override: the longest the whole call may take, in milliseconds. */
  deadlineMs?: number
  /** Per-call override: how often the call may be retried. */
  maxRetries?: number
}

/** The `logger` option: an object with both methods (`console` is one). */
export interface Logger {
  /** Receives every attempt. */
  debug: (message: string) => void
  /** Receives attempts that failed and are retried. */
  info: (message: string) => void
}

/** A group to save, exactly as in the platform's docs. */
export interface NewDialTimeGroup {
  name: string
  content: Array<DaySchedule>
  is_default: boolean
  skip_holiday: boolean
  sub_user_id?: string
}

/** One page of a list, with the platform's pagination (`null` where it sent none). */
export interface Page {
  data: Array<DialTimeGroup>
  /** The page number (1-based). */
  currentPage: number
  /** The last page number, or null when the platform did not say. */
  lastPage: number | null
  /** The page size, or null. */
  perPage: number | null
  /** How many groups in all, or null. */
  total: number | null
  /** Whether a later page may hold more groups. */
  hasMore: boolean
}

/** One API request as the emulator received it. */
export interface RecordedRequest {
  method: string
  /** The URL path, ids included. */
  path: string
  /** The query parameters, percent-decoded. */
  query: Record<string, string>
  /** Header names in lower case; `authorization` is `'[present]'`, never the token. */
  headers: Record<string, string>
  /** Whether the request carried the emulator's token. */
  authorized: boolean
  /**
   * The JSON body, or null; `unknown` in TypeScript: narrow it before reading a field
   * (`(r.body as { name: string }).name`; plain JavaScript reads `r.body.name`).
   */
  body: unknown
  /** A body that is not JSON, as text; else absent. */
  bodyText?: string
  /** When it arrived (RFC 3339, UTC): `new Date(r.time)`. */
  time: string
  /** The `x-request-id` the emulator answered with (`'emu-1'` for the first request). */
  requestId: string
}

/**
 * Per-call overrides, the last argument of `create`, `update` and `ensure` (and part of
 * the options of `list`, `listAll` and `delete`).
 */
export interface RequestOptions {
  /** The longest one attempt of this call may take, in milliseconds. */
  timeoutMs?: number
  /** The longest this whole call may take, in milliseconds. */
  deadlineMs?: number
  /** How often this call may be retried. */
  maxRetries?: number
}

/** The answer to a successful call. The token never appears. */
export interface ResponseInfo {
  /** The HTTP status (200 for the platform's success envelopes). */
  httpStatus: number
  /** The answer's request id (`x-request-id`, `x-trace-id`, …), when the platform sent one. */
  requestId?: string
  /** The answer's headers, names in lower case (the first value of a repeated one). */
  headers: Record<string, string>
  /** How many attempts the call took (1 unless it was retried). */
  attempts: number
  /** From the start of the call to the answer, waits included, in milliseconds. */
  elapsedMs: number
  method: string
  /** The URL path called, ids included; never the query. */
  path: string
}

/** What `Schedule.day` returns. */
export interface ScheduleDay {
  /** `"YYYY-MM-DD"`. */
  date: string
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  status: 'normal' | 'off' | 'makeup_work' | 'not_covered'
  /** The holiday's or make-up day's name; `null` on other days (always present). */
  festival?: string | null
  holidaysApplied: boolean
  /** The weekday whose windows apply (a make-up workday's), or `null`. */
  windowsOf?: number | null
  windows: Array<TimeRange>
  intervals: Array<{ start: Date; end: Date }>
}

/** `new Schedule(group, options)` options; every one has a default. */
export interface ScheduleOptions {
  /** An IANA zone name. Default `Asia/Shanghai`. */
  zone?: string
  /** The weekday (0 = Sunday) whose windows every make-up workday uses. Default: its own. */
  makeupAs?: number
  /** Treat uncovered years as holiday-free instead of failing. Default false. */
  assumeNoHolidays?: boolean
}

/** Which sub-account a call acts on. */
export interface ScopeOptions {
  /** The sub-account (a UUID). */
  subUserId?: string
  /** Per-call override: the longest one attempt may take, in milliseconds. */
  timeoutMs?: number
  /** Per-call override: the longest the whole call may take, in milliseconds. */
  deadlineMs?: number
  /** Per-call override: how often the call may be retried. */
  maxRetries?: number
}

/** One calling window `[begin_time, end_time)`, times `HH:MM` (`24:00` = end of day). */
export interface TimeRange {
  begin_time: string
  end_time: string
}

/** Checks a payload against every rule; throws `ValidationError` listing every problem. */
export declare function validate(payload: NewDialTimeGroup): void

/** The crate version, as sent in the user agent. */
export declare const VERSION: string

/**
 * A day of the week as the platform numbers it (`Weekday.Sunday === 0` … `Saturday === 6`,
 * unlike `Date.getDay()`… which happens to agree); plain numbers are accepted too.
 */
export declare enum Weekday {
  Sunday = 0,
  Monday = 1,
  Tuesday = 2,
  Wednesday = 3,
  Thursday = 4,
  Friday = 5,
  Saturday = 6,
}
