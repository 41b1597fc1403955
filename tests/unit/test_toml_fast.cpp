#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/model/incident.hpp"
#include "core/model/tomldoc.hpp"
#include "tests/fuzz/toml_differential.hpp"

namespace test_toml_fast {

using namespace irctl;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = fs::path(IRCTL_TEST_FIXTURES).parent_path().parent_path();

std::string contents(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string fast_json(const std::string& text) {
  const auto doc = parse_toml_fast(text);
  REQUIRE(doc.has_value());
  return toml_to_json(*doc).dump();
}

std::string error_of(const std::function<void()>& read) {
  try {
    read();
  } catch (const Error& e) {
    return e.what();
  }
  FAIL("no error");
  return "";
}

constexpr const char* kPath = "incidents/2026/11/INC-20261128-K7Q2XM.toml";
constexpr const char* kIncident =
    "schema = 1\n"
    "id = \"INC-20261128-K7Q2XM\"\n"
    "title = 'Checkout 503'\n"
    "status = \"identification\"\n"
    "severity = \"SEV2\"\n"
    "kind = \"outage\"\n"
    "declared_at = 2026-11-28T16:05:00Z\n"
    "\n"
    "[roles]\n"
    "commander = \"alice\"\n"
    "\n"
    "[[timeline]]\n"
    "id = \"E1\"\n"
    "# who saw it first\n"
    "at = 2026-11-28T17:05:00+01:00\n"
    "by = \"Alice <alice@example.com>\"\n"
    "type = \"declare\"\n"
    "text = \"declared\"\n"
    "set = { title = 'Checkout 503', severity = \"SEV2\" }\n";

}  // namespace

TEST_SUITE("toml") {
  TEST_CASE("the fast reader keeps the file's key order") {
    CHECK(fast_json("z = 1\na.y = 2\na.b = 3\n[x.y]\nq = 1\n[x]\np = 2\n[[t]]\nk = 1\nb = 2\n") ==
          R"({"z":1,"a":{"y":2,"b":3},"x":{"y":{"q":1},"p":2},"t":[{"k":1,"b":2}]})");
    CHECK(fast_json("r = { z = 1, a = { y = 2, b = 3 } }\n") == R"({"r":{"z":1,"a":{"y":2,"b":3}}})");
  }

  TEST_CASE("the fast reader gives every type as toml11 does") {
    const auto doc = parse_toml_fast(
        "o = 1979-05-27T00:32:00.123456789-07:30\nl = 1979-05-27T07:32:00\nd = 1979-05-27\nt = 07:32:00.5\n"
        "i = -9223372036854775808\nf = 6.5e-3\nb = true\ns = \"caf\\u00e9\"\na = [1, \"x\"]\n");
    REQUIRE(doc.has_value());
    const TomlTable& t = doc->as_table();
    const toml::offset_datetime o(toml::local_date(1979, toml::month_t::May, 27),
                                  toml::local_time(0, 32, 0, 123, 456, 789), toml::time_offset(-7, -30));
    CHECK(t.at("o") == TomlValue(o));
    CHECK(t.at("l") ==
          TomlValue(toml::local_datetime(toml::local_date(1979, toml::month_t::May, 27), toml::local_time(7, 32, 0))));
    CHECK(t.at("d") == TomlValue(toml::local_date(1979, toml::month_t::May, 27)));
    CHECK(t.at("t") == TomlValue(toml::local_time(7, 32, 0, 500)));
    CHECK(t.at("i") == TomlValue(std::numeric_limits<int64_t>::min()));
    CHECK(t.at("f") == TomlValue(6.5e-3));
    CHECK(t.at("b") == TomlValue(true));
    CHECK(t.at("s") == TomlValue("caf\xc3\xa9"));
    CHECK(t.at("a") == TomlValue(TomlArray{TomlValue(1), TomlValue("x")}));
  }

  TEST_CASE("the fast reader refuses what is not TOML") {
    CHECK_FALSE(parse_toml_fast("a = 1\na = 2\n").has_value());
    CHECK_FALSE(parse_toml_fast("a = 'x\xd8y'\n").has_value());
    CHECK_FALSE(parse_toml_fast("a = \"\\x41\"\n").has_value());  // TOML 1.1's escape, not 1.0's
  }

  TEST_CASE("read_fast reads an incident file as parse does, but for its comments") {
    const IncidentFile slow = IncidentFile::parse(kIncident, kPath);
    const IncidentFile fast = IncidentFile::read_fast(kIncident, kPath);
    CHECK(fast.incident() == read_incident(differential::without_presentation(slow.document()), kPath));
    CHECK(fast.to_json().dump() == slow.to_json().dump());
    CHECK(fast.document().as_table().at("timeline").as_array().at(0).as_table().at("at").comments().empty());
  }

  TEST_CASE("read_fast's errors are parse's, with the line and column") {
    const std::string bad_status =
        std::string(kIncident).replace(std::string(kIncident).find("identification"), 14, "gone");
    CHECK(error_of([&] { IncidentFile::read_fast(bad_status, kPath); }) ==
          "incidents/2026/11/INC-20261128-K7Q2XM.toml:4:10: 'status' 'gone' is not one of identification, containment, "
          "eradication, recovery, resolved, closed");
    std::string duplicate = kIncident;
    duplicate.insert(duplicate.find("kind = "), "kind = \"security\"\n");
    CHECK(error_of([&] { IncidentFile::read_fast(duplicate, kPath); }) ==
          "incidents/2026/11/INC-20261128-K7Q2XM.toml:7:8: invalid TOML: value (\"kind\") already exists.");
  }

  // Issue 16: the two readers agree on every file the project holds.
  TEST_CASE("toml++ and toml11 agree on every TOML file of the project and the fuzz corpora") {
    std::vector<fs::path> files = {kSource / "templates/config.toml", kSource / "templates/playbook-outage.toml",
                                   kSource / "templates/playbook-security.toml"};
    for (const char* corpus : {"incident", "config", "toml_differential"})
      for (const auto& f : files_in(kSource / "tests/fuzz/corpus" / corpus)) files.push_back(f);
    size_t read = 0;
    for (const auto& f : files) {
      CAPTURE(f);
      CHECK(differential::disagreement(contents(f)) == "");
      ++read;
    }
    // The merge corpus holds BASE\0OURS\0THEIRS: each part is a file.
    for (const auto& f : files_in(kSource / "tests/fuzz/corpus/merge")) {
      const std::string text = contents(f);
      for (size_t start = 0, end; start <= text.size(); start = end + 1) {
        end = std::min(text.find('\0', start), text.size());
        CAPTURE(f);
        CHECK(differential::disagreement(text.substr(start, end - start)) == "");
        ++read;
      }
    }
    CHECK(read > 100);
  }
}

}  // namespace test_toml_fast
