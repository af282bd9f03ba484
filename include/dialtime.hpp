// dialtime.hpp: the C++17 wrapper of libdialtime (header-only, over dialtime.h).
//
//   dialtime::Client client;   // DIALTIME_TOKEN, DIALTIME_BASE_URL (or a ClientOptions)
//   dialtime::DialTimeGroup saved = client.dial_time_groups().create(user_id, {
//       "周一周三拨打", {{1, {{"08:00", "20:00"}, {"20:30", "22:00"}}}}, true, true});
//
// Value types are plain aggregates. Client shares ownership of its C handle with every
// DialTimeGroups and list_all range made from it, so none of them can dangle; Emulator is a
// move-only RAII owner. Every failure throws a dialtime::Error subclass matching the
// dialtime_status. A Client may be used from many threads at once.
#ifndef DIALTIME_HPP
#define DIALTIME_HPP

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "dialtime.h"

namespace dialtime {

// ---- values --------------------------------------------------------------------------------

struct TimeRange {
  std::string begin_time, end_time;  // "HH:MM"; "24:00" is the end of the day
};

// A day of the week as the platform numbers it; plain ints are accepted wherever a week is.
enum Weekday : int {
  Sunday = DIALTIME_WEEKDAY_SUNDAY,
  Monday = DIALTIME_WEEKDAY_MONDAY,
  Tuesday = DIALTIME_WEEKDAY_TUESDAY,
  Wednesday = DIALTIME_WEEKDAY_WEDNESDAY,
  Thursday = DIALTIME_WEEKDAY_THURSDAY,
  Friday = DIALTIME_WEEKDAY_FRIDAY,
  Saturday = DIALTIME_WEEKDAY_SATURDAY,
};

struct DaySchedule {
  int week = -1;  // a Weekday: 0 = Sunday … 6 = Saturday (unset: refused when sent)
  std::vector<TimeRange> times;
};

// "HH:MM" from a time of day since midnight (std::chrono::minutes or hours, whole minutes);
// the library checks the range (00:00–24:00) when the group is sent: a negative time keeps
// its sign ("-0:30"), and is refused there.
inline std::string time_of_day(std::chrono::minutes since_midnight) {
  const long long m = since_midnight.count();
  const unsigned long long a = m < 0 ? 0ULL - static_cast<unsigned long long>(m) : static_cast<unsigned long long>(m);
  const unsigned long long minute = a % 60;
  return (m < 0 ? "-" : "") + std::to_string(a / 60) + (minute < 10 ? ":0" : ":") + std::to_string(minute);
}

// sys_seconds of C++20, in C++17.
using sys_seconds = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

struct NewDialTimeGroup {
  std::string name;
  std::vector<DaySchedule> content;
  bool is_default = false;
  bool skip_holiday = false;
  std::optional<std::string> sub_user_id;
};

// Changes to a saved group: the name always; every other field only when set, so an unset
// field keeps its saved value (a partial update is partial).
struct DialTimeGroupUpdate {
  std::string name;
  std::optional<std::vector<DaySchedule>> content{};
  std::optional<bool> is_default{};
  std::optional<bool> skip_holiday{};
  std::optional<std::string> sub_user_id{};
};

struct DialTimeGroup {
  std::int64_t id = 0;
  std::string user_id, name;
  std::vector<DaySchedule> content;
  bool is_default = false, skip_holiday = false;
  std::optional<std::string> remark;
  // The instants (the platform's are China time), and the same as ISO 8601 with +08:00; empty
  // where the platform has no time for the group (none sent, null, or MySQL's zero date).
  std::optional<sys_seconds> created_at, updated_at;
  std::optional<std::string> created_at_text, updated_at_text;
};

// One page of a list; the pagination the platform did not send is empty.
struct Page {
  std::vector<DialTimeGroup> data;
  std::uint32_t current_page = 0;
  std::optional<std::uint32_t> last_page, per_page;
  std::optional<std::int64_t> total;
  bool has_more = false;
};

// What DialTimeGroups::ensure did.
enum class Outcome { created = DIALTIME_OUTCOME_CREATED, updated = DIALTIME_OUTCOME_UPDATED, unchanged = DIALTIME_OUTCOME_UNCHANGED };

struct ClientOptions {
  // Unset: DIALTIME_BASE_URL / DIALTIME_TOKEN (an empty string is refused, not "unset").
  std::optional<std::string> base_url, token;
  // Unset: the library's defaults (30 s, 10 s, 2 retries); negative values are refused.
  std::optional<std::chrono::milliseconds> timeout, connect_timeout;
  std::optional<std::int64_t> max_retries;
  // Deprecated spelling of max_retries = 0 (kept for existing callers).
  bool no_retries = false;
  // The longest a whole call may take (attempts, backoff, Retry-After waits). Unset: none.
  std::optional<std::chrono::milliseconds> deadline;
  // Extra root certificates (PEM), and whether to trust only them.
  std::vector<std::string> root_certificates_pem;
  bool trust_only_root_certificates = false;
  // A proxy for every request (loopback included); unset: HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY.
  std::optional<std::string> proxy;
  bool ignore_env_proxy = false;
  // Headers sent with every request, e.g. {{"X-Tenant", "acme"}}.
  std::vector<std::pair<std::string, std::string>> default_headers;
  // Appended to the user agent: "dialtime/<v> (c) <suffix>".
  std::optional<std::string> user_agent_suffix;
};

// Per-call overrides (the last argument of every call); unset: the client's settings.
class ResponseRecorder;

struct RequestOptions {
  std::optional<std::chrono::milliseconds> timeout, deadline;
  std::optional<std::uint32_t> max_retries;
  // When set, a successful call leaves its answer there (status, request id, headers).
  const ResponseRecorder *recorder = nullptr;
};

struct Problem {
  std::string path, message;
};

// ---- errors --------------------------------------------------------------------------------

// What every error carries, under README's "Names across languages".
struct ErrorDetails {
  dialtime_status kind = DIALTIME_STATUS_PANIC;
  std::string message;                          // the full text (also what())
  std::optional<std::uint16_t> http_status;     // the answer's HTTP status
  std::optional<std::int64_t> envelope_code;    // the envelope's code
  std::optional<std::string> api_message;       // the platform's own message
  std::vector<Problem> problems;                // every problem, in payload order
  std::optional<std::string> body_excerpt;      // the start of the raw answer (never the token)
  std::optional<std::chrono::milliseconds> retry_after;  // the server's Retry-After
  std::optional<std::string> method, path;      // what the failed call used (never the query)
  std::optional<std::string> request_id;        // the platform's request id, when it sent one
  std::uint32_t attempts = 0;                   // how many attempts the call made
  std::optional<std::chrono::milliseconds> elapsed;  // from the call's start to the error
  bool deadline_passed = false;                 // the deadline ended the call
  bool may_have_been_applied = false;           // a failed write may still have been made
};

// Base of every exception; one subclass per dialtime_status.
class Error : public std::runtime_error {
 public:
  explicit Error(ErrorDetails details) : std::runtime_error(details.message), d_(std::move(details)) {}
  dialtime_status kind() const noexcept { return d_.kind; }
  std::optional<std::uint16_t> http_status() const noexcept { return d_.http_status; }
  std::optional<std::int64_t> envelope_code() const noexcept { return d_.envelope_code; }
  const std::optional<std::string> &api_message() const noexcept { return d_.api_message; }
  const std::vector<Problem> &problems() const noexcept { return d_.problems; }
  const std::optional<std::string> &body_excerpt() const noexcept { return d_.body_excerpt; }
  std::optional<std::chrono::milliseconds> retry_after() const noexcept { return d_.retry_after; }
  const std::optional<std::string> &method() const noexcept { return d_.method; }
  const std::optional<std::string> &path() const noexcept { return d_.path; }
  const std::optional<std::string> &request_id() const noexcept { return d_.request_id; }
  std::uint32_t attempts() const noexcept { return d_.attempts; }
  std::optional<std::chrono::milliseconds> elapsed() const noexcept { return d_.elapsed; }
  bool deadline_passed() const noexcept { return d_.deadline_passed; }
  // A failed write may still have been made (an attempt got no answer, a 502/504, an unread
  // 2xx): list before sending it again (a create is not retried once it may have arrived).
  bool may_have_been_applied() const noexcept { return d_.may_have_been_applied; }

 private:
  ErrorDetails d_;
};

// The input breaks a rule; nothing was sent (problems() lists every one).
class ValidationError : public Error {
  using Error::Error;
};
// The platform refused; problems() are its field errors, if it listed any.
class APIError : public Error {
  using Error::Error;
};
class AuthenticationError : public APIError {
  using APIError::APIError;
};
class NotFoundError : public APIError {
  using APIError::APIError;
};
class ServerError : public APIError {
  using APIError::APIError;
};
// 429; retry_after() is the server's Retry-After, when it sent one.
class RateLimitError : public APIError {
  using APIError::APIError;
};
class ConnectionError : public Error {
  using Error::Error;
};
class TimeoutError : public ConnectionError {
  using ConnectionError::ConnectionError;
};
class DecodeError : public Error {
  using Error::Error;
};
class ConfigError : public Error {
  using Error::Error;
};
// An argument the C ABI cannot take (DIALTIME_STATUS_INVALID_ARGUMENT): a string with a NUL
// byte in it or that is not UTF-8, an object moved from.
class InvalidArgumentError : public Error {
  using Error::Error;
};
// A bug in dialtime caught at its boundary (DIALTIME_STATUS_PANIC): please report it.
class InternalError : public Error {
  using Error::Error;
};
// A schedule query with skip_holiday touched a year the holiday calendar does not cover.
class CalendarNotCoveredError : public Error {
 public:
  CalendarNotCoveredError(ErrorDetails details, int year) : Error(std::move(details)), year_(year) {}
  int year() const noexcept { return year_; }

 private:
  int year_;
};

namespace detail {

struct ErrorFree {
  void operator()(dialtime_error *e) const noexcept { dialtime_error_free(e); }
};
using ErrorPtr = std::unique_ptr<dialtime_error, ErrorFree>;

inline std::string str(const char *s) { return s ? std::string(s) : std::string(); }

inline std::optional<std::string> opt_str(const char *s) {
  return s ? std::optional<std::string>(s) : std::nullopt;
}

// The one place a dialtime_status becomes an exception.
[[noreturn]] inline void raise(dialtime_status status, dialtime_error *raw) {
  ErrorPtr err(raw);
  ErrorDetails d;
  d.kind = status;
  d.message = str(dialtime_error_message(err.get()));
  if (const std::uint16_t http = dialtime_error_http_status(err.get())) d.http_status = http;
  std::int64_t code = 0;
  if (dialtime_error_envelope_code(err.get(), &code)) d.envelope_code = code;
  d.api_message = opt_str(dialtime_error_api_message(err.get()));
  d.body_excerpt = opt_str(dialtime_error_body_excerpt(err.get()));
  if (const std::int64_t ms = dialtime_error_retry_after_ms(err.get()); ms >= 0) {
    d.retry_after = std::chrono::milliseconds(ms);
  }
  d.method = opt_str(dialtime_error_method(err.get()));
  d.path = opt_str(dialtime_error_path(err.get()));
  d.request_id = opt_str(dialtime_error_request_id(err.get()));
  d.attempts = dialtime_error_attempts(err.get());
  if (const std::int64_t ms = dialtime_error_elapsed_ms(err.get()); ms >= 0) {
    d.elapsed = std::chrono::milliseconds(ms);
  }
  d.deadline_passed = dialtime_error_deadline_passed(err.get());
  d.may_have_been_applied = dialtime_error_may_have_been_applied(err.get());
  for (std::size_t i = 0, n = dialtime_error_problem_count(err.get()); i < n; i++) {
    d.problems.push_back({str(dialtime_error_problem_path(err.get(), i)),
                          str(dialtime_error_problem_message(err.get(), i))});
  }
  switch (status) {
    case DIALTIME_STATUS_VALIDATION: throw ValidationError(std::move(d));
    case DIALTIME_STATUS_AUTHENTICATION: throw AuthenticationError(std::move(d));
    case DIALTIME_STATUS_NOT_FOUND: throw NotFoundError(std::move(d));
    case DIALTIME_STATUS_RATE_LIMITED: throw RateLimitError(std::move(d));
    case DIALTIME_STATUS_API: throw APIError(std::move(d));
    case DIALTIME_STATUS_SERVER: throw ServerError(std::move(d));
    case DIALTIME_STATUS_TIMEOUT: throw TimeoutError(std::move(d));
    case DIALTIME_STATUS_CONNECTION: throw ConnectionError(std::move(d));
    case DIALTIME_STATUS_DECODE: throw DecodeError(std::move(d));
    case DIALTIME_STATUS_CONFIG: throw ConfigError(std::move(d));
    case DIALTIME_STATUS_CALENDAR_NOT_COVERED: throw CalendarNotCoveredError(std::move(d), dialtime_error_year(err.get()));
    case DIALTIME_STATUS_INVALID_ARGUMENT: throw InvalidArgumentError(std::move(d));
    case DIALTIME_STATUS_PANIC: throw InternalError(std::move(d));
    default: throw Error(std::move(d));
  }
}

// Runs `f(&err)`, a C call ending in `dialtime_error **err`, and throws on failure. (The
// status must be known before `err` is read: never pass both as arguments of one call.)
template <typename F>
inline void call(F &&f) {
  dialtime_error *err = nullptr;
  const dialtime_status status = f(&err);
  if (status != DIALTIME_STATUS_OK) raise(status, err);
}

// An InvalidArgumentError raised here, for what cannot reach the C ABI at all.
[[noreturn]] inline void invalid_argument(const std::string &message) {
  ErrorDetails d;
  d.kind = DIALTIME_STATUS_INVALID_ARGUMENT;
  d.message = message;
  throw InvalidArgumentError(std::move(d));
}

// `s` as a C string: a NUL byte in it would end it there (a name cut short, another group
// matched), so one is refused, naming `what`.
inline const char *c(const std::string &s, const char *what) {
  if (s.find('\0') != std::string::npos) {
    invalid_argument(std::string(what) + " holds a NUL byte, which a C string cannot carry");
  }
  return s.c_str();
}

// Whether `s` is UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
inline bool is_utf8(const std::string &s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (n - i < len) return false;
    for (std::size_t k = 1; k < len; k++) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

// `s` as a JSON string (quotes, backslashes and control characters escaped). Bytes that are
// not UTF-8 cannot be written as JSON: refused naming the field (`name()` writes it, only
// then), as the C functions name theirs. (The rules on the values, a NUL in a name among
// them, are the library's.)
template <class Name>
inline void json_string_named(std::string &out, const std::string &s, Name &&name) {
  if (!is_utf8(s)) invalid_argument(name() + " is not valid UTF-8");
  static const char hex[] = "0123456789abcdef";
  out += '"';
  // Runs of characters that need no escape are appended whole.
  std::size_t run = 0;
  for (std::size_t k = 0; k < s.size(); k++) {
    const auto b = static_cast<unsigned char>(s[k]);
    if (b >= 0x20 && b != '"' && b != '\\') continue;
    out.append(s, run, k - run);
    if (b < 0x20) {
      out += "\\u00";
      out += hex[b >> 4];
      out += hex[b & 15];
    } else {
      out += '\\';
      out += static_cast<char>(b);
    }
    run = k + 1;
  }
  out.append(s, run, std::string::npos);
  out += '"';
}

inline void json_string(std::string &out, const std::string &s, const char *what) {
  json_string_named(out, s, [what] { return std::string(what); });
}

// `content` as the platform's JSON, day by day as given: the library checks every day (an
// empty one, a weekday twice) with its path, as for any payload.
inline void json_content(std::string &out, const std::vector<DaySchedule> &content) {
  out += '[';
  for (std::size_t i = 0; i < content.size(); i++) {
    if (i) out += ',';
    out += "{\"week\":";
    out += std::to_string(content[i].week);
    out += ",\"times\":[";
    for (std::size_t j = 0; j < content[i].times.size(); j++) {
      if (j) out += ',';
      const auto path = [i, j](const char *field) {
        return [i, j, field] {
          return "content[" + std::to_string(i) + "].times[" + std::to_string(j) + "]." + field;
        };
      };
      out += "{\"begin_time\":";
      json_string_named(out, content[i].times[j].begin_time, path("begin_time"));
      out += ",\"end_time\":";
      json_string_named(out, content[i].times[j].end_time, path("end_time"));
      out += '}';
    }
    out += "]}";
  }
  out += ']';
}

// Takes ownership of a string the library returned through `char **`.
inline std::string take(char *s) {
  std::string out = str(s);
  dialtime_string_free(s);
  return out;
}

template <typename T, void (*Free)(T *)>
struct Deleter {
  void operator()(T *p) const noexcept { Free(p); }
};
template <typename T, void (*Free)(T *)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using NewGroupHandle = Handle<dialtime_new_group, dialtime_new_group_free>;
using UpdateHandle = Handle<dialtime_group_update, dialtime_group_update_free>;
using GroupHandle = Handle<dialtime_group, dialtime_group_free>;
using PageHandle = Handle<dialtime_page, dialtime_page_free>;

inline DialTimeGroup from_handle(const dialtime_group *g) {
  DialTimeGroup out{dialtime_group_id(g),
                    str(dialtime_group_user_id(g)),
                    str(dialtime_group_name(g)),
                    {},
                    dialtime_group_is_default(g),
                    dialtime_group_skip_holiday(g),
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt};
  if (const char *remark = dialtime_group_remark(g)) out.remark = remark;
  // The text is there exactly where the instant is.
  if (const char *text = dialtime_group_created_at_text(g)) {
    out.created_at = sys_seconds(std::chrono::seconds(dialtime_group_created_at(g)));
    out.created_at_text = text;
  }
  if (const char *text = dialtime_group_updated_at_text(g)) {
    out.updated_at = sys_seconds(std::chrono::seconds(dialtime_group_updated_at(g)));
    out.updated_at_text = text;
  }
  for (std::size_t i = 0, days = dialtime_group_day_count(g); i < days; i++) {
    DaySchedule day{dialtime_group_day_week(g, i), {}};
    for (std::size_t j = 0, n = dialtime_group_day_range_count(g, i); j < n; j++) {
      day.times.push_back({str(dialtime_group_day_range_begin(g, i, j)),
                           str(dialtime_group_day_range_end(g, i, j))});
    }
    out.content.push_back(std::move(day));
  }
  return out;
}

// A client handle shared by the Client and everything made from it.
using SharedClient = std::shared_ptr<const dialtime_client>;

// Reads a payload with `read` (the C library's JSON reader, which has no client) for a call of
// `client`: a refusal's problems quote what was given, so they are scrubbed of the client's
// token (a field given it by mistake) before they are thrown.
template <class Read>
inline void read_for(const dialtime_client *client, Read &&read) {
  dialtime_error *err = nullptr;
  const dialtime_status status = read(&err);
  if (status != DIALTIME_STATUS_OK) {
    dialtime_client_scrub_error(client, err);
    raise(status, err);
  }
}

// A group or update goes to the library as JSON, as the platform's docs write it: every day
// as given (the C add_time functions group ranges by weekday, which would hide an empty day
// or a weekday listed twice), checked there with every problem's path.
inline NewGroupHandle build(const NewDialTimeGroup &group, const dialtime_client *client) {
  std::string json = "{\"name\":";
  json_string(json, group.name, "name");
  json += ",\"content\":";
  json_content(json, group.content);
  json += group.is_default ? ",\"is_default\":true" : ",\"is_default\":false";
  json += group.skip_holiday ? ",\"skip_holiday\":true" : ",\"skip_holiday\":false";
  if (group.sub_user_id) {
    json += ",\"sub_user_id\":";
    json_string(json, *group.sub_user_id, "sub_user_id");
  }
  json += '}';
  dialtime_new_group *raw = nullptr;
  read_for(client, [&](dialtime_error **e) { return dialtime_new_group_from_json(c(json, "the group"), &raw, e); });
  return NewGroupHandle(raw);
}

inline UpdateHandle build(const DialTimeGroupUpdate &update, const dialtime_client *client) {
  std::string json = "{\"name\":";
  json_string(json, update.name, "name");
  if (update.content) {
    json += ",\"content\":";
    json_content(json, *update.content);
  }
  if (update.is_default) json += *update.is_default ? ",\"is_default\":true" : ",\"is_default\":false";
  if (update.skip_holiday) json += *update.skip_holiday ? ",\"skip_holiday\":true" : ",\"skip_holiday\":false";
  if (update.sub_user_id) {
    json += ",\"sub_user_id\":";
    json_string(json, *update.sub_user_id, "sub_user_id");
  }
  json += '}';
  dialtime_group_update *raw = nullptr;
  read_for(client, [&](dialtime_error **e) { return dialtime_group_update_from_json(c(json, "the update"), &raw, e); });
  return UpdateHandle(raw);
}

}  // namespace detail

// ---- functions and classes -----------------------------------------------------------------

// The library version.
inline std::string version() { return dialtime_version(); }

// A log callback: the level and one line (borrowed for the call only).
using LogCallback = std::function<void(dialtime_log_level level, const char *line)>;

namespace detail {
// The callback set_logger installed, kept alive until the next set_logger replaces it.
struct LoggerSlot {
  std::mutex lock;
  std::unique_ptr<LogCallback> current;
};
// Never destroyed: at exit a thread still in a call (or a global's destructor making one) may
// log, and the library would call a callback freed by static destruction.
inline LoggerSlot &logger_slot() {
  static LoggerSlot *const slot = new LoggerSlot;
  return *slot;
}
// What the library calls: an exception from the callback stops here (one crossing the
// library aborted the process: Rust cannot unwind a C++ exception).
inline void log_trampoline(dialtime_log_level level, const char *line, void *user_data) noexcept {
  try {
    (*static_cast<LogCallback *>(user_data))(level, line);
  } catch (...) {
  }
}
}  // namespace detail

// Sends every client's per-attempt log lines to `callback` (an empty one turns logging off),
// as dialtime_set_logger does, with its rules: return quickly, make no dialtime call from it,
// and do not call set_logger from inside it. An exception it throws is dropped.
inline void set_logger(LogCallback callback) {
  auto fresh = callback ? std::make_unique<LogCallback>(std::move(callback)) : nullptr;
  auto &slot = detail::logger_slot();
  const std::lock_guard<std::mutex> held(slot.lock);
  dialtime_set_logger(fresh ? detail::log_trampoline : nullptr, fresh.get());
  // dialtime_set_logger returned once no call runs the previous callback: it can go.
  slot.current = std::move(fresh);
}

// Checks a create payload (JSON text as in the platform's docs); throws ValidationError listing
// every problem.
inline void validate_json(const std::string &json) {
  detail::call([&](dialtime_error **e) { return dialtime_validate_json(detail::c(json, "json"), e); });
}

class Client;

// What a successful call was answered with.
struct ResponseInfo {
  int http_status = 0;
  std::optional<std::string> request_id;  // x-request-id (or x-trace-id, …) when sent
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, in order
  std::uint32_t attempts = 0;
  std::chrono::milliseconds elapsed{0};
  std::string path;
};

// Receives the answer of every successful call made with it in RequestOptions::recorder;
// last() is the latest one. Thread-safe; move-only.
class ResponseRecorder {
 public:
  ResponseRecorder() {
    dialtime_response_recorder *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_response_recorder_new(&raw, e); });
    handle_.reset(raw);
  }

  std::optional<ResponseInfo> last() const {
    dialtime_response *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_response_recorder_last(handle_.get(), &raw, e); });
    if (raw == nullptr) return std::nullopt;
    std::unique_ptr<dialtime_response, void (*)(dialtime_response *)> r(raw, dialtime_response_free);
    ResponseInfo info;
    info.http_status = dialtime_response_http_status(raw);
    if (const char *id = dialtime_response_request_id(raw)) info.request_id = id;
    for (std::size_t i = 0, n = dialtime_response_header_count(raw); i < n; i++) {
      info.headers.emplace_back(dialtime_response_header_name(raw, i), dialtime_response_header_value(raw, i));
    }
    info.attempts = dialtime_response_attempts(raw);
    info.elapsed = std::chrono::milliseconds(dialtime_response_elapsed_ms(raw));
    info.path = dialtime_response_path(raw);
    return info;
  }

  const dialtime_response_recorder *get() const noexcept { return handle_.get(); }

 private:
  struct Free {
    void operator()(dialtime_response_recorder *r) const noexcept { dialtime_response_recorder_free(r); }
  };
  std::unique_ptr<dialtime_response_recorder, Free> handle_;
};

namespace detail {
// A set duration as the C struct's milliseconds, where 0 means "the client's": a set 0 is
// refused here as the client options refuse it (it was the client's 30 s, silently).
inline std::int64_t set_ms(const char *name, std::chrono::milliseconds ms) {
  if (ms.count() == 0) {
    ErrorDetails d;
    d.kind = DIALTIME_STATUS_CONFIG;
    d.message = std::string("configuration error: options.") + name +
                " must be a positive number of milliseconds, got 0";
    throw ConfigError(std::move(d));
  }
  return ms.count();  // a negative one is refused by the library, named the same way
}

inline dialtime_request_options c_options(const RequestOptions &o) {
  dialtime_request_options c{};
  if (o.recorder != nullptr) {
    c.recorder = o.recorder->get();
    if (c.recorder == nullptr) invalid_argument("RequestOptions::recorder was moved from");
  }
  if (o.timeout) c.timeout_ms = set_ms("timeout_ms", *o.timeout);
  if (o.deadline) c.deadline_ms = set_ms("deadline_ms", *o.deadline);
  if (o.max_retries) {
    c.override_max_retries = true;
    c.max_retries = *o.max_retries;
  }
  return c;
}
}  // namespace detail

// client.dial_time_groups(): the dial-time-group resource. Shares the client's handle, so it
// stays valid after the Client that made it is gone.
class DialTimeGroups {
 public:
  // Saves a group for `user_id`; validated first (ValidationError: nothing was sent).
  DialTimeGroup create(const std::string &user_id, const NewDialTimeGroup &group,
                       const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    const detail::NewGroupHandle g = detail::build(group, client_.get());
    dialtime_group *saved = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_create(client_.get(), detail::c(user_id, "user_id"), g.get(), &o, &saved, e);
    });
    detail::GroupHandle owned(saved);
    return detail::from_handle(owned.get());
  }

  // Page `page` (1-based) of the user's groups, of `sub_user_id` when given.
  Page list(const std::string &user_id, std::uint32_t page = 1,
            const std::optional<std::string> &sub_user_id = std::nullopt,
            const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    dialtime_page *raw = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_list(client_.get(), detail::c(user_id, "user_id"), page,
                                            sub_user_id ? detail::c(*sub_user_id, "sub_user_id") : nullptr, &o, &raw, e);
    });
    detail::PageHandle owned(raw);
    Page out{{}, dialtime_page_current_page(raw), std::nullopt, std::nullopt, std::nullopt,
             dialtime_page_has_more(raw)};
    if (const auto last = dialtime_page_last_page(raw)) out.last_page = last;
    if (const auto per = dialtime_page_per_page(raw)) out.per_page = per;
    if (const auto total = dialtime_page_total(raw); total >= 0) out.total = total;
    for (std::size_t i = 0, n = dialtime_page_count(raw); i < n; i++) {
      out.data.push_back(detail::from_handle(dialtime_page_group(raw, i)));
    }
    return out;
  }

  class GroupCursor;

  // Every group of the user, page by page as the loop needs them:
  // `for (const dialtime::DialTimeGroup &g : client.dial_time_groups().list_all(user_id))`.
  // Errors are thrown from the loop.
  GroupCursor list_all(const std::string &user_id,
                      const std::optional<std::string> &sub_user_id = std::nullopt,
                      const RequestOptions &options = {}) const;

  // Changes group `group_id`: its name, and each field of `changes` that is set.
  DialTimeGroup update(const std::string &user_id, std::int64_t group_id, const DialTimeGroupUpdate &changes,
                       const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    const detail::UpdateHandle u = detail::build(changes, client_.get());
    dialtime_group *saved = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_update(client_.get(), detail::c(user_id, "user_id"), group_id, u.get(), &o, &saved, e);
    });
    detail::GroupHandle owned(saved);
    return detail::from_handle(owned.get());
  }

  // Changes group `group_id` from JSON text (name required, the rest only when present).
  std::string update_json(const std::string &user_id, std::int64_t group_id, const std::string &json,
                          const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    char *out = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_update_json(client_.get(), detail::c(user_id, "user_id"), group_id, detail::c(json, "json"), &o, &out, e);
    });
    return detail::take(out);
  }

  // Deletes group `group_id` (`delete` in the other languages; a C++ keyword).
  void remove(const std::string &user_id, std::int64_t group_id,
              const std::optional<std::string> &sub_user_id = std::nullopt,
              const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_delete(client_.get(), detail::c(user_id, "user_id"), group_id,
                                              sub_user_id ? detail::c(*sub_user_id, "sub_user_id") : nullptr, &o, e);
    });
  }

  // Makes the group named `group.name` be exactly `group`: created, updated or unchanged.
  std::pair<DialTimeGroup, Outcome> ensure(const std::string &user_id, const NewDialTimeGroup &group,
                                           const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    const detail::NewGroupHandle g = detail::build(group, client_.get());
    dialtime_group *saved = nullptr;
    dialtime_outcome outcome = DIALTIME_OUTCOME_UNCHANGED;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_ensure(client_.get(), detail::c(user_id, "user_id"), g.get(), &o, &saved, &outcome, e);
    });
    detail::GroupHandle owned(saved);
    return {detail::from_handle(owned.get()), static_cast<Outcome>(outcome)};
  }

 public:
  // Saves a group given as JSON text; returns the saved group as canonical JSON.
  std::string create_json(const std::string &user_id, const std::string &json,
                          const RequestOptions &options = {}) const {
    const dialtime_request_options o = detail::c_options(options);
    char *out = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_dial_time_groups_create_json(client_.get(), detail::c(user_id, "user_id"), detail::c(json, "json"), &o, &out, e);
    });
    return detail::take(out);
  }

 private:
  friend class Client;
  explicit DialTimeGroups(detail::SharedClient client) : client_(std::move(client)) {}
  detail::SharedClient client_;
};

// The range list_all returns: an input range over the library's cursor, which fetches the
// next page only when the previous one is used up and never yields a group twice. Iterators
// share the range's state, so they stay valid when the range (a temporary) is gone; begin()
// called again continues where the walk is, it never skips a group.
class DialTimeGroups::GroupCursor {
  struct State {
    detail::Handle<dialtime_group_cursor, dialtime_group_cursor_free> cursor;
    std::optional<DialTimeGroup> current;
    bool started = false;

    // Loads the next group into current; false at the end (and after an error, rethrown).
    bool advance() {
      started = true;
      current.reset();
      dialtime_group *next = nullptr;
      detail::call([&](dialtime_error **e) { return dialtime_group_cursor_next(cursor.get(), &next, e); });
      if (!next) return false;
      detail::GroupHandle owned(next);
      current = detail::from_handle(owned.get());
      return true;
    }
  };

 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = DialTimeGroup;
    using difference_type = std::ptrdiff_t;
    using pointer = const DialTimeGroup *;
    using reference = const DialTimeGroup &;

    iterator() = default;
    // At the end (or after a ++ that threw) there is no group: an Error, not undefined
    // behaviour.
    reference operator*() const { return get(); }
    pointer operator->() const { return &get(); }
    // What `it++` returns: the group it was at, for `*it++` (an input iterator's duty).
    class postfix {
     public:
      const DialTimeGroup &operator*() const {
        if (!value_) detail::invalid_argument("invalid argument: the list_all iterator was at its end (no group to read)");
        return *value_;
      }
      const DialTimeGroup *operator->() const { return &**this; }

     private:
      friend class iterator;
      std::optional<DialTimeGroup> value_;
    };
    // A ++ that throws (the page fetch failed) ends the walk: the iterator is end() after it.
    postfix operator++(int) {
      postfix before;
      if (state_ && state_->current) before.value_ = *state_->current;
      ++*this;
      return before;
    }
    iterator &operator++() {
      if (!state_) return *this;
      try {
        if (!state_->advance()) state_.reset();
      } catch (...) {
        state_.reset();
        throw;
      }
      return *this;
    }
    bool operator==(const iterator &o) const { return state_ == o.state_; }
    bool operator!=(const iterator &o) const { return state_ != o.state_; }

   private:
    friend class GroupCursor;
    explicit iterator(std::shared_ptr<State> state) : state_(std::move(state)) {}
    const DialTimeGroup &get() const {
      if (!state_ || !state_->current) {
        detail::invalid_argument("invalid argument: the list_all iterator is at its end (no group to read)");
      }
      return *state_->current;
    }
    std::shared_ptr<State> state_;
  };

  // const: the walk is the range's state, shared by its iterators (a const range can be
  // walked, as std::ranges algorithms do).
  iterator begin() const {
    if (!state_) {
      // Moved from: the library's own answer for a missing cursor (DIALTIME_STATUS_INVALID_ARGUMENT),
      // as every other moved-from object gives.
      dialtime_group *none = nullptr;
      detail::call([&](dialtime_error **e) { return dialtime_group_cursor_next(nullptr, &none, e); });
      return end();
    }
    if (!state_->started) state_->advance();
    return state_->current ? iterator(state_) : end();
  }
  iterator end() const { return iterator(); }

 private:
  friend class DialTimeGroups;
  // Owns `cursor` from the start: if allocating the state throws, the cursor is freed.
  explicit GroupCursor(detail::Handle<dialtime_group_cursor, dialtime_group_cursor_free> cursor)
      : state_(std::make_shared<State>()) {
    state_->cursor = std::move(cursor);
  }

  std::shared_ptr<State> state_;
};

inline DialTimeGroups::GroupCursor DialTimeGroups::list_all(const std::string &user_id,
                                                           const std::optional<std::string> &sub_user_id,
                                                           const RequestOptions &options) const {
  const dialtime_request_options o = detail::c_options(options);
  dialtime_group_cursor *cursor = nullptr;
  detail::call([&](dialtime_error **e) {
    return dialtime_dial_time_groups_list_all(client_.get(), detail::c(user_id, "user_id"),
                                              sub_user_id ? detail::c(*sub_user_id, "sub_user_id") : nullptr, &o, &cursor, e);
  });
  return GroupCursor(detail::Handle<dialtime_group_cursor, dialtime_group_cursor_free>(cursor));
}

// The client: one connection pool; share it between threads. Copies share the same pool.
class Client {
 public:
  explicit Client(const ClientOptions &options = {}) {
    dialtime_client_builder *raw_builder = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_client_builder_new(&raw_builder, e); });
    const detail::Handle<dialtime_client_builder, dialtime_client_builder_free> b(raw_builder);
    if (options.base_url) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_base_url(b.get(), detail::c(*options.base_url, "base_url"), e);
      });
    }
    if (options.token) {
      detail::call([&](dialtime_error **e) { return dialtime_client_builder_set_token(b.get(), detail::c(*options.token, "token"), e); });
    }
    if (options.timeout) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_timeout_ms(b.get(), options.timeout->count(), e);
      });
    }
    if (options.connect_timeout) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_connect_timeout_ms(b.get(), options.connect_timeout->count(), e);
      });
    }
    if (options.max_retries || options.no_retries) {
      const std::int64_t retries = options.no_retries ? 0 : *options.max_retries;
      detail::call([&](dialtime_error **e) { return dialtime_client_builder_set_max_retries(b.get(), retries, e); });
    }
    if (options.deadline) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_deadline_ms(b.get(), options.deadline->count(), e);
      });
    }
    for (const std::string &pem : options.root_certificates_pem) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_add_root_certificate_pem(b.get(), detail::c(pem, "pem"), e);
      });
    }
    if (options.trust_only_root_certificates) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_trust_only_root_certificates(b.get(), true, e);
      });
    }
    if (options.proxy) {
      detail::call([&](dialtime_error **e) { return dialtime_client_builder_set_proxy(b.get(), detail::c(*options.proxy, "proxy"), e); });
    }
    if (options.ignore_env_proxy) {
      detail::call([&](dialtime_error **e) { return dialtime_client_builder_set_ignore_env_proxy(b.get(), true, e); });
    }
    for (const auto &[name, value] : options.default_headers) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_add_default_header(b.get(), detail::c(name, "name"), detail::c(value, "value"), e);
      });
    }
    if (options.user_agent_suffix) {
      detail::call([&](dialtime_error **e) {
        return dialtime_client_builder_set_user_agent_suffix(b.get(), detail::c(*options.user_agent_suffix, "user_agent_suffix"), e);
      });
    }
    dialtime_client *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_client_builder_build(b.get(), &raw, e); });
    handle_.reset(raw, dialtime_client_free);
  }

  // The resource; it shares this client's handle (valid even after this Client is gone).
  DialTimeGroups dial_time_groups() const { return DialTimeGroups(handle_); }

  // The C handle, for calls not wrapped here. Owned by this Client (and its copies).
  const dialtime_client *get() const noexcept { return handle_.get(); }

 private:
  std::shared_ptr<dialtime_client> handle_;
};

// The dialtime emulator on 127.0.0.1, for tests: started by the constructor, stopped by the
// destructor. Move-only.
class Emulator {
 public:
  Emulator(const Emulator &) = delete;
  Emulator &operator=(const Emulator &) = delete;
  Emulator(Emulator &&) noexcept = default;
  Emulator &operator=(Emulator &&) noexcept = default;
  ~Emulator() = default;

  Emulator() {
    dialtime_emulator *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_emulator_start(&raw, e); });
    handle_.reset(raw, dialtime_emulator_free);
  }

  // With options as JSON, every key optional: {"port":0,"token":"…","user_id":"…",
  // "sub_users":["…"],"groups":[…],"request_log_limit":10000,"tls":false}.
  explicit Emulator(const std::string &options_json) {
    dialtime_emulator *raw = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_emulator_start_json(detail::c(options_json, "options_json"), &raw, e);
    });
    handle_.reset(raw, dialtime_emulator_free);
  }

  std::string base_url() const { return detail::str(dialtime_emulator_base_url(handle_.get())); }
  std::string token() const { return detail::str(dialtime_emulator_token(handle_.get())); }
  std::string user_id() const { return detail::str(dialtime_emulator_user_id(handle_.get())); }
  std::uint64_t request_count() const { return dialtime_emulator_request_count(handle_.get()); }
  // The test CA's certificate (PEM) of an emulator serving HTTPS ({"tls":true}), else nullopt.
  std::optional<std::string> ca_pem() const {
    const char *pem = dialtime_emulator_ca_pem(handle_.get());
    return pem == nullptr ? std::nullopt : std::optional<std::string>(pem);
  }

  // Queues a fault for the next request(s): {"status":429,"retry_after":"1"}, {"delay_ms":500}…
  // Returns its id, for remove_fault.
  std::uint64_t push_fault_json(const std::string &json) {
    std::uint64_t id = 0;
    detail::call([&](dialtime_error **e) {
      return dialtime_emulator_push_fault_json(handle_.get(), detail::c(json, "json"), &id, e);
    });
    return id;
  }

  // Removes a queued fault; false when requests used it up already.
  bool remove_fault(std::uint64_t id) noexcept {
    return dialtime_emulator_remove_fault(handle_.get(), id);
  }
  std::uint64_t pending_faults() const noexcept {
    return dialtime_emulator_pending_faults(handle_.get());
  }
  // Drops every queued fault.
  void clear_faults() noexcept { dialtime_emulator_clear_faults(handle_.get()); }

  // A fault for as long as the returned guard lives: `auto outage = emu.fault(R"({"status":503})");`
  // The guard may outlive the Emulator: it then has nothing to remove.
  class ScopedFault {
   public:
    ScopedFault(const ScopedFault &) = delete;
    ScopedFault &operator=(const ScopedFault &) = delete;
    ScopedFault(ScopedFault &&other) noexcept = default;
    ScopedFault &operator=(ScopedFault &&) = delete;
    ~ScopedFault() {
      // An emulator already gone (destroyed, or replaced by assigning another) has nothing to
      // remove (a raw pointer here was used after the emulator was freed).
      if (const auto emu = emu_.lock()) dialtime_emulator_remove_fault(emu.get(), id_);
    }
    std::uint64_t id() const noexcept { return id_; }

   private:
    friend class Emulator;
    ScopedFault(std::weak_ptr<dialtime_emulator> emu, std::uint64_t id) : emu_(std::move(emu)), id_(id) {}
    std::weak_ptr<dialtime_emulator> emu_;
    std::uint64_t id_;
  };
  [[nodiscard]] ScopedFault fault(const std::string &json) {
    const std::uint64_t id = push_fault_json(json);
    return ScopedFault(handle_, id);
  }

  // Every API request received so far, oldest first, as a JSON array (the token never
  // appears); clear_requests() empties the log.
  std::string requests_json() const {
    char *out = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_emulator_requests_json(handle_.get(), &out, e);
    });
    return detail::take(out);
  }
  void clear_requests() noexcept { dialtime_emulator_clear_requests(handle_.get()); }
  // The last API request received, as one item of requests_json(); "null" before any.
  std::string last_request_json() const {
    char *out = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_emulator_last_request_json(handle_.get(), &out, e);
    });
    return detail::take(out);
  }

  // Options for a Client talking to this emulator (trusting its test CA when it serves HTTPS).
  ClientOptions client_options() const {
    ClientOptions options;
    options.base_url = base_url();
    options.token = token();
    if (auto pem = ca_pem()) options.root_certificates_pem.push_back(std::move(*pem));
    return options;
  }

 private:
  // Shared only with the ScopedFaults it made (weakly): an Emulator is move-only.
  std::shared_ptr<dialtime_emulator> handle_;
};

// A holiday calendar: Calendar::china() (the notices 2018–2026) or Calendar::empty(). Move-only.
class Calendar {
 public:
  static Calendar china() {
    dialtime_calendar *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_calendar_china(&raw, e); });
    return Calendar(raw);
  }
  static Calendar empty() {
    dialtime_calendar *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_calendar_empty(&raw, e); });
    return Calendar(raw);
  }
  // Loads holiday-cn JSON: a whole year (replacing that notice year) or a bare days list.
  void load_holiday_cn(const std::string &json) {
    detail::call([&](dialtime_error **e) { return dialtime_calendar_load_holiday_cn(handle_.get(), detail::c(json, "json"), e); });
  }
  bool covers(int year) const noexcept { return dialtime_calendar_covers(handle_.get(), year); }
  const dialtime_calendar *get() const noexcept { return handle_.get(); }

 private:
  explicit Calendar(dialtime_calendar *raw) : handle_(raw) {}
  struct Free {
    void operator()(dialtime_calendar *c) const noexcept { dialtime_calendar_free(c); }
  };
  std::unique_ptr<dialtime_calendar, Free> handle_;
};

struct ScheduleOptions {
  std::optional<std::string> zone;          // unset: Asia/Shanghai
  const Calendar *calendar = nullptr;       // copied; nullptr: the built-in China calendar
  std::optional<int> makeup_as_weekday;     // 0 = Sunday … 6; unset: each day's own weekday
  bool assume_no_holidays = false;
};

// A group's schedule, evaluated offline; instants are sys_seconds. Copies share
// the immutable schedule.
class Schedule {
 public:
  using Window = std::pair<sys_seconds, sys_seconds>;

  // From a group's JSON (`{"content": [...], "skip_holiday": true}`; a saved group works too).
  explicit Schedule(const std::string &group_json, const ScheduleOptions &options = {}) {
    dialtime_schedule_options o{};
    if (options.zone) o.zone = detail::c(*options.zone, "zone");
    if (options.calendar) {
      o.calendar = options.calendar->get();
      if (o.calendar == nullptr) detail::invalid_argument("ScheduleOptions::calendar was moved from");
    }
    if (options.makeup_as_weekday) {
      o.makeup_as_set = true;
      o.makeup_as_weekday = *options.makeup_as_weekday;
    }
    o.assume_no_holidays = options.assume_no_holidays;
    dialtime_schedule *raw = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_schedule_new_json(detail::c(group_json, "group_json"), &o, &raw, e); });
    handle_.reset(raw, dialtime_schedule_free);
  }

  bool is_open_at(sys_seconds t) const {
    bool open = false;
    detail::call([&](dialtime_error **e) { return dialtime_schedule_is_open_at(handle_.get(), t.time_since_epoch().count(), &open, e); });
    return open;
  }

  // The first open window whose end is after `t`, unclipped; nullopt within 370 days /
  // the calendar's coverage.
  std::optional<Window> next_window(sys_seconds t) const {
    bool found = false;
    std::int64_t start = 0, end = 0;
    detail::call([&](dialtime_error **e) {
      return dialtime_schedule_next_window(handle_.get(), t.time_since_epoch().count(), &found, &start, &end, e);
    });
    if (!found) return std::nullopt;
    return Window{sys_seconds(std::chrono::seconds(start)), sys_seconds(std::chrono::seconds(end))};
  }

  // The first instant at or after `t` when the dialer may call (`t` itself while a window is
  // open); nullopt as for next_window.
  std::optional<sys_seconds> next_allowed_instant(sys_seconds t) const {
    bool found = false;
    std::int64_t at = 0;
    detail::call([&](dialtime_error **e) {
      return dialtime_schedule_next_allowed_instant(handle_.get(), t.time_since_epoch().count(), &found, &at, e);
    });
    if (!found) return std::nullopt;
    return sys_seconds(std::chrono::seconds(at));
  }

  std::vector<Window> windows(sys_seconds from, sys_seconds to) const {
    dialtime_intervals *raw = nullptr;
    detail::call([&](dialtime_error **e) {
      return dialtime_schedule_windows(handle_.get(), from.time_since_epoch().count(), to.time_since_epoch().count(), &raw, e);
    });
    const detail::Handle<dialtime_intervals, dialtime_intervals_free> owned(raw);
    std::vector<Window> out;
    for (std::size_t i = 0, n = dialtime_intervals_count(raw); i < n; i++) {
      out.push_back({sys_seconds(std::chrono::seconds(dialtime_intervals_start(raw, i))),
                     sys_seconds(std::chrono::seconds(dialtime_intervals_end(raw, i)))});
    }
    return out;
  }

  std::chrono::seconds open_duration(sys_seconds from, sys_seconds to) const {
    std::int64_t secs = 0;
    detail::call([&](dialtime_error **e) {
      return dialtime_schedule_open_seconds(handle_.get(), from.time_since_epoch().count(), to.time_since_epoch().count(), &secs, e);
    });
    return std::chrono::seconds(secs);
  }

  // Why local `date` ("YYYY-MM-DD") has its windows, as JSON (see dialtime_schedule_day_json).
  std::string day_json(const std::string &date) const {
    char *out = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_schedule_day_json(handle_.get(), detail::c(date, "date"), &out, e); });
    return detail::take(out);
  }

  std::string summary(const std::string &lang = "zh") const {
    char *out = nullptr;
    detail::call([&](dialtime_error **e) { return dialtime_schedule_summary(handle_.get(), detail::c(lang, "lang"), &out, e); });
    return detail::take(out);
  }

 private:
  std::shared_ptr<dialtime_schedule> handle_;
};

}  // namespace dialtime

#endif  // DIALTIME_HPP
