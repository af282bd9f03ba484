// A C++ test of code that calls dialtime, against the emulator (any test framework works the
// same; plain asserts here). Build: c++ -std=c++17 test_standard_groups.cpp $(pkg-config
// --cflags --libs dialtime)
#include <cstdio>
#include <cstdlib>
#include <string>

#include <dialtime.hpp>

// A check that stays in release builds (unlike assert under NDEBUG).
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::exit(1);                                                          \
    }                                                                        \
  } while (0)

// The code under test: gives an account the company's standard group.
static std::int64_t install(dialtime::Client &client, const std::string &user_id) {
  dialtime::NewDialTimeGroup workdays{"工作日白天", {}, true, true, std::nullopt};
  for (int day = 1; day <= 5; day++) workdays.content.push_back({day, {{"09:00", "18:00"}}});
  return client.dial_time_groups().ensure(user_id, workdays).first.id;
}

int main() {
  dialtime::Emulator emu;  // or dialtime::Emulator(R"({"groups": [...], "sub_users": [...]})")
  dialtime::Client client(emu.client_options());

  const std::int64_t id = install(client, emu.user_id());
  CHECK(install(client, emu.user_id()) == id);
  const std::string log = emu.requests_json();  // a JSON array: method, path, query, body, ...
  CHECK(log.find(R"("method":"POST")") != std::string::npos);
  CHECK(log.find(R"("name":"工作日白天")") != std::string::npos);

  {
    auto outage = emu.fault(R"({"status":503,"times":10})");  // removed at the end of the block
    bool failed = false;
    try {
      install(client, emu.user_id());
    } catch (const dialtime::ServerError &) {
      failed = true;
    }
    CHECK(failed);
  }
  CHECK(emu.pending_faults() == 0);
  std::puts("standard group tests passed");
}
