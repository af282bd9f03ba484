// A complete C++ program: save the documented dial time group (against the in-process
// emulator; for the platform, use dialtime::Client{} with DIALTIME_TOKEN set).
#include <iostream>

#include <dialtime.hpp>

int main() {
  dialtime::Emulator emu;
  dialtime::Client client(emu.client_options());
  try {
    const dialtime::DialTimeGroup saved = client.dial_time_groups().create(
        emu.user_id(), {"周一周三拨打",
                        {{1, {{"08:00", "20:00"}, {"20:30", "22:00"}}}, {3, {{"08:00", "12:00"}}}},
                        true,
                        true,
                        std::nullopt});
    std::cout << "saved \"" << saved.name << "\" with id " << saved.id << " at " << saved.created_at_text.value_or("(no time sent)") << "\n";
    client.dial_time_groups().create(emu.user_id(), {"", {}, false, false, std::nullopt});
  } catch (const dialtime::ValidationError &e) {
    for (const auto &p : e.problems()) std::cout << "refused before sending: " << p.path << ": " << p.message << "\n";
  } catch (const dialtime::Error &e) {
    std::cerr << "dialtime error " << e.kind() << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
