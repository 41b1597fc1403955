#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cmd/output.hpp"
#include "core/actions.hpp"
#include "core/ids.hpp"
#include "core/lifecycle.hpp"
#include "core/operations.hpp"
#include "core/summaries.hpp"
#include "support.hpp"

namespace test_summaries {

using namespace irctl;
using irctl::testing::TempDir;

namespace {
const Actor kAlice{"Alice Example", "alice@example.com"};

Recorder recorder() {
  const Timestamp now = now_utc();
  return Recorder{kAlice, now, now};
}

Repository new_repository(const TempDir& dir, const std::optional<std::string>& branch = std::nullopt) {
  init_repository(InitRequest{dir.path().string(), branch, ""}, [](const Repository&) { return kAlice; }, now_utc());
  return Repository::discover(dir.path());
}

std::string declare(Repository& repo, const std::string& title) {
  DeclareRequest r;
  r.title = title;
  r.severity = "sev2";
  r.services = {"checkout"};
  return declare_incident(repo, r, recorder()).incident_id;
}

// What the summaries say, as text that the tests can compare whole.
std::string described(const SummaryRead& r) {
  std::string out;
  for (const auto& s : r.incidents)
    out += s.incident.id + " " + s.incident.title + " " + s.incident.status + " " + std::to_string(s.events) + " " +
           std::to_string(s.incident.actions.size()) + " " + s.path + "\n";
  for (const auto& p : r.problems) out += "problem " + p.path + ": " + p.message + "\n";
  return out;
}

const IncidentSummary& summary_of(const SummaryRead& r, const std::string& id) {
  for (const auto& s : r.incidents)
    if (s.incident.id == id) return s;
  FAIL("no summary of " << id);
  throw;
}

void overwrite(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_SUITE("summaries") {
  TEST_CASE("the cache is built once, then only changed files are parsed") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string a = declare(repo, "first");
    const std::string b = declare(repo, "second");
    declare(repo, "third");

    const SummaryRead cold = read_summaries(repo, false);
    CHECK(cold.parsed == 3);
    CHECK(cold.incidents.size() == 3);
    CHECK(std::filesystem::exists(dir.path() / ".git" / "irctl" / "summaries"));

    const SummaryRead warm = read_summaries(repo, false);
    CHECK(warm.parsed == 0);
    CHECK(described(warm) == described(cold));

    // A write through irctl: one file changed, the one parsed again.
    add_note(repo, a, "rolled back", recorder());
    const SummaryRead after_note = read_summaries(repo, false);
    CHECK(after_note.parsed == 1);
    REQUIRE(after_note.incidents.size() == 3);
    CHECK(summary_of(after_note, a).events == summary_of(cold, a).events + 1);
    CHECK(read_summaries(repo, false).parsed == 0);

    // An edit by hand, not committed: the stat data differs from the index.
    const auto path = dir.path() / incident_path(b);
    std::string text = slurp(path);
    const auto at = text.find("title = \"second\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 16, "title = \"renamed by hand\"");
    overwrite(path, text);
    const SummaryRead after_edit = read_summaries(repo, false);
    CHECK(after_edit.parsed == 1);
    CHECK(summary_of(after_edit, b).incident.title == "renamed by hand");
    CHECK(summary_of(read_summaries(repo, false), b).incident.title == "renamed by hand");

    // The same size, at once: the times tell (or the entry is too new to trust).
    text = slurp(path);
    text.replace(text.find("renamed by hand"), 15, "RENAMED BY HAND");
    overwrite(path, text);
    CHECK(summary_of(read_summaries(repo, false), b).incident.title == "RENAMED BY HAND");

    // A file that went away leaves the cache with the next write of it.
    std::filesystem::remove(path);
    CHECK(read_summaries(repo, false).incidents.size() == 2);
  }

  TEST_CASE("a file that does not parse is reported every time, and parsed once") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "first");
    overwrite(dir.path() / incident_path(id), "schema = 1\nid = \n");
    const SummaryRead first = read_summaries(repo, false);
    REQUIRE(first.problems.size() == 1);
    CHECK(first.problems[0].path == incident_path(id));
    CHECK(first.incidents.empty());
    const SummaryRead second = read_summaries(repo, false);
    CHECK(second.parsed == 0);
    CHECK(described(second) == described(first));
  }

  TEST_CASE("a broken file among good ones leaves theirs whole, cold or warm") {
    TempDir dir;
    Repository repo = new_repository(dir);
    std::vector<std::string> ids;
    for (const char* title : {"one", "two", "three", "four"}) {
      ids.push_back(declare(repo, title));
      FollowUpRequest action;
      action.text = std::string("follow up on ") + title;
      add_follow_up(repo, ids.back(), action, recorder());
    }
    std::sort(ids.begin(), ids.end());
    overwrite(dir.path() / incident_path(ids[1]), "schema = 1\nid = \n");  // not the last: the others move
    for (const bool cold : {true, false}) {
      CAPTURE(cold);
      if (cold) std::filesystem::remove(dir.path() / ".git" / "irctl" / "summaries");
      const SummaryRead r = read_summaries(repo, false);
      CHECK(r.parsed == (cold ? 4 : 0));
      REQUIRE(r.incidents.size() == 3);
      REQUIRE(r.problems.size() == 1);
      for (const auto& s : r.incidents) {
        CHECK(s.incident.status == "identification");
        CHECK(s.incident.actions.size() == 1);
        CHECK(s.incident.services == std::vector<std::string>{"checkout"});
      }
    }
  }

  TEST_CASE("a damaged or foreign cache is rebuilt, never misread") {
    TempDir dir;
    Repository repo = new_repository(dir);
    declare(repo, "first");
    declare(repo, "second");
    const std::string expected = described(read_summaries(repo, false));
    const auto cache = dir.path() / ".git" / "irctl" / "summaries";
    const std::string good = slurp(cache);
    for (const std::string& bad :
         {std::string(), std::string("not a cache"), good.substr(0, good.size() / 2), good.substr(0, good.size() - 1),
          good + "x", std::string("irctl summaries\n") + std::string(8, '\x7f') + good.substr(24)}) {
      CAPTURE(bad.size());
      overwrite(cache, bad);
      const SummaryRead r = read_summaries(repo, false);
      CHECK(described(r) == expected);
      CHECK(r.parsed == 2);
      CHECK(read_summaries(repo, false).parsed == 0);
    }
  }

  TEST_CASE("documents are the file as JSON without the timeline, cached apart") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "first");
    const SummaryRead plain = read_summaries(repo, false);
    REQUIRE(plain.incidents.size() == 1);
    CHECK(plain.incidents[0].document.empty());

    const SummaryRead with = read_summaries(repo, true);
    CHECK(with.parsed == 1);  // the documents were not cached yet
    REQUIRE(with.incidents.size() == 1);
    Json expected = load_incident(repo, id).to_json();
    expected.erase("timeline");
    CHECK(with.incidents[0].document == expected.dump(2));
    const SummaryRead again = read_summaries(repo, true);
    CHECK(again.parsed == 0);
    CHECK(again.incidents[0].document == expected.dump(2));
  }

  TEST_CASE("the branch layout takes blob ids from the tree") {
    TempDir dir;
    Repository repo = new_repository(dir, "incidents");
    const std::string id = declare(repo, "first");
    CHECK(read_summaries(repo, false).parsed == 1);
    CHECK(read_summaries(repo, false).parsed == 0);
    add_note(repo, id, "more", recorder());
    const SummaryRead r = read_summaries(repo, false);
    CHECK(r.parsed == 1);
    REQUIRE(r.incidents.size() == 1);
    CHECK(r.incidents[0].events == 2);
  }

  TEST_CASE("JSON put together from pieces is what dump(2) writes of the whole") {
    const Json doc = Json::parse(R"({"id": "INC-1", "roles": {"sme": ["a", "b"]}, "tasks": [], "path": "x\ny"})");
    const Json more = {{"missing", Json::array({{{"role", "commander"}}})}, {"actions", Json::array()}, {"events", 3}};
    Json whole = doc;
    for (const auto& [k, v] : more.items()) whole[k] = v;
    CHECK(cli::with_members(doc.dump(2), more) == whole.dump(2));
    const Json outer = {{"incidents", Json::array({whole, whole})}};
    CHECK("{\n  \"incidents\": [\n    " + cli::indented(whole.dump(2), 4) + ",\n    " + cli::indented(whole.dump(2), 4) +
              "\n  ]\n}" ==
          outer.dump(2));
  }
}

}  // namespace test_summaries
