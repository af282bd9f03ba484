// C++ tests of dialtime.hpp against the in-process emulator: values, every exception class,
// RAII and moves, 8 threads on one client. -std=c++17 -Wall -Wextra -Werror, under valgrind.
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>
#if __cplusplus >= 202002L
#include <ranges>
#endif

#include "dialtime.hpp"

static int failures = 0;
#define CHECK(cond)                                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      failures++;                                                               \
    }                                                                           \
  } while (0)

// Runs `f`, which must throw exactly E (not merely a base of it); returns the exception.
template <typename E, typename F>
static std::optional<E> expect_throw(F &&f, const char *what) {
  try {
    f();
  } catch (const E &e) {
    return e;
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: unexpected exception: %s\n", what, e.what());
  }
  std::fprintf(stderr, "%s: no exception\n", what);
  failures++;
  return std::nullopt;
}

static const dialtime::NewDialTimeGroup DOCUMENTED{
    "周一周三拨打",
    {{1, {{"08:00", "20:00"}, {"20:30", "22:00"}}}, {3, {{"08:00", "12:00"}, {"20:30", "22:00"}}}},
    true,
    true,
    std::nullopt};

static dialtime::ClientOptions options_for(const dialtime::Emulator &emu) {
  dialtime::ClientOptions o = emu.client_options();
  o.max_retries = 0;
  return o;
}

// A record written without timestamps (null, MySQL's zero date): empty optionals, where the
// whole answer failed to decode.
static void test_group_without_timestamps() {
  dialtime::Emulator emu;
  dialtime::Client client(options_for(emu));
  emu.push_fault_json(R"({"status":200,"body":"{\"code\":200,\"status\":\"success\",\"data\":{\"id\":9,\"name\":\"d\",\"user_id\":\"u\",\"content\":[],\"is_default\":true,\"created_at\":null,\"updated_at\":\"0000-00-00 00:00:00\"}}"})");
  const dialtime::DialTimeGroup bare = client.dial_time_groups().create(emu.user_id(), DOCUMENTED);
  CHECK(bare.id == 9 && !bare.created_at && !bare.created_at_text && !bare.updated_at && !bare.updated_at_text);
}

static void test_create_and_values() {
  dialtime::Emulator emu;
  dialtime::Client client(options_for(emu));
  const dialtime::DialTimeGroup g = client.dial_time_groups().create(emu.user_id(), DOCUMENTED);
  CHECK(g.id == 1);
  CHECK(g.name == "周一周三拨打");
  CHECK(g.user_id == emu.user_id());
  CHECK(g.is_default && g.skip_holiday);
  CHECK(!g.remark.has_value());
  CHECK(g.created_at_text && g.created_at_text->size() == 25 && g.created_at_text->find("+08:00") == 19);
  const auto now = std::chrono::system_clock::now();
  CHECK(g.created_at && std::chrono::abs(now - *g.created_at) < std::chrono::seconds(60));
  CHECK(g.updated_at == g.created_at && g.updated_at_text == g.created_at_text);
  CHECK(g.content.size() == 2 && g.content[1].week == 3);
  CHECK(g.content[0].times.size() == 2 && g.content[0].times[1].begin_time == "20:30");

  const std::string json = client.dial_time_groups().create_json(
      emu.user_id(), R"({"name":"json","content":[{"week":0,"times":[{"begin_time":"0:00","end_time":"24:00"}]}],"is_default":false,"skip_holiday":false})");
  CHECK(json.find("\"begin_time\":\"00:00\"") != std::string::npos);
  CHECK(json.find("\"id\":2") != std::string::npos);

  dialtime::validate_json(R"({"name":"x","content":[{"week":1,"times":[{"begin_time":"08:00","end_time":"09:00"}]}],"is_default":true,"skip_holiday":false})");
  auto v = expect_throw<dialtime::ValidationError>([] { dialtime::validate_json(R"({"name":"","content":[]})"); }, "validate");
  if (v) {
    CHECK(v->kind() == DIALTIME_STATUS_VALIDATION);
    CHECK(v->problems().size() == 4);
    CHECK(!v->problems().empty() && v->problems()[0].path == "name" && !v->problems()[0].message.empty());
  }
  // The acceptance case: every problem at once, with its path, as in every other language.
  const dialtime::NewDialTimeGroup three{"", {{1, {{"20:00", "08:00"}}}, {9, {{"08:00", "09:00"}}}}, false, false, std::nullopt};
  auto all = expect_throw<dialtime::ValidationError>([&] { client.dial_time_groups().create(emu.user_id(), three); }, "three problems");
  if (all) {
    CHECK(all->problems().size() == 3);
    if (all->problems().size() == 3) {
      CHECK(all->problems()[0].path == "name");
      CHECK(all->problems()[1].path == "content[0].times[0].end_time");
      CHECK(all->problems()[2].path == "content[1].week");
    }
  }
  auto bad = DOCUMENTED;
  bad.content.push_back({-1, {{"08:00", "09:00"}}});
  auto neg = expect_throw<dialtime::ValidationError>([&] { client.dial_time_groups().create(emu.user_id(), bad); }, "week -1");
  if (neg) CHECK(neg->problems().size() == 1 && neg->problems()[0].path == "content[2].week");
  auto overlapping = DOCUMENTED;
  overlapping.content[0].times.push_back({"19:00", "21:00"});
  overlapping.sub_user_id = "not-a-uuid";
  auto o = expect_throw<dialtime::ValidationError>([&] { client.dial_time_groups().create(emu.user_id(), overlapping); }, "overlap");
  if (o) CHECK(o->problems().size() >= 2);
  CHECK(emu.request_count() == 2);

  static_assert(std::is_copy_constructible_v<dialtime::Client>, "Client copies share the pool");
  static_assert(std::is_nothrow_move_constructible_v<dialtime::Client>, "Client moves");
  static_assert(!std::is_copy_constructible_v<dialtime::Emulator>, "Emulator is move-only");
  dialtime::Client moved = std::move(client);
  CHECK(moved.dial_time_groups().create(emu.user_id(), DOCUMENTED).id == 3);
}

// The resource and the list_all range outlive the Client and range that made them (these were
// use-after-frees under ASan before they shared ownership).
static dialtime::DialTimeGroups groups_of(const dialtime::Emulator &emu) {
  dialtime::Client c(options_for(emu));
  return c.dial_time_groups();
}

static void test_lifetimes() {
  dialtime::Emulator emu;
  const dialtime::DialTimeGroups groups = groups_of(emu);
  for (int i = 0; i < 20; i++) groups.create(emu.user_id(), {"g" + std::to_string(i), {{1, {{"09:00", "10:00"}}}}, false, false, std::nullopt});
  CHECK(groups.list(emu.user_id()).total == 20);

  auto it = groups.list_all(emu.user_id()).begin();  // the range is a temporary
  CHECK(it->name == "g0");
  ++it;
  CHECK(it->name == "g1");

  auto range = groups.list_all(emu.user_id());
  std::vector<std::string> names;
  for (auto i = range.begin(); i != range.end() && names.size() < 2; ++i) names.push_back(i->name);
  for (auto i = range.begin(); i != range.end(); ++i) names.push_back(i->name);  // continues, no skip
  // The first loop stopped after ++ had loaded g2: begin() resumes there, nothing is skipped
  // or seen twice.
  CHECK(names.size() == 20);
  if (names.size() == 20) CHECK(names[0] == "g0" && names[1] == "g1" && names[2] == "g2" && names[19] == "g19");

  // A moved-from range throws like every moved-from object (begin() read a null state).
  auto all = groups.list_all(emu.user_id());
  auto taken = std::move(all);
  expect_throw<dialtime::Error>([&] { (void)all.begin(); }, "moved-from list_all range");  // NOLINT(bugprone-use-after-move)
  CHECK(taken.begin()->name == "g0");
}

// A partial update keeps the fields it does not set.
static void test_partial_update() {
  dialtime::Emulator emu;
  const dialtime::Client client(options_for(emu));
  const auto groups = client.dial_time_groups();
  const auto saved = groups.create(emu.user_id(), DOCUMENTED);
  CHECK(saved.is_default && saved.skip_holiday);
  const auto renamed = groups.update(emu.user_id(), saved.id, {"改名"});
  CHECK(renamed.name == "改名" && renamed.is_default && renamed.skip_holiday);
  CHECK(renamed.content.size() == 2);
  dialtime::DialTimeGroupUpdate off{"改名"};
  off.skip_holiday = false;
  const auto changed = groups.update(emu.user_id(), saved.id, off);
  CHECK(changed.is_default && !changed.skip_holiday && changed.content.size() == 2);
  dialtime::DialTimeGroupUpdate content{"改名"};
  content.content = std::vector<dialtime::DaySchedule>{{5, {{"08:00", "09:00"}}}};
  const auto moved = groups.update(emu.user_id(), saved.id, content);
  CHECK(moved.content.size() == 1 && moved.content[0].week == 5 && moved.is_default);
  dialtime::DialTimeGroupUpdate wrong{""};
  wrong.content = std::vector<dialtime::DaySchedule>{{7, {{"10:00", "09:00"}}}};
  auto e = expect_throw<dialtime::ValidationError>([&] { groups.update(emu.user_id(), saved.id, wrong); }, "bad update");
  if (e) CHECK(e->problems().size() == 3);
  // Content given but empty is refused, not taken for "keep it".
  dialtime::DialTimeGroupUpdate emptied{"改名"};
  emptied.content = std::vector<dialtime::DaySchedule>{};
  auto none = expect_throw<dialtime::ValidationError>([&] { groups.update(emu.user_id(), saved.id, emptied); }, "empty content");
  if (none) CHECK(!none->problems().empty() && none->problems()[0].path == "content");
}

// Days reach the library as given: an empty day or a weekday listed twice is refused with its
// path (the C add_time functions grouped ranges by weekday: the empty day vanished, the
// repeated weekday merged); a NUL byte is part of a name (JSON carries it), and refused in an
// argument that crosses the C ABI as a C string (it ended the string there).
static void test_content_as_given() {
  dialtime::Emulator emu;
  const dialtime::Client client(options_for(emu));
  const auto groups = client.dial_time_groups();
  const dialtime::NewDialTimeGroup empty_day{"g", {{1, {{"08:00", "20:00"}}}, {2, {}}}, false, false, std::nullopt};
  auto e = expect_throw<dialtime::ValidationError>([&] { groups.create(emu.user_id(), empty_day); }, "empty day");
  if (e) CHECK(e->problems().size() == 1 && e->problems()[0].path == "content[1].times");
  const dialtime::NewDialTimeGroup twice{
      "g", {{1, {{"08:00", "09:00"}}}, {2, {{"10:00", "11:00"}}}, {1, {{"25:00", "26:00"}}}}, false, false, std::nullopt};
  auto t = expect_throw<dialtime::ValidationError>([&] { groups.create(emu.user_id(), twice); }, "weekday twice");
  if (t) {
    bool week = false, range = false;
    for (const auto &p : t->problems()) {
      week = week || p.path == "content[2].week";
      range = range || p.path.rfind("content[2].times[0]", 0) == 0;
    }
    CHECK(week && range);
  }
  const dialtime::NewDialTimeGroup quoted{"a \"quoted\"\t\\ name", {{1, {{"08:00", "09:00"}}}}, false, false, std::nullopt};
  CHECK(groups.create(emu.user_id(), quoted).name == quoted.name);
  // A NUL is refused naming the field: the C accessors could only read it back cut or
  // replaced, so the saved group would never equal the one sent (ensure would update forever).
  const dialtime::NewDialTimeGroup nul{std::string("Night\0 shift", 12), {{1, {{"08:00", "09:00"}}}}, false, false, std::nullopt};
  auto refused = expect_throw<dialtime::ValidationError>([&] { (void)groups.create(emu.user_id(), nul); }, "NUL in a name");
  if (refused) CHECK(!refused->problems().empty() && refused->problems()[0].path == "name");
  CHECK(emu.requests_json().find("Night") == std::string::npos);
  auto user = expect_throw<dialtime::InvalidArgumentError>([&] { groups.list(std::string(emu.user_id()) + std::string("\0x", 2)); }, "NUL in an id");
  if (user) CHECK(std::string(user->what()).find("user_id") != std::string::npos);
  expect_throw<dialtime::InvalidArgumentError>([&] { groups.list(std::string("\xff\xfe")); }, "not UTF-8");
  CHECK(dialtime::time_of_day(std::chrono::minutes(-30)) == "-0:30");
  CHECK(dialtime::time_of_day(std::chrono::minutes(8 * 60 + 5)) == "8:05");
  CHECK(emu.request_count() == 1);  // the quoted name; nothing for the refused ones
}

// Options that used to fall back silently: an empty URL or token, a negative timeout.
static void test_options() {
  dialtime::Emulator emu;
  dialtime::ClientOptions o = options_for(emu);
  o.base_url = "";
  expect_throw<dialtime::ConfigError>([&] { dialtime::Client c(o); }, "empty base_url");
  o = options_for(emu);
  o.token = "";
  expect_throw<dialtime::ConfigError>([&] { dialtime::Client c(o); }, "empty token");
  o = options_for(emu);
  o.timeout = std::chrono::milliseconds(-5);
  auto neg = expect_throw<dialtime::ConfigError>([&] { dialtime::Client c(o); }, "negative timeout");
  if (neg) CHECK(std::string(neg->what()).find("timeout_ms") != std::string::npos);
  // A list_all iterator at its end, or after a ++ that threw, throws when read (it was
  // undefined behaviour: an empty optional dereferenced).
  {
    dialtime::Client client(options_for(emu));
    auto walk = client.dial_time_groups().list_all(emu.user_id());
    auto it = walk.end();
    auto at_end = expect_throw<dialtime::InvalidArgumentError>([&] { (void)*it; }, "read at end");
    if (at_end) CHECK(at_end->kind() == DIALTIME_STATUS_INVALID_ARGUMENT);
    const auto outage = emu.push_fault_json(R"({"status":503,"times":10})");
    auto failing = client.dial_time_groups().list_all(emu.user_id());
    expect_throw<dialtime::ServerError>([&] { (void)failing.begin(); }, "first page fails");
    emu.remove_fault(outage);
  }
  // A per-call timeout or deadline set to 0 or less is refused, never the client's.
  {
    dialtime::Client client(options_for(emu));
    const auto groups = client.dial_time_groups();
    for (const long ms : {0L, -3L}) {
      dialtime::RequestOptions zero;
      zero.timeout = std::chrono::milliseconds(ms);
      auto e = expect_throw<dialtime::ConfigError>([&] { groups.list(emu.user_id(), 1, std::nullopt, zero); }, "set timeout <= 0");
      if (e) CHECK(std::string(e->what()).find("timeout_ms") != std::string::npos);
      dialtime::RequestOptions none;
      none.deadline = std::chrono::milliseconds(ms);
      expect_throw<dialtime::ConfigError>([&] { groups.list(emu.user_id(), 1, std::nullopt, none); }, "set deadline <= 0");
    }
  }
  o = options_for(emu);
  o.base_url = "https://user:s3cret@example.com/?token=T0KEN";
  auto cred = expect_throw<dialtime::ConfigError>([&] { dialtime::Client c(o); }, "credentials");
  if (cred) {
    CHECK(std::string(cred->what()).find("s3cret") == std::string::npos);
    CHECK(std::string(cred->what()).find("T0KEN") == std::string::npos);
  }
}

static void test_exceptions() {
  dialtime::Emulator emu;
  const std::string user = emu.user_id();
  const std::string secret = "sk-live-0123456789abcdef";
  {
    dialtime::ClientOptions o = options_for(emu);
    o.token = secret;
    dialtime::Client bad(o);
    auto e = expect_throw<dialtime::AuthenticationError>([&] { bad.dial_time_groups().create(user, DOCUMENTED); }, "401");
    if (e) {
      CHECK(e->http_status() == 401 && e->kind() == DIALTIME_STATUS_AUTHENTICATION);
      CHECK(e->envelope_code() == 401 && e->api_message().has_value() && e->body_excerpt().has_value());
      CHECK(std::string(e->what()).find(secret) == std::string::npos);
    }
    // A payload field given the token by mistake: read before the call, its problem quoted it.
    auto with_token = DOCUMENTED;
    with_token.sub_user_id = secret;
    dialtime::DialTimeGroupUpdate update{"x"};
    update.sub_user_id = secret;
    const auto groups = bad.dial_time_groups();
    for (const auto &[what, call] : std::vector<std::pair<const char *, std::function<void()>>>{
             {"create", [&] { groups.create(user, with_token); }},
             {"ensure", [&] { groups.ensure(user, with_token); }},
             {"update", [&] { groups.update(user, 1, update); }}}) {
      auto v = expect_throw<dialtime::ValidationError>(call, what);
      if (v) {
        CHECK(std::string(v->what()).find("sk-live-01234567") == std::string::npos);
        CHECK(std::string(v->what()).find("[redacted]") != std::string::npos);
        for (const auto &p : v->problems()) CHECK(p.message.find("sk-live-01234567") == std::string::npos);
      }
    }
  }
  dialtime::Client client(options_for(emu));
  auto groups = client.dial_time_groups();

  emu.push_fault_json(R"({"status":422,"body":"{\"message\":\"invalid\",\"errors\":{\"name\":[\"required\"]}}"})");
  auto api = expect_throw<dialtime::APIError>([&] { groups.create(user, DOCUMENTED); }, "422");
  if (api) CHECK(api->http_status() == 422 && api->problems().size() == 1 && api->problems().at(0).path == "name");

  emu.push_fault_json(R"({"status":200,"code":404,"message":"用户不存在"})");
  auto nf = expect_throw<dialtime::NotFoundError>([&] { groups.create(user, DOCUMENTED); }, "envelope 404");
  if (nf) CHECK(nf->http_status() == 200);

  {
    dialtime::ClientOptions o = options_for(emu);
    o.base_url = *o.base_url + "/not-here";
    dialtime::Client wrong(o);
    expect_throw<dialtime::NotFoundError>([&] { wrong.dial_time_groups().create(user, DOCUMENTED); }, "404");
  }

  emu.push_fault_json(R"({"status":429,"retry_after":"7"})");
  auto rl = expect_throw<dialtime::RateLimitError>([&] { groups.create(user, DOCUMENTED); }, "429");
  if (rl) CHECK(rl->retry_after() == std::chrono::milliseconds(7000));
  // Weekday names the platform's numbers; a time of day from std::chrono.
  CHECK(dialtime::Sunday == 0 && dialtime::Saturday == 6);
  CHECK(dialtime::time_of_day(std::chrono::hours(8)) == "8:00");
  CHECK(dialtime::time_of_day(std::chrono::minutes(20 * 60 + 5)) == "20:05");
  const auto typed = groups.create(user, {"typed", {{dialtime::Friday, {{dialtime::time_of_day(std::chrono::hours(9)), "17:30"}}}},
                                          false, false, std::nullopt});
  CHECK(typed.content.at(0).week == dialtime::Friday && typed.content.at(0).times.at(0).begin_time == "09:00");
  auto verr = expect_throw<dialtime::ValidationError>([] { dialtime::validate_json("{}"); }, "no answer");
  if (verr) CHECK(!verr->http_status() && !verr->envelope_code() && !verr->api_message() && !verr->body_excerpt());

  emu.push_fault_json(R"({"status":503})");
  auto down = expect_throw<dialtime::ServerError>([&] { groups.create(user, DOCUMENTED); }, "503");
  if (down) CHECK(!down->may_have_been_applied());
  // A gateway's 504 may follow the work done upstream: the create may have been made.
  emu.push_fault_json(R"({"status":504})");
  auto gateway = expect_throw<dialtime::ServerError>([&] { groups.create(user, DOCUMENTED); }, "504");
  if (gateway) CHECK(gateway->may_have_been_applied() && gateway->http_status() == 504);

  emu.push_fault_json(R"({"status":200,"body":"<html>"})");
  auto unread = expect_throw<dialtime::DecodeError>([&] { groups.create(user, DOCUMENTED); }, "malformed");
  if (unread) CHECK(unread->may_have_been_applied());

  {
    dialtime::ClientOptions o = options_for(emu);
    o.timeout = std::chrono::milliseconds(200);
    dialtime::Client slow(o);
    emu.push_fault_json(R"({"delay_ms":3000})");
    auto t = expect_throw<dialtime::TimeoutError>([&] { slow.dial_time_groups().create(user, DOCUMENTED); }, "timeout");
    if (t) CHECK(t->kind() == DIALTIME_STATUS_TIMEOUT);
  }

  std::string url;
  {
    dialtime::Emulator gone;
    url = gone.base_url();
  }
  dialtime::ClientOptions gone;
  gone.base_url = url;
  gone.token = "t";
  gone.max_retries = 0;
  dialtime::Client refused(gone);
  expect_throw<dialtime::ConnectionError>([&] { refused.dial_time_groups().create(user, DOCUMENTED); }, "refused");

  dialtime::ClientOptions ftp;
  ftp.base_url = "ftp://example.com";
  ftp.token = "t";
  expect_throw<dialtime::ConfigError>([&] { dialtime::Client c(ftp); }, "config");
  auto inv = expect_throw<dialtime::Error>([&] { dialtime::validate_json(std::string("\xff\xfe")); }, "utf-8");
  if (inv) CHECK(inv->kind() == DIALTIME_STATUS_VALIDATION || inv->kind() == DIALTIME_STATUS_INVALID_ARGUMENT);
}

static void test_list_update_remove_ensure() {
  dialtime::Emulator emu;
  const dialtime::Client client(options_for(emu));
  const auto groups = client.dial_time_groups();
  const std::string user = emu.user_id();
  for (int i = 0; i < 40; i++) {
    groups.create(user, {"g" + std::to_string(i), {{i % 7, {{"09:00", "17:00"}}}}, false, false, std::nullopt});
  }
  const dialtime::Page first = groups.list(user);
  CHECK(first.data.size() == 15 && first.last_page == 3u && first.per_page == 15u && first.total == 40 && first.has_more);
  std::vector<std::string> names;
  for (const dialtime::DialTimeGroup &g : groups.list_all(user)) names.push_back(g.name);
  CHECK(names.size() == 40 && names.front() == "g0" && names.back() == "g39");
  const std::uint64_t before = emu.request_count();
  std::size_t n = 0;
  for (const auto &g : groups.list_all(user)) {
    (void)g;
    if (++n == 10) break;
  }
  CHECK(emu.request_count() - before == 1);

  const auto updated = groups.update(user, 1, {"renamed", std::nullopt, true, false, std::nullopt});
  CHECK(updated.name == "renamed" && updated.is_default && updated.content.size() == 1);
  CHECK(groups.update_json(user, 2, R"({"name":"two"})").find("\"name\":\"two\"") != std::string::npos);
  groups.remove(user, 3);
  expect_throw<dialtime::NotFoundError>([&] { groups.remove(user, 3); }, "remove twice");
  expect_throw<dialtime::NotFoundError>([&] { groups.update(user, 999, {"x"}); }, "update 999");

  const dialtime::NewDialTimeGroup wanted{"工作日", {{1, {{"08:00", "12:00"}}}}, false, true, std::nullopt};
  auto [g1, o1] = groups.ensure(user, wanted);
  CHECK(o1 == dialtime::Outcome::created);
  auto [g2, o2] = groups.ensure(user, wanted);
  CHECK(o2 == dialtime::Outcome::unchanged && g2.id == g1.id);
  auto changed = wanted;
  changed.skip_holiday = false;
  auto [g3, o3] = groups.ensure(user, changed);
  CHECK(o3 == dialtime::Outcome::updated && g3.id == g1.id && !g3.skip_holiday);

  dialtime::Emulator empty;
  const dialtime::Client other(options_for(empty));
  std::size_t none = 0;
  for (const auto &g : other.dial_time_groups().list_all(empty.user_id())) {
    (void)g;
    none++;
  }
  CHECK(none == 0);
}

static void test_threads() {
  dialtime::Emulator emu;
  const dialtime::Client client(options_for(emu));
  std::vector<std::thread> threads;
  std::vector<std::vector<std::int64_t>> ids(8);
  std::atomic<int> errors{0};
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; i++) {
        try {
          ids[t].push_back(client.dial_time_groups().create(emu.user_id(), {"thread", {{i % 7, {{"09:00", "17:00"}}}}, false, false, std::nullopt}).id);
        } catch (const dialtime::Error &) {
          errors++;
        }
      }
    });
  }
  for (auto &th : threads) th.join();
  std::set<std::int64_t> all;
  for (auto &v : ids) all.insert(v.begin(), v.end());
  CHECK(errors == 0);
  CHECK(all.size() == 40 && *all.begin() == 1 && *all.rbegin() == 40);
}

static void test_schedule() {
  using std::chrono::hours;
  using std::chrono::seconds;
  using dialtime::sys_seconds;
  const std::string weekdays =
      R"({"content":[{"week":1,"times":[{"begin_time":"09:00","end_time":"18:00"}]},)"
      R"({"week":4,"times":[{"begin_time":"09:00","end_time":"18:00"}]}],"skip_holiday":true})";
  const dialtime::Schedule s(weekdays);
  const sys_seconds national_day(seconds(1790820000));  // 2026-10-01 10:00+08, a Thursday
  CHECK(!s.is_open_at(national_day));
  const auto next = s.next_window(national_day);
  CHECK(next && next->first == sys_seconds(seconds(1791421200)));  // 2026-10-08 09:00+08
  CHECK(s.open_duration(next->first, next->second) == hours(9));
  CHECK(next && s.next_allowed_instant(national_day) == next->first);  // closed: the next start
  CHECK(next && s.next_allowed_instant(next->first + hours(1)) == next->first + hours(1));  // open: now
  CHECK(s.summary("en") == "Mon 09:00–18:00; Thu 09:00–18:00; skips public holidays");
  CHECK(s.day_json("2026-10-01").find("国庆节") != std::string::npos);
  bool thrown = false;
  try {
    s.is_open_at(sys_seconds(seconds(1799028000)));  // 2027-01-04
  } catch (const dialtime::CalendarNotCoveredError &e) {
    thrown = e.year() == 2027 && e.kind() == DIALTIME_STATUS_CALENDAR_NOT_COVERED;
  }
  CHECK(thrown);
  dialtime::Calendar calendar = dialtime::Calendar::china();
  calendar.load_holiday_cn(R"({"year":2027,"days":[]})");
  dialtime::ScheduleOptions o;
  o.calendar = &calendar;
  o.zone = "America/New_York";
  const dialtime::Schedule ny(weekdays, o);
  CHECK(ny.is_open_at(sys_seconds(seconds(1799074800))));  // 2027-01-04 10:00-05
  const auto week = ny.windows(sys_seconds(seconds(1799020800)), sys_seconds(seconds(1799020800 + 7 * 86400)));
  CHECK(week.size() == 2);
  thrown = false;
  try {
    dialtime::ScheduleOptions bad;
    bad.zone = "Mars/Olympus";
    dialtime::Schedule nope(weekdays, bad);
  } catch (const dialtime::ValidationError &e) {
    thrown = !e.problems().empty() && e.problems()[0].path == "zone";
  }
  CHECK(thrown);
}

// The testing kit: options as JSON with seed groups, the request log, scoped faults.
static void test_testing_kit() {
  dialtime::Emulator emu(R"({"groups":[{"name":"种子","content":[{"week":1,"times":[{"begin_time":"09:00","end_time":"12:00"}]}],"is_default":true,"skip_holiday":false}]})");
  dialtime::Client client(options_for(emu));
  auto groups = client.dial_time_groups();
  CHECK(groups.list(emu.user_id()).data.size() == 1);
  {
    auto outage = emu.fault(R"({"status":503,"times":3})");
    CHECK(emu.pending_faults() == 3);
    expect_throw<dialtime::ServerError>([&] { groups.list(emu.user_id()); }, "scoped 503");
  }
  CHECK(emu.pending_faults() == 0);
  CHECK(groups.list(emu.user_id()).data.size() == 1);
  {
    // A scoped fault outliving its emulator (replaced by assignment) removes nothing; it used
    // the freed emulator (valgrind: an invalid read in dialtime_emulator_remove_fault).
    dialtime::Emulator other;
    auto stale = other.fault(R"({"status":500})");
    other = dialtime::Emulator();
    CHECK(other.pending_faults() == 0);
  }
  const std::string log = emu.requests_json();
  CHECK(log.find(R"("method":"GET")") != std::string::npos);
  CHECK(log.find(emu.token()) == std::string::npos);
  const std::string last = emu.last_request_json();
  CHECK(last.find(R"("method":"GET")") != std::string::npos && last.find(emu.token()) == std::string::npos);
  emu.clear_requests();
  CHECK(emu.requests_json() == "[]");
  (void)emu.push_fault_json(R"({"status":500})");
  (void)emu.push_fault_json(R"({"status":502,"times":2})");
  CHECK(emu.pending_faults() == 3);
  emu.clear_faults();
  CHECK(emu.pending_faults() == 0);
  CHECK(!emu.ca_pem().has_value());
  {
    dialtime::Emulator fresh;
    CHECK(fresh.last_request_json() == "null");
  }
  {
    // Over HTTPS: client_options() trusts the emulator's test CA.
    dialtime::Emulator tls(R"({"tls":true})");
    const auto pem = tls.ca_pem();
    CHECK(pem && pem->find("BEGIN CERTIFICATE") != std::string::npos);
    CHECK(tls.base_url().rfind("https://", 0) == 0);
    dialtime::Client over_tls(options_for(tls));
    CHECK(over_tls.dial_time_groups().list(tls.user_id()).data.empty());
    // Another emulator's CA does not do.
    const dialtime::Emulator other_tls(R"({"tls":true})");
    dialtime::ClientOptions untrusted = options_for(tls);
    untrusted.root_certificates_pem = {other_tls.ca_pem().value_or("")};
    untrusted.trust_only_root_certificates = true;
    expect_throw<dialtime::ConnectionError>(
        [&] { dialtime::Client(untrusted).dial_time_groups().list(tls.user_id()); }, "another CA");
  }
  expect_throw<dialtime::ValidationError>([] { dialtime::Emulator bad(R"({"port":"x"})"); }, "bad options");

  // A successful call's answer, on request.
  dialtime::ResponseRecorder recorder;
  CHECK(!recorder.last().has_value());
  dialtime::RequestOptions recorded;
  recorded.recorder = &recorder;
  groups.list(emu.user_id(), 1, std::nullopt, recorded);
  const auto answer = recorder.last();
  CHECK(answer && answer->http_status == 200 && answer->attempts == 1);
  CHECK(answer && answer->request_id.has_value() && answer->request_id->rfind("emu-", 0) == 0);
  CHECK(answer && !answer->headers.empty() && answer->path.find("/dial-time-group") != std::string::npos);
}

#if __cplusplus >= 202002L
// list_all's iterator is a C++20 input iterator, and its range a std::ranges::input_range:
// views and algorithms take it (it had no it++ and no const begin()).
static_assert(std::input_iterator<dialtime::DialTimeGroups::GroupCursor::iterator>);
static_assert(std::ranges::input_range<const dialtime::DialTimeGroups::GroupCursor>);
#endif

// What a careful user relies on (found by an audit): values with defined defaults, fields the
// C ABI cannot carry named, list_all's iterator as the standard's, a C++ logger that throws.
static void test_values_iterators_and_the_logger() {
  // Default-constructed values hold defined values (id, flags, week were indeterminate: a
  // copy of one was undefined behaviour, a forgotten week sent whatever was in memory).
  const dialtime::DialTimeGroup none;
  const dialtime::DialTimeGroup copied = none;
  CHECK(copied.id == 0 && !copied.is_default && !copied.skip_holiday);
  const dialtime::Page empty;
  CHECK(empty.current_page == 0 && !empty.has_more);
  dialtime::Emulator emu;
  dialtime::Client client(options_for(emu));
  auto groups = client.dial_time_groups();
  dialtime::DaySchedule forgotten;
  forgotten.times = {{"09:00", "18:00"}};
  auto unset = expect_throw<dialtime::ValidationError>(
      [&] { groups.create(emu.user_id(), {"no week", {forgotten}, false, false, std::nullopt}); }, "week unset");
  if (unset) CHECK(!unset->problems().empty() && unset->problems()[0].path == "content[0].week");

  // Bytes that are not UTF-8 are refused naming the field (Latin-1 gave "json is not valid
  // UTF-8" with no field); a NUL in a name breaks the library's rule (it came back as U+FFFD).
  auto latin1 = expect_throw<dialtime::InvalidArgumentError>(
      [&] { groups.create(emu.user_id(), {"caf\xe9", {{1, {{"09:00", "18:00"}}}}, false, false, std::nullopt}); },
      "Latin-1 name");
  if (latin1) CHECK(std::strstr(latin1->what(), "name is not valid UTF-8") != nullptr);
  auto nul = expect_throw<dialtime::ValidationError>(
      [&] { groups.create(emu.user_id(), {std::string("x\0y", 3), {{1, {{"09:00", "18:00"}}}}, false, false, std::nullopt}); },
      "NUL in a name");
  if (nul) CHECK(std::strstr(nul->what(), "must not contain a NUL character") != nullptr);
  auto bad_time = expect_throw<dialtime::InvalidArgumentError>(
      [&] { groups.create(emu.user_id(), {"t", {{1, {{"09:00", "\xff"}}}}, false, false, std::nullopt}); },
      "a time that is not UTF-8");
  if (bad_time) CHECK(std::strstr(bad_time->what(), "content[0].times[0].end_time") != nullptr);
  CHECK(emu.request_count() == 0);
  // Overlong forms and surrogates are not UTF-8 either; every real character is.
  CHECK(!dialtime::detail::is_utf8("\xc0\xaf") && !dialtime::detail::is_utf8("\xed\xa0\x80"));
  CHECK(!dialtime::detail::is_utf8("\xf4\x90\x80\x80") && !dialtime::detail::is_utf8("\xe4\xb8"));
  CHECK(dialtime::detail::is_utf8("工作日 📞 café"));

  // it++ advances; a const range is walked.
  for (const char *name : {"a", "b", "c"}) {
    groups.create(emu.user_id(), {name, {{1, {{"09:00", "18:00"}}}}, false, false, std::nullopt});
  }
  const auto range = groups.list_all(emu.user_id());
  std::vector<std::string> names;
  for (auto it = range.begin(); it != range.end(); it++) names.push_back(it->name);
  CHECK((names == std::vector<std::string>{"a", "b", "c"}));
  // `*it++` reads the group it was at (C++17's input iterator requirement).
  auto again = groups.list_all(emu.user_id());
  auto it = again.begin();
  const dialtime::DialTimeGroup first = *it++;
  CHECK(first.name == "a" && it->name == "b");

  // A logger that throws: the exception stops at the wrapper (it aborted the process).
  std::atomic<int> lines{0};
  dialtime::set_logger([&](dialtime_log_level, const char *line) {
    lines++;
    throw std::runtime_error(line);
  });
  CHECK(groups.list(emu.user_id()).data.size() == 3);
  dialtime::set_logger(nullptr);
  CHECK(lines.load() >= 1);
  const int seen = lines.load();
  CHECK(groups.list(emu.user_id()).data.size() == 3);
  CHECK(lines.load() == seen);

  // A name's quotes, backslashes and control characters are escaped (the characters between
  // them appended as runs), and it comes back as given.
  for (const std::string &odd : {std::string("q\"b\\s\x01\x1f" "工\""), std::string("\\"), std::string("x\ny\""),
                                 std::string("a\"bc")}) {
    CHECK(groups.create(emu.user_id(), {odd, {{2, {{"09:00", "18:00"}}}}, false, false, std::nullopt}).name == odd);
  }
  // Times come back as "HH:MM", the end of the day as "24:00".
  const auto late = groups.create(emu.user_id(), {"late", {{4, {{"0:30", "1:00"}, {"20:00", "24:00"}}}}, false, false, std::nullopt});
  CHECK(late.content.size() == 1 && late.content[0].times.size() == 2);
  if (late.content.size() == 1 && late.content[0].times.size() == 2) {
    CHECK(late.content[0].times[0].begin_time == "00:30" && late.content[0].times[0].end_time == "01:00");
    CHECK(late.content[0].times[1].begin_time == "20:00" && late.content[0].times[1].end_time == "24:00");
  }
}

int main() {
  CHECK(dialtime::version().size() >= 5);
  test_schedule();
  test_create_and_values();
  test_group_without_timestamps();
  test_exceptions();
  test_lifetimes();
  test_partial_update();
  test_content_as_given();
  test_options();
  test_list_update_remove_ensure();
  test_threads();
  test_testing_kit();
  test_values_iterators_and_the_logger();
  if (failures) {
    std::fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  std::printf("C++ tests passed (dialtime %s)\n", dialtime::version().c_str());
  return 0;
}
