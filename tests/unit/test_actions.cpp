// Follow-up actions (core/actions.hpp, and the FollowUp view that
// core/model/incident.cpp derives from the timeline).

#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>

#include "core/actions.hpp"
#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/incident.hpp"
#include "core/model/validate.hpp"
#include "core/store/merge.hpp"
#include "support.hpp"

namespace test_actions {

using namespace irctl;
using namespace irctl::testing;

namespace {
const char* const kId = "INC-20261128-K7QXM4";
const char* const kPath = "incidents/2026/11/INC-20261128-K7QXM4.toml";
const Timestamp kT0 = from_civil({2026, 11, 28, 16, 5, 0, 0});

Timestamp minutes_after_t0(int m) { return kT0 + std::chrono::minutes(m); }

Event declare_event() {
  Event e;
  e.id = "AAAAAAAAAAAA";
  e.at = kT0;
  e.by = "Alice <alice@example.com>";
  e.type = "declare";
  e.text = "Checkout API returns 503";
  e.set["title"] = TomlValue(e.text);
  e.set["status"] = TomlValue("identification");
  e.set["severity"] = TomlValue("SEV2");
  e.set["kind"] = TomlValue("outage");
  e.set["declared_at"] = toml_time(kT0);
  return e;
}

Event action_event(const std::string& id, const std::string& text, Timestamp at) {
  Event e;
  e.id = id;
  e.at = at;
  e.by = "Bob <bob@example.com>";
  e.type = "action";
  e.text = text;
  return e;
}

Event mark_event(const std::string& id, const std::string& type, const std::string& ref, Timestamp at,
                 const std::string& by = "Carol <carol@example.com>") {
  Event e;
  e.id = id;
  e.at = at;
  e.by = by;
  e.type = type;
  e.text = type + " " + ref;
  e.details["action"] = TomlValue(ref);
  return e;
}

// An "action-edit" of the action added by event `ref`, with these new values
// (details key -> value; an empty value clears the field).
Event edit_event(const std::string& id, const std::string& ref, Timestamp at,
                 const std::vector<std::pair<std::string, std::string>>& values,
                 const std::string& by = "Carol <carol@example.com>") {
  Event e;
  e.id = id;
  e.at = at;
  e.by = by;
  e.type = "action-edit";
  e.text = "edited " + ref;
  e.details["action"] = TomlValue(ref);
  for (const auto& [key, value] : values) e.details[key] = TomlValue(value);
  return e;
}

// The action as the fold makes it from an "action" event by Bob.
FollowUp follow_up(const std::string& id, int number, const std::string& text, Timestamp added_at) {
  FollowUp a;
  a.id = id;
  a.number = number;
  a.text = text;
  a.added_at = added_at;
  a.added_by = "Bob <bob@example.com>";
  return a;
}

// The actions of an incident made of these events (after the declaration),
// read back from the file's text as irctl reads any file.
std::vector<FollowUp> actions_of(const std::vector<Event>& events) {
  IncidentFile f = IncidentFile::create(kId);
  f.apply(declare_event());
  for (const auto& e : events) f.apply(e);
  return IncidentFile::parse(f.render(), kPath).incident().actions;
}

std::string due(const std::string& text, Timestamp now = from_civil({2026, 11, 28, 23, 30, 0, 0})) {
  return parse_due_date(text, now);
}

Errc due_error(const std::string& text) {
  return code_of([&] { due(text); });
}

EventResult add(Repository& repo, const std::string& id, const std::string& text, const std::string& owner = "",
                const std::string& due_date = "", const std::string& type = "", const std::string& link = "") {
  FollowUpRequest r;
  r.text = text;
  r.owner = owner;
  r.due = due_date;
  r.type = type;
  r.link = link;
  return add_follow_up(repo, id, r, recorder());
}

// The texts of the rows, in order, for comparing a whole listing at once.
std::vector<std::string> rows_of(const FollowUpList& list) {
  std::vector<std::string> out;
  for (const auto& r : list.rows) out.push_back(r.action.text);
  return out;
}

FollowUpFilter filter_for(const std::string& today) {
  FollowUpFilter f;
  f.today = today;
  return f;
}
}  // namespace

TEST_SUITE("actions") {
  TEST_CASE("parse_due_date keeps calendar dates as they are") {
    CHECK(due("2026-12-15") == "2026-12-15");
    CHECK(due("  2026-12-15 ") == "2026-12-15");
    CHECK(due("2028-02-29") == "2028-02-29");  // a leap year
    CHECK(due("2026-12-31") == "2026-12-31");
    CHECK(due("9999-12-31") == "9999-12-31");
    // a date in the past is a date all the same: the action is overdue
    CHECK(due("2020-01-01") == "2020-01-01");
  }

  TEST_CASE("parse_due_date refuses dates that are not on the calendar") {
    for (const char* bad : {"2026-02-30", "2027-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-12-00",
                            "2026-12-32", "0000-01-01"}) {
      CAPTURE(bad);
      CHECK(due_error(bad) == Errc::usage);
    }
    try {
      due("2026-02-30");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("2026-02-30") != std::string::npos);
      CHECK(e.hint().find("14d") != std::string::npos);
    }
  }

  TEST_CASE("parse_due_date counts spans from now, in UTC days") {
    // now is 2026-11-28 23:30 UTC
    CHECK(due("14d") == "2026-12-12");
    CHECK(due("2w") == "2026-12-12");
    CHECK(due("+3d") == "2026-12-01");
    CHECK(due(" +3d ") == "2026-12-01");
    CHECK(due("0d") == "2026-11-28");
    CHECK(due("1h") == "2026-11-29");  // past midnight UTC: tomorrow
    CHECK(due("1w2d") == "2026-12-07");
    CHECK(due("30d") == "2026-12-28");
    CHECK(due("5w", from_civil({2026, 12, 20, 8, 0, 0, 0})) == "2027-01-24");  // across the year
    CHECK(due("1d", from_civil({2028, 2, 28, 12, 0, 0, 0})) == "2028-02-29");
  }

  TEST_CASE("parse_due_date refuses what is neither a date nor a span") {
    for (const char* bad : {"", "   ", "14", "d", "14x", "-3d", "+", "++3d", "tomorrow", "2026/12/15", "12/15/2026",
                            "2026-12-1", "2026-1-15", "20261215", "2026-12-15T10:00:00Z", "3 d"}) {
      CAPTURE(bad);
      CHECK(due_error(bad) == Errc::usage);
    }
  }

  TEST_CASE("parse_due_date refuses a span beyond the year 9999 instead of writing a broken date") {
    CHECK(due_error("99999999d") == Errc::usage);
    CHECK(due_error("99999999w") == Errc::usage);
    CHECK(due("2000w").size() == 10);  // about 38 years: fine
  }

  TEST_CASE("web_link takes http, https and mailto links, in any case and trimmed, and nothing else") {
    CHECK(web_link("  HTTPS://tracker.example.com/OPS-1 ") == "HTTPS://tracker.example.com/OPS-1");
    const std::string wiki = "http://wiki.example.com/Page_(x)?a=1&b=[2]#top";
    CHECK(web_link(wiki) == wiki);
    CHECK(web_link("mailto:security@example.com") == "mailto:security@example.com");
    CHECK(web_link("https://example.com/caf\xc3\xa9") == "https://example.com/caf\xc3\xa9");
    for (const char* refused :
         {"javascript:alert(1)", "JavaScript:alert(1)", " javascript://%0aalert(1)", "data:text/html,x", "vbscript:x",
          "file:///etc/passwd", "//example.com", "example.com/x", "https:", "https://", "https:example.com", "mailto:",
          "https://a.example/b c", "https://a.example/\"x", "https://a.example/<x>", "https://a.example/\\x",
          "https://a.example/{x}", "https://a.example/\tx", "https://a.example/x\x7f", ""})
      CHECK_MESSAGE(!web_link(refused), refused);
    CHECK(!web_link("https://example.com/" + std::string(2048, 'x')));
  }

  TEST_CASE("require_link refuses what web_link does not take, as a usage error naming it") {
    CHECK(require_link(" https://x.example/1 ", "the link") == "https://x.example/1");
    CHECK(code_of([] { require_link("javascript:alert(1)", "the link"); }) == Errc::usage);
    CHECK(code_of([] { require_link("https://x.example/\nSet-Cookie: a", "the link"); }) == Errc::usage);
    CHECK(code_of([] { require_link("  ", "the link"); }) == Errc::usage);
  }

  TEST_CASE("date_of is the UTC date of a time") {
    CHECK(date_of(kT0) == "2026-11-28");
    CHECK(date_of(from_civil({2026, 11, 28, 23, 59, 59, 0})) == "2026-11-28");
    CHECK(date_of(from_civil({2026, 11, 29, 1, 0, 0, 120})) == "2026-11-28");  // 01:00+02:00
  }

  TEST_CASE("follow_up_types are the four kinds, in order") {
    CHECK(follow_up_types().names() == std::vector<std::string>{"prevent", "mitigate", "detect", "process"});
  }

  TEST_CASE("an incident without action events has no actions") {
    CHECK(actions_of({}).empty());
  }

  TEST_CASE("action events become numbered follow-ups with their details") {
    Event a = action_event("ACT000000001", "Add a canary stage", minutes_after_t0(10));
    a.details["owner"] = TomlValue("Alice <alice@example.com>");
    a.details["due"] = TomlValue("2026-12-15");
    a.details["action_type"] = TomlValue("prevent");
    a.details["link"] = TomlValue("https://tracker.example.com/OPS-1");
    const Event b = action_event("ACT000000002", "Alert on the error budget", minutes_after_t0(20));
    const auto actions = actions_of({a, b});
    REQUIRE(actions.size() == 2);
    CHECK(actions[0].id == "ACT000000001");
    CHECK(actions[0].number == 1);
    CHECK(actions[0].text == "Add a canary stage");
    CHECK(actions[0].owner == "Alice <alice@example.com>");
    CHECK(actions[0].due == "2026-12-15");
    CHECK(actions[0].type == "prevent");
    CHECK(actions[0].link == "https://tracker.example.com/OPS-1");
    CHECK(actions[0].added_at == minutes_after_t0(10));
    CHECK(actions[0].added_by == "Bob <bob@example.com>");
    CHECK_FALSE(actions[0].done);
    CHECK_FALSE(actions[0].done_at.has_value());
    CHECK(actions[0].done_by.empty());
    CHECK(actions[1].number == 2);
    CHECK(actions[1].owner.empty());
    CHECK(actions[1].due.empty());
    CHECK(actions[1].type.empty());
    CHECK(actions[1].link.empty());
  }

  TEST_CASE("actions are numbered in the order of their times, not of the file") {
    // Recorded later with --at, or merged in from another clone: the file
    // lists the older action last.
    const auto actions = actions_of({action_event("ACTLATE00001", "second", minutes_after_t0(30)),
                                     action_event("ACTEARLY0001", "first", minutes_after_t0(10)),
                                     action_event("ACTSAME00001", "third", minutes_after_t0(30))});
    REQUIRE(actions.size() == 3);
    CHECK(actions[0].text == "first");
    CHECK(actions[0].number == 1);
    CHECK(actions[1].text == "second");  // equal times keep the file's order
    CHECK(actions[1].number == 2);
    CHECK(actions[2].text == "third");
    CHECK(actions[2].number == 3);
  }

  TEST_CASE("done and reopen name the action by its id; the latest in time wins") {
    const Event a = action_event("ACT000000001", "one", minutes_after_t0(10));
    const Event b = action_event("ACT000000002", "two", minutes_after_t0(11));
    const auto done = actions_of({a, b, mark_event("MRK000000001", "action-done", "ACT000000002", minutes_after_t0(20))});
    REQUIRE(done.size() == 2);
    CHECK_FALSE(done[0].done);
    CHECK(done[1].done);
    CHECK(done[1].done_at == minutes_after_t0(20));
    CHECK(done[1].done_by == "Carol <carol@example.com>");

    const auto reopened = actions_of({a, b, mark_event("MRK000000001", "action-done", "ACT000000002", minutes_after_t0(20)),
                                      mark_event("MRK000000002", "action-reopen", "ACT000000002", minutes_after_t0(30))});
    CHECK_FALSE(reopened[1].done);
    CHECK_FALSE(reopened[1].done_at.has_value());
    CHECK(reopened[1].done_by.empty());

    const auto again = actions_of({a, b, mark_event("MRK000000001", "action-done", "ACT000000002", minutes_after_t0(20)),
                                   mark_event("MRK000000002", "action-reopen", "ACT000000002", minutes_after_t0(30)),
                                   mark_event("MRK000000003", "action-done", "ACT000000002", minutes_after_t0(40),
                                              "Dave <dave@example.com>")});
    CHECK(again[1].done);
    CHECK(again[1].done_at == minutes_after_t0(40));
    CHECK(again[1].done_by == "Dave <dave@example.com>");
  }

  TEST_CASE("after a merge the marks count in time order, wherever the file lists them") {
    const Event a = action_event("ACT000000001", "one", minutes_after_t0(10));
    // A clone reopened the action at :30 and its entry was merged before the
    // other clone's done at :20: time order says open.
    const auto reopened = actions_of({a, mark_event("MRK000000002", "action-reopen", "ACT000000001", minutes_after_t0(30)),
                                      mark_event("MRK000000001", "action-done", "ACT000000001", minutes_after_t0(20))});
    REQUIRE(reopened.size() == 1);
    CHECK_FALSE(reopened[0].done);
    // The other way round: done is the later one.
    const auto done = actions_of({a, mark_event("MRK000000002", "action-done", "ACT000000001", minutes_after_t0(30)),
                                  mark_event("MRK000000001", "action-reopen", "ACT000000001", minutes_after_t0(20))});
    CHECK(done[0].done);
    CHECK(done[0].done_at == minutes_after_t0(30));
    // A done entry that the merge put before the action it names.
    const auto first_in_file = actions_of({mark_event("MRK000000001", "action-done", "ACT000000001", minutes_after_t0(20)), a});
    REQUIRE(first_in_file.size() == 1);
    CHECK(first_in_file[0].done);
  }

  TEST_CASE("a mark whose time lies before its action's still counts") {
    // irctl --at -1h action done, for an action added a minute ago; or a
    // clone whose clock was behind. Dropping the mark would leave the action
    // open and let the same done be committed again and again.
    const auto actions = actions_of({action_event("ACT000000001", "one", minutes_after_t0(60)),
                                     mark_event("MRK000000001", "action-done", "ACT000000001", minutes_after_t0(5))});
    REQUIRE(actions.size() == 1);
    CHECK(actions[0].done);
    CHECK(actions[0].done_at == minutes_after_t0(5));
  }

  TEST_CASE("numbers move when an earlier action is merged in; ids and marks do not") {
    const Event mine = action_event("ACTMINE00001", "mine", minutes_after_t0(20));
    const Event done = mark_event("MRK000000001", "action-done", "ACTMINE00001", minutes_after_t0(25));
    const auto before = actions_of({mine, done});
    REQUIRE(before.size() == 1);
    CHECK(before[0].number == 1);
    const auto after = actions_of({mine, done, action_event("ACTTHEIRS001", "theirs", minutes_after_t0(10))});
    REQUIRE(after.size() == 2);
    CHECK(after[0].id == "ACTTHEIRS001");
    CHECK_FALSE(after[0].done);
    CHECK(after[1].id == "ACTMINE00001");
    CHECK(after[1].number == 2);
    CHECK(after[1].done);
  }

  TEST_CASE("an edit changes the fields it names, in time order; a later done keeps the edited values") {
    Event added = action_event("ACT000000001", "Add a canary stage", minutes_after_t0(10));
    added.details["owner"] = TomlValue("bob");
    added.details["due"] = TomlValue("2026-12-01");
    added.details["action_type"] = TomlValue("prevent");
    added.details["link"] = TomlValue("https://tracker.example.com/OPS-1");
    const Event edit = edit_event("EDT000000001", "ACT000000001", minutes_after_t0(20),
                                  {{"action_text", "Add a canary stage to every deploy"},
                                   {"owner", "Carol <carol@example.com>"},
                                   {"link", ""}});
    const Event later = edit_event("EDT000000002", "ACT000000001", minutes_after_t0(30),
                                   {{"due", "2026-12-20"}, {"action_type", ""}});
    const Event done = mark_event("MRK000000001", "action-done", "ACT000000001", minutes_after_t0(40));

    FollowUp expected = follow_up("ACT000000001", 1, "Add a canary stage to every deploy", minutes_after_t0(10));
    expected.owner = "Carol <carol@example.com>";
    expected.due = "2026-12-20";
    expected.done = true;
    expected.done_at = minutes_after_t0(40);
    expected.done_by = "Carol <carol@example.com>";
    CHECK(actions_of({added, edit, later, done}) == std::vector<FollowUp>{expected});
    // The file lists the later edit first (a merge): time order decides, so
    // the owner is still Carol's and the due date the later one.
    CHECK(actions_of({added, later, done, edit}) == std::vector<FollowUp>{expected});
    // Two edits of one field: the later in time holds.
    const Event back = edit_event("EDT000000003", "ACT000000001", minutes_after_t0(50), {{"owner", "bob"}});
    expected.owner = "bob";
    CHECK(actions_of({added, edit, back, later, done}) == std::vector<FollowUp>{expected});
    // An empty text does not clear the text; a detail that is not a string is no value.
    Event odd = edit_event("EDT000000004", "ACT000000001", minutes_after_t0(60), {{"action_text", ""}});
    odd.details["owner"] = TomlValue(int64_t{7});
    CHECK(actions_of({added, edit, back, later, done, odd}) == std::vector<FollowUp>{expected});
    // An edit names its action by id: one that names none changes nothing.
    const auto untouched =
        actions_of({added, edit_event("EDT000000005", "NOSUCHACTION", minutes_after_t0(20), {{"owner", "x"}})});
    REQUIRE(untouched.size() == 1);
    CHECK(untouched[0].owner == "bob");
    CHECK(event_types().contains("action-edit"));
  }

  TEST_CASE("an edit of an action another clone added survives the merge of the two timelines") {
    // Clone 2 added the action (synced, so both clones have it). Then clone 1
    // edits it, while clone 2 adds an action dated earlier (--at) and marks
    // the first done. After the merge the first action is number 2, and the
    // edit and the mark both stay with it.
    IncidentFile base_file = IncidentFile::create(kId);
    base_file.apply(declare_event());
    base_file.apply(action_event("ACTCLONE0002", "Add a canary stage", minutes_after_t0(20)));
    const std::string base = base_file.render();

    IncidentFile ours = IncidentFile::parse(base, kPath);
    ours.apply(edit_event("EDT000000001", "ACTCLONE0002", minutes_after_t0(30),
                          {{"owner", "Carol <carol@example.com>"}, {"due", "2026-12-20"}}));
    IncidentFile theirs = IncidentFile::parse(base, kPath);
    theirs.apply(action_event("ACTEARLIER01", "Page the database team sooner", minutes_after_t0(5)));
    theirs.apply(
        mark_event("MRK000000001", "action-done", "ACTCLONE0002", minutes_after_t0(40), "Dave <dave@example.com>"));

    FollowUp earlier = follow_up("ACTEARLIER01", 1, "Page the database team sooner", minutes_after_t0(5));
    FollowUp edited = follow_up("ACTCLONE0002", 2, "Add a canary stage", minutes_after_t0(20));
    edited.owner = "Carol <carol@example.com>";
    edited.due = "2026-12-20";
    edited.done = true;
    edited.done_at = minutes_after_t0(40);
    edited.done_by = "Dave <dave@example.com>";
    const std::vector<FollowUp> expected = {earlier, edited};
    for (const bool ours_first : {true, false}) {
      CAPTURE(ours_first);
      const MergedText merged = ours_first ? merge_incident(base, ours.render(), theirs.render(), kPath)
                                           : merge_incident(base, theirs.render(), ours.render(), kPath);
      CHECK(merged.conflicts.empty());
      CHECK(IncidentFile::parse(merged.text, kPath).incident().actions == expected);
    }
  }

  TEST_CASE("marks that name no action, or name it wrongly, are ignored") {
    const Event a = action_event("ACT000000001", "one", minutes_after_t0(10));
    Event no_ref = mark_event("MRK000000002", "action-done", "", minutes_after_t0(21));
    no_ref.details.clear();
    Event number_ref = mark_event("MRK000000003", "action-done", "", minutes_after_t0(22));
    number_ref.details["action"] = TomlValue(1);  // not a string: not an id
    const auto actions =
        actions_of({a, mark_event("MRK000000001", "action-done", "NOSUCHACTION", minutes_after_t0(20)), no_ref,
                    number_ref});
    REQUIRE(actions.size() == 1);
    CHECK_FALSE(actions[0].done);
    // and they stay on the timeline, as events of a type irctl knows
    CHECK(event_types().contains("action-done"));
  }

  TEST_CASE("overdue: open, with a due date before today") {
    FollowUp a;
    CHECK_FALSE(a.overdue("2026-11-28"));  // no due date
    a.due = "2026-11-27";
    CHECK(a.overdue("2026-11-28"));
    CHECK_FALSE(a.overdue("2026-11-27"));  // due today is not late yet
    CHECK_FALSE(a.overdue("2026-11-26"));
    CHECK(a.overdue("2027-01-01"));
    a.done = true;
    CHECK_FALSE(a.overdue("2026-11-28"));
  }

  TEST_CASE("follow_up_to_json has every field; overdue only with a date") {
    FollowUp a;
    a.id = "ACT000000001";
    a.number = 3;
    a.text = "Add a canary stage";
    a.owner = "Alice <alice@example.com>";
    a.due = "2026-11-20";
    a.type = "prevent";
    a.link = "https://tracker.example.com/OPS-1";
    a.added_at = kT0;
    a.added_by = "Bob <bob@example.com>";
    Json j = follow_up_to_json(a, "2026-11-28");
    CHECK(j["number"] == 3);
    CHECK(j["id"] == "ACT000000001");
    CHECK(j["text"] == "Add a canary stage");
    CHECK(j["owner"] == "Alice <alice@example.com>");
    CHECK(j["due"] == "2026-11-20");
    CHECK(j["type"] == "prevent");
    CHECK(j["link"] == "https://tracker.example.com/OPS-1");
    CHECK(j["status"] == "open");
    CHECK(j["added_at"] == "2026-11-28T16:05:00Z");
    CHECK(j["added_by"] == "Bob <bob@example.com>");
    CHECK(j["done_at"].is_null());
    CHECK(j["done_by"] == "");
    CHECK(j["overdue"] == true);
    CHECK_FALSE(follow_up_to_json(a, "").contains("overdue"));

    a.done = true;
    a.done_at = minutes_after_t0(60);
    a.done_by = "Carol <carol@example.com>";
    a.due.clear();
    j = follow_up_to_json(a, "2026-11-28");
    CHECK(j["status"] == "done");
    CHECK(j["done_at"] == "2026-11-28T17:05:00Z");
    CHECK(j["done_by"] == "Carol <carol@example.com>");
    CHECK(j["due"].is_null());
    CHECK(j["overdue"] == false);
  }

  TEST_CASE("add_follow_up records one action event with its details; bad input changes nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout API returns 503");
    const auto r = add(repo, id, "  Add a canary stage  ", "Alice <alice@example.com>", "2026-12-15", " Prevent ",
                       "https://tracker.example.com/OPS-1");
    CHECK(r.recorded);
    CHECK(r.event.type == "action");
    CHECK(r.event.text == "Add a canary stage");
    CHECK(r.event.details.at("owner").as_string().str == "Alice <alice@example.com>");
    CHECK(r.event.details.at("due").as_string().str == "2026-12-15");
    CHECK(r.event.details.at("action_type").as_string().str == "prevent");
    CHECK(r.event.details.at("link").as_string().str == "https://tracker.example.com/OPS-1");
    CHECK(r.event.set.empty());
    const auto plain = add(repo, id, "Write the runbook");
    CHECK(plain.event.details.empty());
    REQUIRE(incident_history(repo, id).size() == 3);

    const auto actions = load_incident(repo, id).incident().actions;
    REQUIRE(actions.size() == 2);
    CHECK(actions[0].id == r.event.id);
    CHECK(actions[1].id == plain.event.id);
    CHECK(actions[1].number == 2);

    CHECK(code_of([&] { add(repo, id, "x", "", "", "improve"); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, "x", "", "2026-02-30"); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, "x", "", "soon"); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, "   "); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, "two\nlines"); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, "x", "bob\nmallory"); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, id, std::string(kMaxTitle * 2 + 1, 'x')); }) == Errc::usage);
    CHECK(code_of([&] { add(repo, "INC-20261128-ZZZZZZ", "x"); }) == Errc::not_found);
    CHECK(incident_history(repo, id).size() == 3);
    CHECK(load_incident(repo, id).incident().actions.size() == 2);
  }

  TEST_CASE("add_follow_up's result says the new action's number, in time order when --at puts it earlier") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const Timestamp now = now_utc();
    const auto minutes_ago = [&](int m) { return Recorder{kAlice, now - std::chrono::minutes(m), now}; };
    DeclareRequest declare_request;
    declare_request.title = "Checkout API returns 503";
    const std::string id = declare_incident(repo, declare_request, minutes_ago(60)).incident_id;
    const auto add_at = [&](const std::string& text, int m) {
      FollowUpRequest r;
      r.text = text;
      return add_follow_up(repo, id, r, minutes_ago(m)).follow_up_number;
    };
    CHECK(add_at("Add a canary stage", 20) == 1);
    CHECK(add_at("Write the runbook", 10) == 2);
    CHECK(add_at("Page the database team sooner", 30) == 1);  // --at before the two above
  }

  TEST_CASE("--due as a span counts from the event's time (--at), not from the wall clock; for an edit too") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const Timestamp now = from_civil({2026, 11, 28, 23, 30, 0, 0});
    const Recorder back_then{kAlice, now - std::chrono::hours(24 * 10), now};  // --at 10 days ago
    DeclareRequest declare_request;
    declare_request.title = "Checkout API returns 503";
    const std::string id = declare_incident(repo, declare_request, back_then).incident_id;
    FollowUpRequest r;
    r.text = "Add a canary stage";
    r.due = "14d";
    add_follow_up(repo, id, r, back_then);
    CHECK(load_incident(repo, id).incident().actions.at(0).due == "2026-12-02");  // 2026-11-18 + 14 days
    FollowUpEdit edit;
    edit.due = "7d";
    edit_follow_up(repo, id, "1", edit, back_then);
    CHECK(load_incident(repo, id).incident().actions.at(0).due == "2026-11-25");  // 2026-11-18 + 7 days
  }

  TEST_CASE("mark_follow_up by number or id; marking twice records nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Disk full");
    add(repo, id, "one");
    const auto two = add(repo, id, "two");

    const auto d = mark_follow_up(repo, id, "2", MarkAs::done, recorder({"Carol", "carol@example.com"}));
    CHECK(d.recorded);
    CHECK(d.event.type == "action-done");
    CHECK(d.event.text == "done 2: two");
    CHECK(d.event.details.at("action").as_string().str == two.event.id);
    auto actions = load_incident(repo, id).incident().actions;
    CHECK(actions[1].done);
    CHECK(actions[1].done_by == "Carol <carol@example.com>");
    CHECK_FALSE(actions[0].done);

    const size_t commits = incident_history(repo, id).size();
    CHECK_FALSE(mark_follow_up(repo, id, "2", MarkAs::done, recorder()).recorded);
    CHECK_FALSE(mark_follow_up(repo, id, two.event.id, MarkAs::done, recorder()).recorded);
    CHECK_FALSE(mark_follow_up(repo, id, "1", MarkAs::open, recorder()).recorded);  // open already
    CHECK(incident_history(repo, id).size() == commits);

    // by id, in any case
    std::string lower_id = two.event.id;
    std::transform(lower_id.begin(), lower_id.end(), lower_id.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto r = mark_follow_up(repo, id, lower_id, MarkAs::open, recorder());
    CHECK(r.event.type == "action-reopen");
    CHECK(r.event.text == "reopened 2: two");
    CHECK_FALSE(load_incident(repo, id).incident().actions[1].done);
    CHECK(mark_follow_up(repo, id, " 1 ", MarkAs::done, recorder()).event.text == "done 1: one");

    for (const char* bad : {"0", "3", "99999999999", "NOSUCHACTION", ""}) {
      CAPTURE(bad);
      CHECK(code_of([&] { mark_follow_up(repo, id, bad, MarkAs::done, recorder()); }) == Errc::not_found);
    }
    const std::string empty = declare(repo, "No actions");
    CHECK(code_of([&] { mark_follow_up(repo, empty, "1", MarkAs::done, recorder()); }) == Errc::not_found);
    CHECK(incident_history(repo, id).size() == commits + 2);
  }

  TEST_CASE("edit_follow_up records only the fields that change; nothing to change records nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Disk full");
    add(repo, id, "one");
    const auto two = add(repo, id, "two", "bob", "2026-12-01", "prevent", "https://tracker.example.com/OPS-1");

    FollowUpEdit edit;
    edit.text = "  two, in new words ";
    edit.owner = "bob";  // as it is: not recorded
    edit.due = "2026-12-20";
    edit.type = " DETECT ";
    edit.link = "";  // cleared
    const auto r = edit_follow_up(repo, id, "2", edit, recorder({"Carol", "carol@example.com"}));
    CHECK(r.recorded);
    CHECK(r.event.type == "action-edit");
    CHECK(r.event.text == "edited 2: text = two, in new words; due = 2026-12-20; type = detect; link = (none)");
    TomlTable details;
    details["action"] = TomlValue(two.event.id);
    details["action_text"] = TomlValue("two, in new words");
    details["due"] = TomlValue("2026-12-20");
    details["action_type"] = TomlValue("detect");
    details["link"] = TomlValue("");
    CHECK(r.event.details == details);
    CHECK(r.event.set.empty());

    FollowUp expected = load_incident(repo, id).incident().actions.at(1);
    CHECK(expected.text == "two, in new words");
    CHECK(expected.owner == "bob");
    CHECK(expected.due == "2026-12-20");
    CHECK(expected.type == "detect");
    CHECK(expected.link.empty());
    CHECK(expected.id == two.event.id);

    // The same values again, or none at all: nothing recorded, no commit.
    const size_t commits = incident_history(repo, id).size();
    CHECK_FALSE(edit_follow_up(repo, id, "2", edit, recorder()).recorded);
    CHECK_FALSE(edit_follow_up(repo, id, two.event.id, FollowUpEdit{}, recorder()).recorded);
    CHECK(incident_history(repo, id).size() == commits);

    // Bad values and unknown actions: refused, nothing changes.
    const auto code = [&](const std::string& which, const FollowUpEdit& e) {
      return code_of([&] { edit_follow_up(repo, id, which, e, recorder()); });
    };
    FollowUpEdit bad;
    bad.type = "improve";
    CHECK(code("2", bad) == Errc::usage);
    bad = {};
    bad.due = "soon";
    CHECK(code("2", bad) == Errc::usage);
    bad = {};
    bad.text = "";
    CHECK(code("2", bad) == Errc::usage);  // the text cannot be cleared
    bad = {};
    bad.owner = "bob\nmallory";
    CHECK(code("2", bad) == Errc::usage);
    bad = {};
    bad.link = "javascript:alert(1)";
    CHECK(code("2", bad) == Errc::usage);
    bad = {};
    bad.due = "2026-02-30";
    CHECK(code("99", bad) == Errc::usage);  // values are checked before the action is looked up
    FollowUpEdit fine;
    fine.owner = "carol";
    for (const char* which : {"0", "3", "NOSUCHACTION", ""}) {
      CAPTURE(which);
      CHECK(code(which, fine) == Errc::not_found);
    }
    CHECK(incident_history(repo, id).size() == commits);
    CHECK(load_incident(repo, id).incident().actions.at(1) == expected);
  }

  TEST_CASE("actions are accepted on a closed incident") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Disk full");
    resolve_incident(repo, id, std::nullopt, std::nullopt, recorder());
    close_incident(repo, id, ClosePolicy::forced, recorder());
    REQUIRE(load_incident(repo, id).incident().status == "closed");
    CHECK(add(repo, id, "Alert on disk usage", "bob").recorded);
    CHECK(mark_follow_up(repo, id, "1", MarkAs::done, recorder()).recorded);
    FollowUpEdit edit;
    edit.owner = "carol";
    CHECK(edit_follow_up(repo, id, "1", edit, recorder()).recorded);
    CHECK(load_incident(repo, id).incident().actions.at(0).done);
    CHECK(load_incident(repo, id).incident().actions.at(0).owner == "carol");
  }

  TEST_CASE("list_follow_ups: across incidents, by due date, with the filters") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string a = declare(repo, "A");
    const std::string b = declare(repo, "B");
    add(repo, a, "a-undated", "Alice Example <alice@example.com>");
    add(repo, a, "a-late", "alice", "2026-11-01", "detect");
    add(repo, a, "a-soon", "Bob Ops <bob@example.com>", "2026-12-01");
    add(repo, b, "b-late", "bob@example.com", "2026-10-15");
    add(repo, b, "b-done", "alice", "2026-09-01");
    add(repo, b, "b-today", "", "2026-11-28");
    add(repo, b, "b-undated");
    mark_follow_up(repo, b, "2", MarkAs::done, recorder());

    const FollowUpList all = list_follow_ups(repo, filter_for("2026-11-28"));
    CHECK(all.problems.empty());
    // by due date, the undated last (then by incident and number)
    const std::vector<std::string> undated = a < b ? std::vector<std::string>{"a-undated", "b-undated"}
                                                   : std::vector<std::string>{"b-undated", "a-undated"};
    std::vector<std::string> expected = {"b-done", "b-late", "a-late", "b-today", "a-soon"};
    expected.insert(expected.end(), undated.begin(), undated.end());
    CHECK(rows_of(all) == expected);
    const auto row = std::find_if(all.rows.begin(), all.rows.end(), [](const FollowUpRow& r) { return r.action.text == "a-late"; });
    REQUIRE(row != all.rows.end());
    CHECK(row->incident == a);
    CHECK(row->incident_title == "A");
    CHECK(row->incident_status == "identification");
    CHECK(row->overdue);
    CHECK(row->action.number == 2);
    CHECK(row->action.type == "detect");

    FollowUpFilter f = filter_for("2026-11-28");
    f.incident = a;
    CHECK(rows_of(list_follow_ups(repo, f)) == std::vector<std::string>{"a-late", "a-soon", "a-undated"});

    f = filter_for("2026-11-28");
    f.open_only = true;
    const auto open = rows_of(list_follow_ups(repo, f));
    CHECK(std::find(open.begin(), open.end(), "b-done") == open.end());
    CHECK(open.size() == 6);

    f = filter_for("2026-11-28");
    f.overdue_only = true;  // open and due before today: not b-done, not b-today
    CHECK(rows_of(list_follow_ups(repo, f)) == std::vector<std::string>{"b-late", "a-late"});
    f.today = "2026-10-01";
    CHECK(list_follow_ups(repo, f).rows.empty());
    f.today = "2026-12-02";
    CHECK(rows_of(list_follow_ups(repo, f)) == std::vector<std::string>{"b-late", "a-late", "b-today", "a-soon"});
  }

  TEST_CASE("list_follow_ups --owner: the name, the email or both, any case; not a part of one") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "A");
    add(repo, id, "full", "Alice Example <alice@example.com>");
    add(repo, id, "name", "alice");
    add(repo, id, "email", "alice@example.com");
    add(repo, id, "other", "Alicia Keys <alicia@example.com>");
    add(repo, id, "nobody");
    const auto owned_by = [&](const std::string& owner) {
      FollowUpFilter f = filter_for("2026-11-28");
      f.owner = owner;
      auto rows = rows_of(list_follow_ups(repo, f));
      std::sort(rows.begin(), rows.end());
      return rows;
    };
    CHECK(owned_by("alice") == std::vector<std::string>{"name"});
    CHECK(owned_by("Alice Example") == std::vector<std::string>{"full"});
    CHECK(owned_by("ALICE EXAMPLE") == std::vector<std::string>{"full"});
    CHECK(owned_by("alice@example.com") == std::vector<std::string>{"email", "full"});
    CHECK(owned_by("Alice@Example.COM") == std::vector<std::string>{"email", "full"});
    CHECK(owned_by("alice example <ALICE@example.com>") == std::vector<std::string>{"full"});
    CHECK(owned_by("  alice  ") == std::vector<std::string>{"name"});
    CHECK(owned_by("Alicia Keys") == std::vector<std::string>{"other"});
    // parts of a name or address are not the owner
    CHECK(owned_by("ali").empty());
    CHECK(owned_by("Alice Ex").empty());
    CHECK(owned_by("example.com").empty());
    CHECK(owned_by("alice@example").empty());
    CHECK(owned_by("Example").empty());
    CHECK(owned_by("").size() == 5);  // no filter
  }

  TEST_CASE("action list colours the due dates of overdue actions red, on a terminal only") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "A");
    add(repo, id, "late", "bob", "2020-01-01");
    add(repo, id, "later", "bob", "9999-12-31");
    const std::string red_due = "\x1b[31m2020-01-01\x1b[0m";
    const CliRun coloured = run_cli({"action", "list"}, dir.path().string(), {.tty = true});
    CHECK(coloured.status == 0);
    CHECK(coloured.out.find(red_due) != std::string::npos);
    CHECK(coloured.out.find("\x1b[31m9999-12-31") == std::string::npos);
    CHECK(coloured.out.rfind("\x1b[2mINCIDENT", 0) == 0);  // the header dim
    // the columns line up as without colour
    const CliRun plain = run_cli({"action", "list"}, dir.path().string());
    CHECK(plain.status == 0);
    CHECK(plain.out.find('\x1b') == std::string::npos);
    std::string stripped = coloured.out;
    for (const std::string code : {"\x1b[31m", "\x1b[2m", "\x1b[0m"})
      for (auto pos = stripped.find(code); pos != std::string::npos; pos = stripped.find(code)) stripped.erase(pos, code.size());
    CHECK(stripped == plain.out);
    CHECK(run_cli({"--no-color", "action", "list"}, dir.path().string(), {.tty = true}).out == plain.out);
    // --overdue: the same colours, and exit status 6
    const CliRun overdue = run_cli({"action", "list", "--overdue"}, dir.path().string(), {.tty = true});
    CHECK(overdue.status == cli::kExitCheckFound);
    CHECK(overdue.out.find(red_due) != std::string::npos);
    CHECK(overdue.out.find("later") == std::string::npos);
  }
}

}  // namespace test_actions
