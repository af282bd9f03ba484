// One C++ client for bench/run.py: `bench CLIENT MODE` with CLIENT dialtime or libcurl and
// MODE seq (one call at a time) or conc (BENCH_CONC threads sharing one dialtime Client; for
// libcurl, one easy handle per thread). Each call builds the payload, serializes it, POSTs it
// over a kept-alive connection, checks the answer, parses the JSON and reads the id.
// Prints `RESULT <client> <mode> <µs per call>`. libcurl uses nlohmann::json, as users would.
#include <dialtime.hpp>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string env(const char *name, const char *fallback) {
  const char *v = std::getenv(name);
  return v != nullptr ? v : fallback;
}

[[noreturn]] void fail(const std::string &what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

size_t on_write(char *p, size_t size, size_t n, void *out) {
  static_cast<std::string *>(out)->append(p, size * n);
  return size * n;
}

// The per-thread call of a client: returns a function doing one call.
using Factory = std::function<std::function<void()>()>;

Factory make_dialtime(const std::string &base, const std::string &token, const std::string &user) {
  dialtime::ClientOptions options;
  options.base_url = base;
  options.token = token;
  options.max_retries = 0;
  auto client = std::make_shared<dialtime::Client>(options);
  return [client, user] {
    return [client, user] {
      dialtime::NewDialTimeGroup group{"周一周三拨打",
                                       {{1, {{"08:00", "20:00"}, {"20:30", "22:00"}}},
                                        {3, {{"08:00", "12:00"}, {"20:30", "22:00"}}}},
                                       false,
                                       true,
                                       std::nullopt};
      if (client->dial_time_groups().create(user, group).id <= 0) fail("bad id");
    };
  };
}

Factory make_libcurl(const std::string &url, const std::string &token) {
  return [url, token] {
    struct Easy {
      CURL *handle = curl_easy_init();
      curl_slist *headers = nullptr;
      std::string body, answer;
      ~Easy() {
        curl_slist_free_all(headers);
        curl_easy_cleanup(handle);
      }
    };
    auto easy = std::make_shared<Easy>();
    easy->headers = curl_slist_append(easy->headers, ("Authorization: Bearer " + token).c_str());
    easy->headers = curl_slist_append(easy->headers, "Content-Type: application/json");
    easy->headers = curl_slist_append(easy->headers, "Accept: application/json");
    curl_easy_setopt(easy->handle, CURLOPT_URL, url.c_str());
    curl_easy_setopt(easy->handle, CURLOPT_HTTPHEADER, easy->headers);
    curl_easy_setopt(easy->handle, CURLOPT_POST, 1L);
    curl_easy_setopt(easy->handle, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(easy->handle, CURLOPT_WRITEDATA, &easy->answer);
    curl_easy_setopt(easy->handle, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy->handle, CURLOPT_NOSIGNAL, 1L);
    return [easy] {
      using json = nlohmann::json;
      json payload = {
          {"name", "周一周三拨打"},
          {"content",
           json::array({{{"week", 1},
                         {"times", json::array({{{"begin_time", "08:00"}, {"end_time", "20:00"}},
                                                {{"begin_time", "20:30"}, {"end_time", "22:00"}}})}},
                        {{"week", 3},
                         {"times", json::array({{{"begin_time", "08:00"}, {"end_time", "12:00"}},
                                                {{"begin_time", "20:30"}, {"end_time", "22:00"}}})}}})},
          {"is_default", false},
          {"skip_holiday", true}};
      easy->body = payload.dump();
      easy->answer.clear();
      curl_easy_setopt(easy->handle, CURLOPT_POSTFIELDS, easy->body.c_str());
      curl_easy_setopt(easy->handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(easy->body.size()));
      if (curl_easy_perform(easy->handle) != CURLE_OK) fail("curl_easy_perform");
      long status = 0;
      curl_easy_getinfo(easy->handle, CURLINFO_RESPONSE_CODE, &status);
      if (status != 200) fail("HTTP " + std::to_string(status));
      auto answer = json::parse(easy->answer);
      if (answer.at("code").get<int>() != 200 || answer.at("data").at("id").get<long>() <= 0) fail("bad answer");
    };
  };
}

}  // namespace

int main(int argc, char **argv) {
  if (argc != 3) fail("usage: bench dialtime|libcurl seq|conc");
  const std::string client = argv[1], mode = argv[2];
  const std::string base = env("BENCH_URL", ""), token = env("BENCH_TOKEN", ""), user = env("BENCH_USER", "");
  const long n = std::atol(env("BENCH_N", "5000").c_str());
  const long conc = mode == "conc" ? std::atol(env("BENCH_CONC", "64").c_str()) : 1;
  const long warmup = std::min(500L, std::max(n / 10, 1L));
  curl_global_init(CURL_GLOBAL_DEFAULT);
  Factory factory = client == "dialtime" ? make_dialtime(base, token, user)
                    : client == "libcurl"
                        ? make_libcurl(base + "/agent-api/user/" + user + "/dial-time-group", token)
                        : throw std::invalid_argument("unknown client " + client);
  std::atomic<long> left{n};
  std::vector<std::function<void()>> calls;
  for (long i = 0; i < conc; i++) calls.push_back(factory());
  for (long i = 0; i < warmup; i++) calls[0]();
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (auto &call : calls) {
    threads.emplace_back([&call, &left] {
      while (left.fetch_sub(1) > 0) call();
    });
  }
  for (auto &t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("RESULT %s %s %.2f\n", client.c_str(), mode.c_str(), seconds / static_cast<double>(n) * 1e6);
  curl_global_cleanup();
  return 0;
}
