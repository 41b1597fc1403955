#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "cmd/output.hpp"
#include "core/actions.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/operations.hpp"
#include "core/store/summaries.hpp"
#include "support.hpp"

namespace test_summaries {

using namespace irctl;
using namespace irctl::testing;

namespace {
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

// The cache must give back exactly what parsing gives: every field of
// every incident, compared whole (Incident's operator==), and the problems.
void check_same(const SummaryRead& warm, const SummaryRead& cold) {
  REQUIRE(warm.incidents.size() == cold.incidents.size());
  for (size_t i = 0; i < cold.incidents.size(); ++i) {
    CAPTURE(cold.incidents[i].path);
    CHECK(warm.incidents[i].incident == cold.incidents[i].incident);
    CHECK(warm.incidents[i].events == cold.incidents[i].events);
    CHECK(warm.incidents[i].path == cold.incidents[i].path);
    CHECK(warm.incidents[i].document == cold.incidents[i].document);
  }
  CHECK(described(warm) == described(cold));
}

TomlValue strings(std::initializer_list<const char*> items) {
  TomlArray out;
  for (const char* item : items) out.push_back(TomlValue(item));
  return TomlValue(std::move(out));
}

Event event_at(Timestamp at, uint64_t n, const std::string& type, const std::string& text) {
  Event e;
  e.id = make_event_id(n);
  e.at = at;
  e.by = kAlice.display();
  e.type = type;
  e.text = text;
  return e;
}

// An incident with every field of Incident set to something other than its
// default, committed: a field that the cache drops comes back empty and the
// whole-value comparison fails. A field added to Incident belongs here too.
std::string declare_with_every_field(Repository& repo) {
  const std::string id = declare(repo, "every field");
  IncidentFile file = load_incident(repo, id);
  const Timestamp t = file.incident().declared_at;
  const auto minutes = [&](int m) { return toml_time(t + std::chrono::minutes(m)); };

  Event every = event_at(t + std::chrono::minutes(1), 1, "edit", "every field set");
  every.set["status"] = TomlValue("closed");
  every.set["summary"] = TomlValue("the summary");
  every.set["impact"] = TomlValue("the impact");
  every.set["root_cause"] = TomlValue("the root cause");
  every.set["resolution"] = TomlValue("the resolution");
  every.set["postmortem"] = TomlValue("postmortems/" + id + ".md");
  every.set["started_at"] = minutes(-20);
  every.set["detected_at"] = minutes(-10);
  every.set["acknowledged_at"] = minutes(2);
  every.set["contained_at"] = minutes(3);
  every.set["eradicated_at"] = minutes(4);
  every.set["recovered_at"] = minutes(5);
  every.set["impact_ended_at"] = minutes(5);
  every.set["resolved_at"] = minutes(6);
  every.set["closed_at"] = minutes(7);
  every.set["voided_at"] = minutes(8);
  every.set["void_reason"] = TomlValue("a drill");
  every.set["escalation_policy"] = TomlValue("default");
  every.set["escalation_level"] = TomlValue(int64_t{2});
  every.set["escalated_at"] = minutes(9);
  every.set["channels"] = strings({"#inc-checkout"});
  every.set["alerts"] = strings({"alertmanager:fingerprint:1a30ba71cca2921f"});
  every.set["alert_status"] = TomlValue("resolved");
  every.set["roles.commander"] = TomlValue("alice");
  every.set["roles.tech-lead"] = strings({"bob (database)"});
  every.set["tasks"] = strings({"Page the database team", "Preserve evidence"});
  file.apply(every);

  Event action = event_at(t + std::chrono::minutes(2), 2, "action", "add a canary stage");
  action.details["owner"] = TomlValue("bob");
  action.details["due"] = TomlValue("2026-12-15");
  action.details["action_type"] = TomlValue("prevent");
  action.details["link"] = TomlValue("https://tracker.example.com/OPS-123");
  file.apply(action);
  Event done = event_at(t + std::chrono::minutes(3), 3, "action-done", "done 1");
  done.details["action"] = TomlValue(action.id);
  file.apply(done);
  Event task = event_at(t + std::chrono::minutes(4), 4, "task", "done 2");
  task.details["task"] = TomlValue(int64_t{2});
  file.apply(task);

  repo.commit({{file.path(), file.render()}}, "every field\n", kAlice, now_utc());
  return id;
}

}  // namespace

TEST_SUITE("summaries") {
  TEST_CASE("the cache is built once, then only changed files are parsed") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string a = declare(repo, "first");
    const std::string b = declare(repo, "second");
    declare(repo, "third");

    const SummaryRead cold = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(cold.parsed == 3);
    CHECK(cold.incidents.size() == 3);
    CHECK(std::filesystem::exists(dir.path() / ".git" / "irctl" / "summaries"));

    const SummaryRead warm = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(warm.parsed == 0);
    check_same(warm, cold);

    // A write through irctl: one file changed, the one parsed again.
    add_note(repo, a, "rolled back", recorder());
    const SummaryRead after_note = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(after_note.parsed == 1);
    REQUIRE(after_note.incidents.size() == 3);
    CHECK(summary_of(after_note, a).events == summary_of(cold, a).events + 1);
    CHECK(read_summaries(repo, SummaryDocuments::leave_out).parsed == 0);

    // An edit by hand, not committed: the stat data differs from the index.
    const auto path = dir.path() / incident_path(b);
    std::string text = slurp(path);
    const auto at = text.find("title = \"second\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 16, "title = \"renamed by hand\"");
    spit(path, text);
    const SummaryRead after_edit = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(after_edit.parsed == 1);
    CHECK(summary_of(after_edit, b).incident.title == "renamed by hand");
    CHECK(summary_of(read_summaries(repo, SummaryDocuments::leave_out), b).incident.title == "renamed by hand");

    // The same size, at once: the times tell (or the entry is too new to trust).
    text = slurp(path);
    text.replace(text.find("renamed by hand"), 15, "RENAMED BY HAND");
    spit(path, text);
    CHECK(summary_of(read_summaries(repo, SummaryDocuments::leave_out), b).incident.title == "RENAMED BY HAND");

    // A file that went away leaves the cache with the next write of it.
    std::filesystem::remove(path);
    CHECK(read_summaries(repo, SummaryDocuments::leave_out).incidents.size() == 2);
  }

  TEST_CASE("the cache keeps every field: warm equals cold, compared whole") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare_with_every_field(repo);
    declare(repo, "a plain one");
    for (const SummaryDocuments documents : {SummaryDocuments::leave_out, SummaryDocuments::include}) {
      CAPTURE(documents == SummaryDocuments::include);
      std::filesystem::remove(dir.path() / ".git" / "irctl" / "summaries");
      std::filesystem::remove(dir.path() / ".git" / "irctl" / "documents");
      const SummaryRead cold = read_summaries(repo, documents);
      CHECK(cold.parsed == 2);
      const SummaryRead warm = read_summaries(repo, documents);
      CHECK(warm.parsed == 0);
      check_same(warm, cold);
    }
    // and cold is the file as parsed, but for what a summary leaves out
    const IncidentSummary parsed = summarize_incident(load_incident(repo, id));
    const SummaryRead warm = read_summaries(repo, SummaryDocuments::leave_out);
    const IncidentSummary& cached = summary_of(warm, id);
    CHECK(cached.incident == parsed.incident);
    CHECK(cached.events == 5);
    CHECK(cached.incident.actions.size() == 1);
    CHECK(cached.incident.actions[0].done);
    CHECK(cached.incident.roles.size() == 2);
  }

  TEST_CASE("a file that does not parse is reported every time, and parsed once") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "first");
    spit(dir.path() / incident_path(id), "schema = 1\nid = \n");
    const SummaryRead first = read_summaries(repo, SummaryDocuments::leave_out);
    REQUIRE(first.problems.size() == 1);
    CHECK(first.problems[0].path == incident_path(id));
    CHECK(first.incidents.empty());
    const SummaryRead second = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(second.parsed == 0);
    check_same(second, first);
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
    spit(dir.path() / incident_path(ids[1]), "schema = 1\nid = \n");  // not the last: the others move
    for (const bool cold : {true, false}) {
      CAPTURE(cold);
      if (cold) std::filesystem::remove(dir.path() / ".git" / "irctl" / "summaries");
      const SummaryRead r = read_summaries(repo, SummaryDocuments::leave_out);
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
    const std::string expected = described(read_summaries(repo, SummaryDocuments::leave_out));
    const auto cache = dir.path() / ".git" / "irctl" / "summaries";
    const std::string good = slurp(cache);
    for (const std::string& bad :
         {std::string(), std::string("not a cache"), good.substr(0, good.size() / 2), good.substr(0, good.size() - 1),
          good + "x", std::string("irctl summaries\n") + std::string(8, '\x7f') + good.substr(24)}) {
      CAPTURE(bad.size());
      spit(cache, bad);
      const SummaryRead r = read_summaries(repo, SummaryDocuments::leave_out);
      CHECK(described(r) == expected);
      CHECK(r.parsed == 2);
      CHECK(read_summaries(repo, SummaryDocuments::leave_out).parsed == 0);
    }
  }

  TEST_CASE("documents are the file as JSON without the timeline, cached apart") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "first");
    const SummaryRead plain = read_summaries(repo, SummaryDocuments::leave_out);
    REQUIRE(plain.incidents.size() == 1);
    CHECK(plain.incidents[0].document.empty());

    const SummaryRead with = read_summaries(repo, SummaryDocuments::include);
    CHECK(with.parsed == 1);  // the documents were not cached yet
    REQUIRE(with.incidents.size() == 1);
    Json expected = load_incident(repo, id).to_json();
    expected.erase("timeline");
    CHECK(with.incidents[0].document == expected.dump(2));
    const SummaryRead again = read_summaries(repo, SummaryDocuments::include);
    CHECK(again.parsed == 0);
    CHECK(again.incidents[0].document == expected.dump(2));
  }

  TEST_CASE("the branch layout takes blob ids from the tree") {
    TempDir dir;
    Repository repo = new_repository(dir, {.branch = "incidents"});
    const std::string id = declare(repo, "first");
    CHECK(read_summaries(repo, SummaryDocuments::leave_out).parsed == 1);
    CHECK(read_summaries(repo, SummaryDocuments::leave_out).parsed == 0);
    add_note(repo, id, "more", recorder());
    const SummaryRead r = read_summaries(repo, SummaryDocuments::leave_out);
    CHECK(r.parsed == 1);
    REQUIRE(r.incidents.size() == 1);
    CHECK(r.incidents[0].events == 2);
  }

  TEST_CASE("JSON put together from pieces is what dump(2) writes of the whole") {
    const Json doc = Json::parse(R"({"id": "INC-1", "roles": {"sme": ["a", "b"]}, "tasks": [], "path": "x\ny"})");
    const Json more = {{"missing", Json::array({{{"role", "commander"}}})}, {"actions", Json::array()}, {"events", 3}};
    Json whole = doc;
    for (const auto& [k, v] : more.items()) whole[k] = v;
    std::string merged;
    cli::append_with_members(merged, doc.dump(2), more, 0);
    CHECK(merged == whole.dump(2));
    const Json outer = {{"incidents", Json::array({whole, whole})}};
    std::string list = "{\n  \"incidents\": [\n    ";
    cli::append_with_members(list, doc.dump(2), more, 4);
    list += ",\n    ";
    cli::append_indented(list, whole.dump(2), 4);
    list += "\n  ]\n}";
    CHECK(list == outer.dump(2));
  }
}

}  // namespace test_summaries
