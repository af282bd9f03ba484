'use strict'
// dialtime for Node.js, in one file: the error classes, the loader of the native module (Rust,
// napi-rs) and what JavaScript adds to its classes. One file because require() pays for each:
// reading, compiling and the loader's bookkeeping took 0.5 ms more for three files than for
// this one (README "Speed"; require('dialtime') is meant to stay under 2 ms).

// ---- Errors ----------------------------------------------------------------------------------
// The errors dialtime throws and rejects with. Every one is a DialtimeError whose `kind` is
// the core's error kind ('validation', 'rate_limited', …); the native module creates them
// through `fromNative` (src/error.rs), choosing the class by that kind, so no list of kinds
// is typed here (test/names.test.js checks every core kind has its class). Attribute names
// are README's "Names across languages": kind, httpStatus, envelopeCode, message, apiMessage,
// problems, bodyExcerpt, retryAfterMs; and what the call did: method, path, attempts,
// elapsedMs, deadlinePassed, mayHaveBeenApplied, requestId, headers. Messages never contain
// the token.

class DialtimeError extends Error {
  constructor(message, details = {}) {
    const d = details ?? {}
    // `cause` as Error's own (ES2022), where given: a mock's `new NotFoundError('x', { cause })`.
    super(message, d.cause === undefined ? undefined : { cause: d.cause })
    this.name = new.target.name
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
    /** Whether a failed write may still have been made (no answer, a 502/504, an unread 2xx). */
    this.mayHaveBeenApplied = d.mayHaveBeenApplied ?? false
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

// `kind` as an instance property too (e.kind), read-only, from the class.
Object.defineProperty(DialtimeError.prototype, 'kind', {
  get() {
    return this.constructor.kind
  },
  enumerable: true,
})
// The error classes by kind, filled from the exports at the end of this file.
const byKind = new Map()

/** Called by the native module only: the instance of the class standing for `kind`. */
function fromNative(kind, message, details) {
  const Class = byKind.get(kind) ?? DialtimeError
  const error = new Class(message, details)
  // Where the call threw at once, its stack starts at the caller, not here.
  Error.captureStackTrace(error, fromNative)
  return error
}

// ---- Loader ----------------------------------------------------------------------------------
// The native addon: a local build next to this file (`napi build`, a checkout), else the
// per-platform package npm installed as an optional dependency (dialtime-linux-x64-gnu, …).
// Where npm, pnpm and yarn's node_modules put that package, the addon is found by its path, a
// stat or two (resolving the package by name costs about 0.2 ms), and opened with
// process.dlopen (what require() does for a .node file, without its resolution and realpath:
// 0.2 ms less). Resolution by name stays the fallback for any other layout (Plug'n'Play, …).
//
// process.getBuiltinModule (Node 20.16+): the first require() of a builtin in a process
// builds that module's ESM facade (0.07 ms, saved where dialtime is the first to load fs, as in
// a small script). require() stays a literal call, which bundlers resolve. path.join is
// avoided too (the first call in a process took 0.06 ms): the addon's paths are __dirname
// (absolute and normalized) and names.
//
// The functions that run while the module loads (here and `weekdays`, `exported` below) are
// parenthesized: V8 compiles such a function with the file instead of at its first call,
// which re-parsed it for 0.06 ms each in Node 20 (0.5 ms of require() for nine of them).
// The other functions run at a call, not at require(), and stay lazily compiled.
const fs = process.getBuiltinModule ? process.getBuiltinModule('node:fs') : require('node:fs')
const path = process.getBuiltinModule ? process.getBuiltinModule('node:path') : require('node:path')

/** `dir` and `names` joined by the platform's separator. */
const under = (function under(dir, ...names) {
  return (dir.endsWith(path.sep) ? dir : dir + path.sep) + names.join(path.sep)
})

// musl's dynamic loader has one name per architecture (glibc systems have none of them).
const MUSL_LOADER = { x64: '/lib/ld-musl-x86_64.so.1', arm64: '/lib/ld-musl-aarch64.so.1' }

const isMusl = (function isMusl(arch = process.arch) {
  const loader = MUSL_LOADER[arch]
  return loader !== undefined && fs.existsSync(loader)
})

/** The package name for this platform, or null when dialtime is not built for it. */
const platformPackage = (function platformPackage(platform = process.platform, arch = process.arch, musl = isMusl) {
  switch (`${platform}-${arch}`) {
    case 'linux-x64':
      return musl(arch) ? 'dialtime-linux-x64-musl' : 'dialtime-linux-x64-gnu'
    case 'linux-arm64':
      return musl(arch) ? 'dialtime-linux-arm64-musl' : 'dialtime-linux-arm64-gnu'
    case 'darwin-x64':
      return 'dialtime-darwin-x64'
    case 'darwin-arm64':
      return 'dialtime-darwin-arm64'
    case 'win32-x64':
      return 'dialtime-win32-x64-msvc'
    default:
      return null
  }
})

/**
 * Where the addon is: `{ file }` when found by its path, else `{ pkg }`, the platform
 * package to resolve by name. `musl` guesses the libc (a test passes a wrong guess).
 */
const locate = (function locate(musl = isMusl) {
  const local = under(__dirname, 'dialtime.node')
  if (fs.existsSync(local)) return { file: local }
  const pkg = platformPackage(process.platform, process.arch, musl)
  if (pkg === null) {
    throw new Error(
      `dialtime has no native build for ${process.platform}-${process.arch} ` +
        '(built for linux x64/arm64 glibc and musl, macOS x64/arm64, Windows x64)',
    )
  }
  // npm installs the package of the system's libc (its `libc` field): where the guess by
  // musl's loader file is wrong (a glibc system with musl installed), the other one is found.
  // (String operations: a regular expression costs require() 0.05 ms to compile.)
  const libc = pkg.endsWith('-gnu') ? '-gnu' : pkg.endsWith('-musl') ? '-musl' : null
  const other = libc === null ? pkg : pkg.slice(0, -libc.length) + (libc === '-gnu' ? '-musl' : '-gnu')
  for (const name of other === pkg ? [pkg] : [pkg, other]) {
    // The package's own node_modules, then its siblings': the order of Node's resolution.
    const file = `dialtime.${name.slice('dialtime-'.length)}.node`
    for (const dir of [under(__dirname, 'node_modules'), path.dirname(__dirname)]) {
      const addon = under(dir, name, file)
      if (fs.existsSync(addon)) return { file: addon }
    }
  }
  return { pkg }
})

/** The native module's exports. */
const load = (function load(musl = isMusl) {
  const { file, pkg } = locate(musl)
  if (file !== undefined) return dlopen(file)
  try {
    return require(pkg)
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(pkg)) {
      const { version } = require('./package.json')
      throw new Error(
        `dialtime: the native package ${pkg} for this platform is not installed. npm installs ` +
          'it as an optional dependency: reinstall without --omit=optional / --no-optional, ' +
          `and on the machine that runs the code (not copied from another platform), or add it: ` +
          `npm install ${pkg}@${version}`,
      )
    }
    throw e
  }
})

/**
 * What require() does for a .node file once it is resolved: opens it once per path and keeps
 * it in the module cache, so a later load of index.js (a cleared require cache) gets the same
 * native module and the addon is registered once. require() itself where `module` is not
 * Node's own (Jest, a bundler's wrapper) or a policy manifest must check the file.
 */
const dlopen = (function dlopen(file) {
  const Module = module.constructor
  if (typeof Module !== 'function' || typeof Module._extensions !== 'object' || policy()) {
    return require(file)
  }
  const cached = require.cache[file]
  if (cached !== undefined) return cached.exports
  const addon = new Module(file, module)
  addon.filename = file
  process.dlopen(addon, path.toNamespacedPath(file))
  addon.loaded = true
  require.cache[file] = addon
  return addon.exports
})

/** Whether Node checks loaded files against a policy manifest (Node 18 to 21). */
const policy = (function policy() {
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`
  return given.includes('--experimental-policy') || given.includes('--policy-integrity')
})

// ---- Saved groups ------------------------------------------------------------------------------
// The addon returns every saved group through this function (src/js.rs): an object literal is
// the fastest object V8 makes, where napi's property definitions looked up every key of every
// object (the largest share of settling a call). `content` comes flat: `[week, count, begin,
// end, …]` per day. Like the addon's own objects, the groups use the Date of load time and no
// method an application could have replaced (Array.prototype.push, a fake global Date).
const NativeDate = Date

function makeGroup(id, name, userId, flat, isDefault, skipHoliday, remark, created, updated, createdText, updatedText) {
  const content = []
  let i = 0
  while (i < flat.length) {
    const week = flat[i]
    const count = flat[i + 1]
    i += 2
    const times = []
    for (let j = 0; j < count; j++, i += 2) times[j] = { begin_time: flat[i], end_time: flat[i + 1] }
    content[content.length] = { week, times }
  }
  return {
    id,
    name,
    user_id: userId,
    content,
    is_default: isDefault,
    skip_holiday: skipHoliday,
    remark,
    created_at: created === null ? null : new NativeDate(created),
    updated_at: updated === null ? null : new NativeDate(updated),
    created_at_text: createdText,
    updated_at_text: updatedText,
  }
}

// ---- Payloads --------------------------------------------------------------------------------
// The addon reads a payload as JSON.stringify makes it (src/validate.rs). An array far longer
// than the items it holds (`a[1e8] = x`) costs JavaScript nothing, but stringifies to
// "null,null,…": gigabytes and seconds with this thread blocked. A scan copies plain objects
// and arrays within the limit, and the copy is stringified: each value is read once, so a
// getter or a Proxy cannot show the scan one thing and stringify another (a sparse array of
// 2e7 given to stringify only blocked this thread 4 s). Anything else (a class instance, a
// toJSON, an array subclass or one over the limit, deep nesting) goes through a replacer
// that stops at such an array and names its path. NaN and ±Infinity, which
// stringify writes as null (reported as "is required"), are collected by the replacer with
// their paths, and the addon reports them. One object repeated many times (`Array(200).fill(day)` of a day of
// 10,000 windows: a few KB here, two million values stringified) stops both at `maxValues`
// values, one string repeated (`Array(9000).fill(text)` of 50 KB: 450 MB stringified) at
// `maxText` units of strings and keys, the replacer naming where.
// Those of load time: an application's replacement is not what reads the payload.
const { getPrototypeOf, keys: keysOf } = Object
const { stringify } = JSON
let maxItems = 0
let maxValues = 0
let maxText = 0
let seen = 0
let chars = 0

function plain(value, depth) {
  if (depth > 64 || (seen += 1) > maxValues) return undefined
  if (Array.isArray(value)) {
    // An array's own toJSON (or a subclass's) is stringify's to call: the replacer sees what
    // it returns.
    if (getPrototypeOf(value) !== Array.prototype || value.toJSON !== undefined) return undefined
    // Read once; a Proxy's may be anything (a string made `seen` a string and every limit
    // false).
    const length = value.length
    if (typeof length !== 'number' || !(length >= 0 && length <= maxItems) || length % 1 !== 0) return undefined
    // Every item counts, numbers and strings too (`Array(1000).fill(Array(10000).fill(1))`).
    if ((seen += length) > maxValues) return undefined
    const copy = []
    for (let i = 0; i < length; i++) {
      const item = copied(value[i], depth)
      if (item === NOT_PLAIN) return undefined
      copy[i] = item
    }
    return copy
  }
  if (getPrototypeOf(value) !== Object.prototype || typeof value.toJSON === 'function') return undefined
  // Spread reads each own enumerable property once and defines it on the copy (no setter an
  // application put on Object.prototype runs); the copy's own names are what stringify reads.
  const copy = { ...value }
  for (const key of keysOf(copy)) {
    // A `toJSON` getter answering undefined to the check above and a function now.
    if ((seen += 1) > maxValues || (chars += key.length) > maxText || key === 'toJSON') return undefined
    const item = copy[key]
    if (typeof item === 'object' && item !== null) {
      const inner = plain(item, depth + 1)
      if (inner === undefined) return undefined
      copy[key] = inner
    } else if (copied(item, depth) === NOT_PLAIN) {
      return undefined
    }
  }
  return copy
}

/**
 * What `plain` keeps of one value it read (an object's copy), or NOT_PLAIN. A function or a
 * BigInt may have a toJSON (its own, a polyfill's on BigInt.prototype): the replacer's to see.
 */
function copied(item, depth) {
  if (typeof item === 'object' && item !== null) return plain(item, depth + 1) ?? NOT_PLAIN
  if (typeof item === 'number' && !Number.isFinite(item)) return NOT_PLAIN
  if (typeof item === 'string' && (chars += item.length) > maxText) return NOT_PLAIN
  if (typeof item === 'function' || typeof item === 'bigint') return NOT_PLAIN
  return item
}

const NOT_PLAIN = Symbol('not plain')

/** Thrown by the replacer below, caught by stringifyPayload. */
class TooManyItems extends Error {}
class TooManyValues extends Error {}
class TooMuchText extends Error {}

/**
 * Called by the native module only: `JSON.stringify(payload)`, or `{ tooManyItemsAt: path }`
 * for an array over the limit, or `{ tooManyValuesAt: path }` where the payload reached
 * `maxValues` values, or `{ tooMuchTextAt: path }` where its strings and keys went past
 * `maxText` units, or `{ nonFinite: [[path, 'NaN'], …] }` (the addon reports
 * them), or a throw (see above).
 */
function stringifyPayload(payload) {
  if (typeof payload === 'number' && !Number.isFinite(payload)) return { nonFinite: [['$', String(payload)]] }
  seen = 0
  chars = 0
  if (typeof payload !== 'object' || payload === null) return stringify(payload)
  const copy = plain(payload, 0)
  if (copy !== undefined) return stringify(copy)
  // The path of every object stringify descends into (what a toJSON returned, not what had
  // it), in the addon's spelling: `content[0].times`.
  const paths = new Map()
  const nonFinite = []
  let count = 0
  let text = 0
  const bounded = function (key, value) {
    const holder = paths.has(this) ? paths.get(this) : null
    const at = holder === null ? '$' : join(holder, this, key)
    if (Array.isArray(value) && value.length > maxItems) throw new TooManyItems(at)
    if ((count += 1) > maxValues) throw new TooManyValues(at)
    // A key is named by its object's path, as the addon's walk names it (an array's indexes
    // are not text of the payload).
    if (!Array.isArray(this) && (text += key.length) > maxText) throw new TooMuchText(holder ?? '$')
    if (typeof value === 'string' && (text += value.length) > maxText) throw new TooMuchText(at)
    // Noted with its path (what a toJSON returned included); the addon reports them all.
    if (typeof value === 'number' && !Number.isFinite(value)) nonFinite.push([at, String(value)])
    if (typeof value === 'object' && value !== null) paths.set(value, at)
    return value
  }
  try {
    const text = stringify(payload, bounded)
    return nonFinite.length ? { nonFinite } : text
  } catch (e) {
    if (e instanceof TooManyItems) return { tooManyItemsAt: e.message }
    if (e instanceof TooManyValues) return { tooManyValuesAt: e.message }
    if (e instanceof TooMuchText) return { tooMuchTextAt: e.message }
    throw e
  }
}

function join(path, holder, key) {
  if (Array.isArray(holder)) return `${path}[${key}]`
  return path === '$' ? key : `${path}.${key}`
}

// ---- Abort signals ---------------------------------------------------------------------------
// The addon listens to a call's `signal` through this registry: one 'abort' listener per
// signal, however many calls share it (a listener per call made Node print
// MaxListenersExceededWarning for `Promise.all` over 11 calls with one signal), removed when
// the signal's last call settles (Node keeps an `AbortSignal.any(…)` or `.timeout(…)` signal
// alive while it has an abort listener: 200,000 per-call signals kept 240 MB). `add` throws
// (a TypeError for the addon to report) where the signal cannot be listened to.
const abortListeners = {
  bySignal: new WeakMap(),
  add(signal, onAbort) {
    let entry = this.bySignal.get(signal)
    if (entry === undefined) {
      const calls = new Set()
      const listener = () => {
        for (const f of Array.from(calls)) f()
      }
      signal.addEventListener('abort', listener)
      entry = { calls, listener }
      this.bySignal.set(signal, entry)
    }
    entry.calls.add(onAbort)
  },
  remove(signal, onAbort) {
    const entry = this.bySignal.get(signal)
    if (entry === undefined) return
    entry.calls.delete(onAbort)
    if (entry.calls.size === 0) {
      this.bySignal.delete(signal)
      signal.removeEventListener('abort', entry.listener)
    }
  },
}

// ---- The module ------------------------------------------------------------------------------
const native = load()

;[maxItems, maxValues, maxText] = native.register(fromNative, makeGroup, stringifyPayload, abortListeners, headerPairs)

// `for await (const group of client.dialTimeGroups.listAll(userId))`: the cursor's pages are
// fetched by the addon, one `nextGroup()` at a time.
native.GroupCursor.prototype[Symbol.asyncIterator] = async function* groups() {
  for (;;) {
    const group = await this.nextGroup()
    if (group === null) return
    yield group
  }
}

// Async methods: a call's rejection is made when its outcome reaches the JS thread, under no
// JavaScript frame of the caller (its stack was the error's message alone). Awaited here, a
// rejection made by dialtime gets the caller's async frames (`at async main (app.js:12:3)`),
// as an error thrown by the caller's own async function has; one the caller made (an
// AbortSignal's reason) is left as it is. What throws at once (a TypeError for an argument)
// still does. The native methods are kept on the prototypes: index.js loaded again wraps
// them anew, with the error classes that load registers.
const NATIVE_METHODS = Symbol.for('dialtime.nativeMethods')
const withCallerFrames = (function withCallerFrames(proto, ...names) {
  if (!Object.prototype.hasOwnProperty.call(proto, NATIVE_METHODS)) {
    const methods = {}
    for (const name of names) methods[name] = proto[name]
    Object.defineProperty(proto, NATIVE_METHODS, { value: methods })
  }
  for (const name of names) {
    const call = proto[NATIVE_METHODS][name]
    const method = {
      [name](...args) {
        let promise
        try {
          promise = call.apply(this, args)
        } catch (e) {
          throw fromCaller(e, method)
        }
        return settled(promise)
      },
    }[name]
    proto[name] = method
  }
})

async function settled(promise) {
  try {
    return await promise
  } catch (e) {
    if (e instanceof DialtimeError && !hasCallerFrame(e)) Error.captureStackTrace(e, settled)
    throw e
  }
}

/** Whether `e`'s stack starts at a frame outside this file. */
function hasCallerFrame(e) {
  const first = String(e.stack).split('\n    at ', 2)[1]
  return first !== undefined && !first.includes(__filename)
}
withCallerFrames(native.DialTimeGroups.prototype, 'create', 'list', 'update', 'delete', 'ensure')
withCallerFrames(native.GroupCursor.prototype, 'nextGroup')
withCallerFrames(native.Emulator.prototype, 'stop')
// The class's own static method too (a seed group breaking a rule rejected with the message alone).
withCallerFrames(native.Emulator, 'start')

// Scoped faults: `emu.withFault(fault, fn)` removes what `fn` did not use up, however it ends;
// `using outage = emu.fault(...)` does the same where `Symbol.dispose` exists.
native.Emulator.prototype.withFault = async function withFault(fault, fn) {
  if (typeof fn !== 'function') throw new TypeError('withFault(fault, fn): fn must be a function')
  const scoped = this.fault(fault)
  try {
    return await fn()
  } finally {
    scoped.remove()
  }
}
if (typeof Symbol.dispose === 'symbol') {
  native.ScopedFault.prototype[Symbol.dispose] = function dispose() {
    this.remove()
  }
}

// The classes as exported: called without `new` they throw the TypeError a JavaScript class
// throws. napi-rs cannot tell a call from a construction, so `dialtime.Client(options)` made a
// client out of the exports object itself (`this`), which then broke every later
// `new dialtime.Client`. Everything else (new, static methods, instanceof, subclassing,
// prototypes) reaches the class unchanged. Kept on the class, so that index.js loaded again
// (a cleared require cache) exports the same objects.
const needsNew = {
  apply(C) {
    throw new TypeError(`Class constructor ${C.name} cannot be invoked without 'new'`)
  },
}
// The classes whose objects dialtime makes (index.d.ts: `private constructor()`): `new` throws
// a TypeError saying where they come from (napi-rs threw a plain Error, "Class contains no
// `constructor`, can not new it!").
const MADE_BY = {
  DialTimeGroups: 'client.dialTimeGroups',
  GroupCursor: 'client.dialTimeGroups.listAll(userId)',
  Emulator: 'await Emulator.start()',
  ScopedFault: 'emulator.fault(fault)',
  Calendar: 'Calendar.china() or Calendar.empty()',
}
const madeByDialtime = {
  apply: needsNew.apply,
  construct(C) {
    throw new TypeError(`${C.name} has no public constructor: use ${MADE_BY[C.name]}`)
  },
}
// `new Client(options)`: the addon reads the options once (src/options.rs) and takes
// `defaultHeaders` as fetch does, an object or anything iterable of [name, value] pairs (a Map
// of any realm, a Headers, an array of pairs), through `headerPairs`; napi-rs alone read an
// object's own properties, so a Headers or a Map from another realm sent no header. Errors
// made on the way start their stack at the caller of `new`.
const newClient = {
  apply: needsNew.apply,
  construct(C, args, newTarget) {
    try {
      return Reflect.construct(C, args, newTarget)
    } catch (e) {
      // An error made here (by the addon under this trap, or by headerPairs) starts its stack
      // at the caller, as without the trap; one thrown by the caller's own code (a getter of
      // the options) keeps its stack.
      throw fromCaller(e, newClient.construct)
    }
  },
}

/**
 * `e`, thrown under `fn`: when made by dialtime (its stack starts in this file), its stack now
 * starts at `fn`'s caller, as without `fn` in between; one thrown by the caller's own code (a
 * getter of the options) keeps its stack.
 */
function fromCaller(e, fn) {
  if (e instanceof Error && String(e.stack).split('\n', 2)[1]?.includes(__filename)) {
    Error.captureStackTrace(e, fn)
  }
  return e
}

const ITERATOR = Symbol.iterator

/**
 * Called by the addon only (src/options.rs), with `defaultHeaders` read once from the Client
 * options when it is an object: its `[name, value]` pairs, when it is iterable (a Map, a
 * Headers, an array of pairs), as an object of names to values; else the object itself.
 */
function headerPairs(headers) {
  if (typeof headers[ITERATOR] !== 'function') return headers
  // No prototype: a pair named __proto__ is a header, not the object's prototype.
  const out = Object.create(null)
  let count = 0
  for (const pair of headers) {
    if ((count += 1) > maxItems) {
      throw new TypeError(`defaultHeaders holds more than ${maxItems} headers`)
    }
    // Each part read once (a getter could answer otherwise the second time).
    const name = Array.isArray(pair) && pair.length === 2 ? pair[0] : undefined
    if (typeof name !== 'string') {
      throw new TypeError(
        'defaultHeaders must be an object of header names to values, or hold [name, value] pairs ' +
          `(a Map, a Headers), got an item that is ${pair === null ? 'null' : typeof pair === 'object' ? 'not a pair' : `a ${typeof pair}`}`,
      )
    }
    out[name] = pair[1]
  }
  return out
}

const EXPORTED = Symbol.for('dialtime.exported')

// Weekday as index.d.ts declares it, a TypeScript numeric enum: `Weekday.Monday` is 1 and
// `Weekday[1]` is 'Monday' (the addon's object had no reverse mapping: undefined at run time).
// The reverse entries are not enumerable: Object.values(Weekday) stays the seven numbers.
// Kept on the addon's object, so that a reload of index.js exports the same one.
const weekdays = (function weekdays() {
  const W = native.Weekday
  if (!Object.prototype.hasOwnProperty.call(W, EXPORTED)) {
    const both = { ...W }
    for (const [name, number] of Object.entries(W)) Object.defineProperty(both, number, { value: name })
    Object.defineProperty(W, EXPORTED, { value: Object.freeze(both) })
  }
  return W[EXPORTED]
})
const Weekday = weekdays()
const exported = (function exported(C) {
  if (!Object.prototype.hasOwnProperty.call(C, EXPORTED)) {
    const handler = C === native.Client ? newClient : Object.prototype.hasOwnProperty.call(MADE_BY, C.name) ? madeByDialtime : needsNew
    const proxy = new Proxy(C, handler)
    Object.defineProperty(C, EXPORTED, { value: proxy })
    // `client.constructor === dialtime.Client`, as for any class.
    Object.defineProperty(C.prototype, 'constructor', { value: proxy, writable: true, configurable: true })
  }
  return C[EXPORTED]
})

// Named one by one, as `name` or `name: name`: with no "exports" map (README "Speed"),
// `import { Client } from 'dialtime'` takes its names from Node's static reading of this
// statement (cjs-module-lexer), which skips any other form of property (test/esm.test.mjs
// checks import sees every name require() does).
const Client = exported(native.Client)
const DialTimeGroups = exported(native.DialTimeGroups)
const GroupCursor = exported(native.GroupCursor)
const Emulator = exported(native.Emulator)
const ScopedFault = exported(native.ScopedFault)
const ResponseRecorder = exported(native.ResponseRecorder)
const Schedule = exported(native.Schedule)
const Calendar = exported(native.Calendar)
const { validate, errorKinds, VERSION } = native
module.exports = {
  Client,
  DialTimeGroups,
  GroupCursor,
  Emulator,
  ScopedFault,
  ResponseRecorder,
  Schedule,
  Calendar,
  Weekday,
  validate,
  errorKinds,
  VERSION,
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
for (const C of Object.values(module.exports)) {
  if (C === DialtimeError || C.prototype instanceof DialtimeError) byKind.set(C.kind, C)
}
// For the loader's tests only (test/binding.test.js); not part of the API.
Object.defineProperty(module.exports, Symbol.for('dialtime.loader'), {
  value: { platformPackage, locate, load },
})
