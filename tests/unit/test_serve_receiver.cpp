// irctl serve's receiver (core/serve/receiver.hpp), in-process: the listen
// address's syntax, which hosts are loopback, and one delivery over real
// HTTP from its 202 to its incident, through the writer thread and a stop.
// In the sanitizer build this is where the server's threads are checked.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "core/serve/receiver.hpp"
#include "core/store/repository.hpp"
#include "support.hpp"

namespace test_serve_receiver {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

namespace {

// One request on its own connection, as curl would send it; the status
// and the body of the answer.
std::pair<int, std::string> http_request(int port, const std::string& method, const std::string& path,
                                         const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  const std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
                              "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  const size_t blank = answer.find("\r\n\r\n");
  REQUIRE(answer.rfind("HTTP/1.1 ", 0) == 0);
  REQUIRE(blank != std::string::npos);
  return {std::stoi(answer.substr(9, 3)), answer.substr(blank + 4)};
}

// A server on a free port of 127.0.0.1 that anyone there may post to. The
// module sits beside irctl in the build tree, not beside the tests.
ServeOptions loopback_options() {
  ::setenv("IRCTL_HTTP_MODULE", IRCTL_TEST_HTTP_MODULE, 0);
  ServeOptions o;
  o.http.port = 0;
  o.no_auth = true;
  o.actor = recorder().actor;
  return o;
}

}  // namespace

TEST_SUITE("serve") {
  TEST_CASE("a listen address is HOST:PORT or [IPV6]:PORT; anything else is a usage error") {
    CHECK(parse_listen_address("127.0.0.1:9095") == std::pair<std::string, int>("127.0.0.1", 9095));
    CHECK(parse_listen_address("[::1]:0") == std::pair<std::string, int>("::1", 0));
    CHECK(parse_listen_address("localhost:80") == std::pair<std::string, int>("localhost", 80));
    for (const char* bad : {"9095", ":9095", "::1:9095", "[::1]9095", "[]:1", "host:", "host:99999", "host:-1",
                            "host:12a", "host:123456"})
      CHECK_MESSAGE(code_of([&] { parse_listen_address(bad); }) == Errc::usage, bad);
  }

  TEST_CASE("loopback: localhost, 127.0.0.0/8 and ::1; nothing else") {
    for (const char* h : {"localhost", "127.0.0.1", "127.1.2.3", "::1"}) CHECK_MESSAGE(is_loopback_host(h), h);
    for (const char* h : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.example.com", "", "::ffff:127.0.0.1"})
      CHECK_MESSAGE(!is_loopback_host(h), h);
  }

  TEST_CASE("no sender and no --insecure-no-auth, or no authentication on an address others reach: refused") {
    TempDir dir;
    Repository repo = new_repository(dir);
    ServeOptions o;
    o.http.port = 0;
    CHECK(code_of([&] { AlertReceiver(repo, o, nullptr); }) == Errc::usage);
    o.no_auth = true;
    o.http.host = "0.0.0.0";
    CHECK(code_of([&] { AlertReceiver(repo, o, nullptr); }) == Errc::usage);
  }

  TEST_CASE("one server per repository: a second is refused while the first runs, and may start once it is gone") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const ServeOptions o = loopback_options();
    {
      const AlertReceiver first(repo, o, nullptr);
      CHECK(code_of([&] { AlertReceiver(repo, o, nullptr); }) == Errc::busy);
    }
    CHECK_NOTHROW(AlertReceiver(repo, o, nullptr));
  }

  TEST_CASE("a delivery over HTTP: 202, then the writer declares its incident; a stop finishes and returns") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const ServeOptions o = loopback_options();
    std::mutex guard;
    std::vector<std::string> events;
    AlertReceiver receiver(repo, o, [&](const LogRecord& r) {
      const std::lock_guard lock(guard);
      events.push_back(r.event);
    });
    ServeSummary summary;
    std::thread server([&] { summary = receiver.run(); });
    const auto [status, body] = http_request(receiver.port(), "POST", "/v1/alerts/alertmanager",
                                             slurp(fs::path(IRCTL_TEST_FIXTURES) / "alerts" / "alertmanager_v4_firing.json"));
    CHECK(status == 202);
    CHECK(body.find("\"format\":\"alertmanager\"") != std::string::npos);
    CHECK(http_request(receiver.port(), "GET", "/healthz") == std::pair<int, std::string>(200, "ok\n"));
    CHECK(http_request(receiver.port(), "GET", "/v1/alerts").first == 405);
    receiver.stop();
    server.join();
    CHECK(summary.ingested == 1);
    CHECK(summary.left_in_inbox == 0);
    CHECK(repo.incident_ids().size() == 1);
    const std::vector<std::string> expected = {"listening", "request", "request", "request", "stopping", "stopped"};
    std::vector<std::string> without_ingest;
    for (const auto& e : events)
      if (e != "ingest") without_ingest.push_back(e);
    CHECK(without_ingest == expected);
    CHECK(std::count(events.begin(), events.end(), "ingest") == 1);
  }
}

}  // namespace test_serve_receiver
