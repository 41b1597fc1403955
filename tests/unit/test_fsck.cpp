#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "core/fsck.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/operations.hpp"
#include "support.hpp"

namespace test_fsck {

using namespace irctl;
using namespace irctl::testing;

namespace {
// Replaces the first occurrence of `from` in the file (a hand edit).
void edit(const std::filesystem::path& p, const std::string& from, const std::string& to) {
  spit(p, replace(slurp(p), from, to));
}

// The problems about `path`.
std::vector<FsckProblem> about(const FsckReport& r, const std::string& path) {
  std::vector<FsckProblem> out;
  for (const auto& p : r.problems)
    if (p.path == path) out.push_back(p);
  return out;
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Another month than the ID's: the folder where the file does not belong.
std::string wrong_month_dir(const std::string& id) {
  return "incidents/" + id.substr(4, 4) + "/" + (id.substr(8, 2) == "01" ? "02" : "01");
}

}  // namespace

TEST_SUITE("fsck") {
  TEST_CASE("a repository irctl wrote has no problems") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const FsckReport empty = check_repository(repo);
    CHECK(empty.ok());
    CHECK(empty.incidents_checked == 0);
    declare(repo, "Checkout API returns 503");
    declare(repo, "Login errors", "SEV1");
    const FsckReport r = check_repository(repo);
    CHECK(r.incidents_checked == 2);
    CHECK(r.problems.empty());
  }

  TEST_CASE("a field edited by hand is drift: named with both values and how to record it") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const std::string path = incident_path(id);
    edit(dir.path() / path, "severity = \"SEV2\"", "severity = \"SEV1\"");
    const FsckReport r = check_repository(repo);
    CHECK_FALSE(r.ok());
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].path == path);
    CHECK(r.problems[0].message == "severity is \"SEV1\" but its timeline says \"SEV2\"");
    CHECK(contains(r.problems[0].fix, "irctl severity " + id + " SEV1"));
    CHECK(contains(r.problems[0].fix, "irctl edit " + id));
  }

  TEST_CASE("a key the timeline never set, and a key removed by hand, are drift too") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const auto file = dir.path() / incident_path(id);
    edit(file, "escalation_policy = \"default\"\n", "");
    edit(file, "channels = []\n", "");  // an empty list left out is no drift
    edit(file, "schema = 1\n", "schema = 1\nticket = \"OPS-1\"\n");
    const FsckReport r = check_repository(repo);
    REQUIRE(r.problems.size() == 2);
    std::vector<std::string> messages{r.problems[0].message, r.problems[1].message};
    std::sort(messages.begin(), messages.end());
    CHECK(messages[0] == "escalation_policy is missing but its timeline says \"default\"");
    CHECK(messages[1] == "ticket is \"OPS-1\" but its timeline does not set it");
  }

  TEST_CASE("a file that does not parse is named with its line, and the other files are still checked") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string broken = declare(repo, "Checkout API returns 503");
    const std::string drifted = declare(repo, "Login errors");
    spit(dir.path() / incident_path(broken), slurp(dir.path() / incident_path(broken)) + "title = [\n");
    edit(dir.path() / incident_path(drifted), "title = \"Login errors\"", "title = \"Login is down\"");
    const FsckReport r = check_repository(repo);
    CHECK(r.incidents_checked == 2);
    const auto b = about(r, incident_path(broken));
    REQUIRE(b.size() == 1);
    CHECK(contains(b[0].message, incident_path(broken) + ":"));
    CHECK(contains(b[0].message, "invalid TOML"));
    CHECK(contains(b[0].fix, "git diff -- " + incident_path(broken)));  // not committed: how to drop it
    const auto d = about(r, incident_path(drifted));
    REQUIRE(d.size() == 1);
    CHECK(d[0].message == "title is \"Login is down\" but its timeline says \"Login errors\"");
    CHECK(contains(d[0].fix, "irctl set " + drifted + " --title TEXT"));
  }

  TEST_CASE("a file in the wrong month's folder is told where it belongs") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const std::string moved = wrong_month_dir(id) + "/" + id + ".toml";
    std::filesystem::create_directories(dir.path() / wrong_month_dir(id));
    std::filesystem::rename(dir.path() / incident_path(id), dir.path() / moved);
    const FsckReport r = check_repository(repo);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].path == moved);
    CHECK(contains(r.problems[0].message, "wrong folder"));
    CHECK(contains(r.problems[0].message, incident_path(id)));
    CHECK(r.problems[0].fix == "'git mv " + moved + " " + incident_path(id) + "', then commit");
  }

  TEST_CASE("the same ID in two files: the copy is reported, the file in its place is not") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const std::string copy = wrong_month_dir(id) + "/" + id + ".toml";
    spit(dir.path() / copy, slurp(dir.path() / incident_path(id)));
    const FsckReport r = check_repository(repo);
    CHECK(r.incidents_checked == 2);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].path == copy);
    CHECK(contains(r.problems[0].message, "incident ID " + id + " is also in " + incident_path(id)));
    CHECK(contains(r.problems[0].fix, "git rm " + copy));
  }

  TEST_CASE("two misplaced copies: the first is told where it belongs, the second that it is a copy") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const std::string text = slurp(dir.path() / incident_path(id));
    std::filesystem::remove(dir.path() / incident_path(id));
    const std::string first = "incidents/" + id + ".toml";
    const std::string second = wrong_month_dir(id) + "/" + id + ".toml";
    spit(dir.path() / first, text);
    spit(dir.path() / second, text);
    const FsckReport r = check_repository(repo);
    REQUIRE(r.problems.size() == 2);
    // sorted by path: incidents/2026/... before incidents/INC-...
    CHECK(r.problems[0].path == second);
    CHECK(contains(r.problems[0].message, "wrong folder"));
    CHECK(r.problems[1].path == first);
    CHECK(contains(r.problems[1].message, "is also in " + second));
  }

  TEST_CASE("files under incidents/ that are not incident files") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    spit(dir.path() / "incidents/notes.txt", "remember the milk\n");
    spit(dir.path() / "incidents/.gitkeep", "");
    const std::string renamed = incident_dir(id) + "/checkout-outage.toml";
    std::filesystem::rename(dir.path() / incident_path(id), dir.path() / renamed);
    const FsckReport r = check_repository(repo);
    CHECK(r.incidents_checked == 2);  // .gitkeep is git's, not ours
    REQUIRE(r.problems.size() == 2);
    const auto n = about(r, "incidents/notes.txt");
    REQUIRE(n.size() == 1);
    CHECK(contains(n[0].message, "not an incident file"));
    const auto m = about(r, renamed);
    REQUIRE(m.size() == 1);
    CHECK(contains(m[0].message, "incident " + id));
    CHECK(contains(m[0].fix, "git mv " + renamed + " " + incident_path(id)));
  }

  TEST_CASE("an invalid configuration is a problem on .irctl/config.toml; the incidents are still checked") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    Repository fresh = Repository::discover(dir.path());  // no configuration read yet
    spit(dir.path() / ".irctl/config.toml", slurp(dir.path() / ".irctl/config.toml") + "\n[[severity]]\n");
    edit(dir.path() / incident_path(id), "severity = \"SEV2\"", "severity = \"SEV3\"");
    const FsckReport r = check_repository(fresh);
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[0].path == ".irctl/config.toml");
    CHECK(contains(r.problems[0].message, ".irctl/config.toml:"));
    CHECK_FALSE(r.problems[0].fix.empty());
    CHECK(r.problems[1].path == incident_path(id));
  }

  TEST_CASE("long values are cut in messages") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    edit(dir.path() / incident_path(id), "title = \"Checkout API returns 503\"",
         "title = \"" + std::string(300, 'x') + "\"");
    const FsckReport r = check_repository(repo);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].message.size() < 200);
    CHECK(contains(r.problems[0].message, "...\" but its timeline says \"Checkout API returns 503\"") == false);
    CHECK(contains(r.problems[0].message, "... but its timeline says \"Checkout API returns 503\""));
  }
}

}  // namespace test_fsck
