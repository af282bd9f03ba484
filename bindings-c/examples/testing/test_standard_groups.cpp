// A C++ test of code that calls dialtime, against the emulator (any test framework works the
// same; plain asserts here). Build: c++ -std=c++17 test_standard_groups.cpp $(pkg-config
// --cflags --libs dialtime)
#include <cassert>
#include <cstdio>
#include <string>

#include <dialtime.hpp>

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
  assert(install(client, emu.user_id()) == id);
  const std::string log = emu.requests_json();  // a JSON array: method, path, query, body, ...
  assert(log.find(R"("method":"POST")") != std::string::npos);
  assert(log.find(R"("name":"工作日白天")") != std::string::npos);

  {
    auto outage = emu.fault(R"({"status":503,"times":10})");  // removed at the end of the block
    try {
      install(client, emu.user_id());
      assert(!"an outage must fail the call");
    } catch (const dialtime::ServerError &) {
    }
  }
  assert(emu.pending_faults() == 0);
  std::puts("standard group tests passed");
}
