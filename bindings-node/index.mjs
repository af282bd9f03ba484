// ESM entry: the same objects as the CommonJS entry (one native module per process).
import dialtime from './index.js'

export const {
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
} = dialtime
export default dialtime
