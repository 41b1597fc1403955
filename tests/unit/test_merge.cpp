// merge_incident (core/store/merge.hpp): the three-way merge of incident files that
// sync, the merge driver and edit rely on. The texts come from the real API:
// an incident declared in a temporary repository (the base), then two sides
// made by applying different events to copies of it, as two clones would.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/operations.hpp"
#include "core/store/merge.hpp"
#include "support.hpp"

namespace test_merge {

using namespace irctl;
using namespace irctl::testing;

namespace {

const std::string kBob = "Bob <bob@example.com>";
const std::string kCarol = "Carol <carol@example.com>";

// An incident declared (SEV2, service checkout) and noted through the core
// API, in a repository of its own; `base` is its file as committed.
struct Fixture {
  TempDir dir;
  std::string id;
  std::string path;
  std::string base;
  Timestamp t0{};

  Fixture() {
    t0 = std::chrono::floor<std::chrono::seconds>(now_utc()) - std::chrono::hours(3);
    Repository repo = new_repository(dir, {.at = t0});
    const auto d = declare_incident(repo, declaration("Checkout API returns 503"), Recorder{kAlice, t0, now_utc()});
    id = d.incident_id;
    path = d.path;
    add_note(repo, id, "Error rate at 38%", Recorder{kAlice, t0 + std::chrono::minutes(1), now_utc()});
    base = repo.read_committed(path).value();
  }

  // A time after every base event.
  Timestamp at(int minutes) const { return t0 + std::chrono::minutes(10 + minutes); }

  // The base (or `from`) with the events applied, as a clone would write it.
  std::string with(const std::vector<Event>& events, const std::optional<std::string>& from = std::nullopt) const {
    IncidentFile f = IncidentFile::parse(from.value_or(base), path);
    for (const auto& e : events) f.apply(e);
    return f.render();
  }

  MergedText merge(const std::optional<std::string>& b, const std::string& o, const std::string& t) const {
    return merge_incident(b, o, t, path);
  }
};

int next_event_number = 1;

Event make(const std::string& type, const std::string& text, Timestamp at, const std::string& by = kBob) {
  Event e;
  e.id = make_event_id(0x5EED0000ULL + static_cast<uint64_t>(next_event_number++) * 7919ULL);
  e.at = at;
  e.by = by;
  e.type = type;
  e.text = text;
  return e;
}

Event note(const std::string& text, Timestamp at, const std::string& by = kBob) { return make("note", text, at, by); }

Event severity(const std::string& level, Timestamp at, const std::string& by = kBob) {
  Event e = make("severity", "Severity " + level, at, by);
  e.set["severity"] = TomlValue(level);
  return e;
}

Event services(const std::vector<std::string>& list, Timestamp at, const std::string& by = kBob) {
  Event e = make("set", "services", at, by);
  TomlArray a;
  for (const auto& s : list) a.emplace_back(s);
  e.set["services"] = TomlValue(std::move(a));
  return e;
}

Event title(const std::string& t, Timestamp at, const std::string& by = kBob) {
  Event e = make("set", "title", at, by);
  e.set["title"] = TomlValue(t);
  return e;
}

Event assign(const std::string& role, const std::string& person, Timestamp at, const std::string& by = kBob) {
  Event e = make("assign", role + ": " + person, at, by);
  e.set["roles." + role] = TomlValue(person);
  return e;
}

IncidentFile parsed(const Fixture& f, const std::string& text) { return IncidentFile::parse(text, f.path); }

std::vector<std::string> ids_of(const IncidentFile& file) {
  std::vector<std::string> out;
  for (const auto& e : file.incident().timeline) out.push_back(e.id);
  return out;
}

std::vector<Event> events_of_type(const IncidentFile& file, const std::string& type) {
  std::vector<Event> out;
  for (const auto& e : file.incident().timeline)
    if (e.type == type) out.push_back(e);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
  return s;
}

std::string drift_fields(const IncidentFile& file) {
  std::vector<std::string> fields;
  for (const auto& d : drift_from_timeline(file)) fields.push_back(d.field);
  return joined(fields);
}

struct Scenario {
  const char* name;
  std::string ours;
  std::string theirs;
};

// Sides made of events (and one hand-corrected note, no hand-edited fields),
// each consistent with its timeline.
std::vector<Scenario> scenarios(const Fixture& f) {
  const Event shared = note("Both clones got this one", f.at(0));
  return {
      {"notes on both sides", f.with({note("ours 1", f.at(1)), note("ours 2", f.at(3))}),
       f.with({note("theirs 1", f.at(2))})},
      {"notes at the same second", f.with({note("same second A", f.at(5))}), f.with({note("same second B", f.at(5))})},
      {"severity on one side, a note on the other", f.with({severity("SEV1", f.at(1))}),
       f.with({note("theirs", f.at(2))})},
      {"severity on both sides, differently", f.with({severity("SEV1", f.at(1))}), f.with({severity("SEV3", f.at(2))})},
      {"severity on both sides, the same", f.with({severity("SEV1", f.at(1))}), f.with({severity("SEV1", f.at(2))})},
      {"services on both sides", f.with({services({"checkout", "payments"}, f.at(1))}),
       f.with({services({"checkout", "search"}, f.at(2))})},
      {"roles on both sides", f.with({assign("commander", "carol", f.at(1))}),
       f.with({assign("tech-lead", "dave", f.at(2))})},
      {"the commander on both sides", f.with({assign("commander", "carol", f.at(2))}),
       f.with({assign("commander", "dave", f.at(1))})},
      {"one side unchanged", f.with({note("only ours", f.at(1)), title("New title", f.at(2))}), f.base},
      {"an event both sides have, and more", f.with({shared, note("ours after", f.at(4))}),
       f.with({shared, severity("SEV1", f.at(3))})},
      {"the same note corrected differently on both sides",
       replace(f.with({note("ours", f.at(1))}), "text = \"Error rate at 38%\"", "text = \"Error rate at 39%\""),
       replace(f.base, "text = \"Error rate at 38%\"", "text = \"Error rate at 40%\"")},
      {"title and severity crossing", f.with({title("Ours", f.at(1)), severity("SEV3", f.at(4))}),
       f.with({severity("SEV1", f.at(2)), title("Theirs", f.at(3))})},
  };
}

}  // namespace

TEST_SUITE("merge") {
  TEST_CASE("the sides are built from the real API and each is consistent with its timeline") {
    Fixture f;
    const IncidentFile base = parsed(f, f.base);
    CHECK(base.incident().timeline.size() == 2);
    CHECK(base.incident().severity == "SEV2");
    CHECK(drift_fields(base).empty());
    for (const auto& s : scenarios(f)) {
      CAPTURE(s.name);
      CHECK(drift_fields(parsed(f, s.ours)).empty());
      CHECK(drift_fields(parsed(f, s.theirs)).empty());
    }
  }

  TEST_CASE("symmetry: swapping ours and theirs gives the same text and the same conflicts") {
    Fixture f;
    for (const auto& s : scenarios(f)) {
      CAPTURE(s.name);
      const MergedText a = f.merge(f.base, s.ours, s.theirs);
      const MergedText b = f.merge(f.base, s.theirs, s.ours);
      CHECK(a.text == b.text);
      std::vector<std::string> ca = a.conflicts, cb = b.conflicts;
      std::sort(ca.begin(), ca.end());
      std::sort(cb.begin(), cb.end());
      CHECK(ca == cb);
      // and without a base
      CHECK(f.merge(std::nullopt, s.ours, s.theirs).text == f.merge(std::nullopt, s.theirs, s.ours).text);
    }
  }

  TEST_CASE("the merged file is consistent with its timeline when both sides were") {
    Fixture f;
    for (const auto& s : scenarios(f)) {
      CAPTURE(s.name);
      const MergedText m = f.merge(f.base, s.ours, s.theirs);
      const IncidentFile merged = parsed(f, m.text);
      CHECK(drift_fields(merged) == "");
      // what irctl fsck would also check: every event id once
      const auto ids = ids_of(merged);
      CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
    }
  }

  TEST_CASE("timelines are united: every event of either side once, in time order, no merge event") {
    Fixture f;
    const Event o1 = note("ours 1", f.at(1)), o2 = note("ours 2", f.at(3)), t1 = note("theirs 1", f.at(2));
    const Event shared = note("on both sides", f.at(0));
    const std::string ours = f.with({shared, o1, o2});
    const std::string theirs = f.with({shared, t1});
    const MergedText m = f.merge(f.base, ours, theirs);
    CHECK(m.conflicts.empty());
    const IncidentFile merged = parsed(f, m.text);
    const auto base_ids = ids_of(parsed(f, f.base));
    std::vector<std::string> expected = base_ids;
    for (const auto& e : {shared, o1, t1, o2}) expected.push_back(e.id);
    CHECK(joined(ids_of(merged)) == joined(expected));
    CHECK(events_of_type(merged, "merge").empty());
    const auto notes = events_of_type(merged, "note");
    REQUIRE(notes.size() == 5);
    CHECK(notes[1].text == "on both sides");
    CHECK(notes[2].text == "ours 1");
    CHECK(notes[3].text == "theirs 1");
    CHECK(notes[4].text == "ours 2");
    // the events are kept as they were, author and all
    CHECK(notes[3].by == kBob);
    CHECK(notes[3].at == f.at(2));
    // the fields are untouched
    CHECK(merged.incident().severity == "SEV2");
    CHECK(merged.incident().title == "Checkout API returns 503");
  }

  TEST_CASE("a field both sides changed: the latest event wins, recorded by one deterministic merge event") {
    Fixture f;
    const Event early = severity("SEV1", f.at(1), kBob);
    const Event late = severity("SEV3", f.at(2), kCarol);
    const std::string ours = f.with({early});
    const std::string theirs = f.with({late});
    const MergedText m = f.merge(f.base, ours, theirs);
    const IncidentFile merged = parsed(f, m.text);
    CHECK(merged.incident().severity == "SEV3");

    REQUIRE(m.conflicts.size() == 1);
    const std::string& c = m.conflicts.front();
    CHECK(c.find("severity") != std::string::npos);
    CHECK(c.find("SEV1") != std::string::npos);
    CHECK(c.find("SEV3") != std::string::npos);

    const auto merges = events_of_type(merged, "merge");
    REQUIRE(merges.size() == 1);
    const Event& me = merges.front();
    CHECK(merged.incident().timeline.back().id == me.id);  // recorded after what it merged
    CHECK(me.id.size() == 12);
    CHECK(me.at == f.at(2));  // the time of the latest merged event, not the clock
    REQUIRE(me.set.count("severity") == 1);
    CHECK(me.set.at("severity").as_string().str == "SEV3");
    REQUIRE(me.details.count("conflicts") == 1);
    const auto& listed = me.details.at("conflicts").as_array();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].as_string().str.find("SEV1") != std::string::npos);
    CHECK(listed[0].as_string().str.find("SEV3") != std::string::npos);
    CHECK(me.text.find("1 change") != std::string::npos);

    // the same merge event on every call, whichever side is ours
    const MergedText again = f.merge(f.base, ours, theirs);
    const MergedText swapped = f.merge(f.base, theirs, ours);
    CHECK(again.text == m.text);
    CHECK(swapped.text == m.text);
    CHECK(events_of_type(parsed(f, swapped.text), "merge").front().id == me.id);
    CHECK(drift_fields(merged).empty());

    // the other way round in time, the other value wins
    const MergedText reversed = f.merge(f.base, f.with({severity("SEV1", f.at(4))}), f.with({severity("SEV3", f.at(3))}));
    CHECK(parsed(f, reversed.text).incident().severity == "SEV1");
    REQUIRE(events_of_type(parsed(f, reversed.text), "merge").size() == 1);
    CHECK(events_of_type(parsed(f, reversed.text), "merge").front().id != me.id);  // other events, another merge
  }

  TEST_CASE("a table field (roles) merges key by key; the same key changed on both sides is a conflict") {
    Fixture f;
    const MergedText keys = f.merge(f.base, f.with({assign("commander", "carol", f.at(1))}),
                                    f.with({assign("tech-lead", "dave", f.at(2))}));
    const IncidentFile k = parsed(f, keys.text);
    CHECK(keys.conflicts.empty());
    CHECK(events_of_type(k, "merge").empty());
    CHECK(k.incident().people_in("commander") == std::vector<std::string>{"carol"});
    CHECK(k.incident().people_in("tech-lead") == std::vector<std::string>{"dave"});

    const MergedText same_key = f.merge(f.base, f.with({assign("commander", "carol", f.at(2))}),
                                        f.with({assign("commander", "dave", f.at(1))}));
    const IncidentFile s = parsed(f, same_key.text);
    CHECK(s.incident().people_in("commander") == std::vector<std::string>{"carol"});
    REQUIRE(same_key.conflicts.size() == 1);
    CHECK(same_key.conflicts.front().find("roles.commander") != std::string::npos);
    const auto merges = events_of_type(s, "merge");
    REQUIRE(merges.size() == 1);
    CHECK(merges.front().set.count("roles.commander") == 1);
    CHECK(drift_fields(s).empty());
  }

  TEST_CASE("a field changed on one side only is taken, without a merge event") {
    Fixture f;
    const std::string ours = f.with({severity("SEV1", f.at(1)), title("Checkout down everywhere", f.at(2))});
    const std::string theirs = f.with({note("theirs", f.at(3)), services({"checkout", "payments"}, f.at(4))});
    const MergedText m = f.merge(f.base, ours, theirs);
    CHECK(m.conflicts.empty());
    const IncidentFile merged = parsed(f, m.text);
    CHECK(events_of_type(merged, "merge").empty());
    CHECK(merged.incident().severity == "SEV1");
    CHECK(merged.incident().title == "Checkout down everywhere");
    CHECK(merged.incident().services == std::vector<std::string>{"checkout", "payments"});
    CHECK(merged.incident().timeline.size() == 2 + 4);
    CHECK(drift_fields(merged).empty());
  }

  TEST_CASE("lists changed on both sides are united: what neither removed, then what either added, once") {
    Fixture f;
    const MergedText m = f.merge(f.base, f.with({services({"checkout", "payments", "search"}, f.at(1))}),
                                 f.with({services({"checkout", "search", "auth"}, f.at(2))}));
    const IncidentFile merged = parsed(f, m.text);
    CHECK(merged.incident().services == std::vector<std::string>{"checkout", "auth", "payments", "search"});
    CHECK(drift_fields(merged).empty());

    // a removal on one side stays removed
    const std::string removed = f.with({services({"payments"}, f.at(1))});
    const std::string added = f.with({services({"checkout", "search"}, f.at(2))});
    const MergedText r = f.merge(f.base, removed, added);
    CHECK(parsed(f, r.text).incident().services == std::vector<std::string>{"payments", "search"});
    CHECK(f.merge(f.base, added, removed).text == r.text);
    CHECK(drift_fields(parsed(f, r.text)).empty());
  }

  TEST_CASE("a field edited by hand on one side is kept") {
    Fixture f;
    const std::string hand = replace(f.with({note("ours", f.at(1))}), "title = \"Checkout API returns 503\"",
                                     "title = \"Checkout API returns 503 (EU only)\"");
    REQUIRE(drift_fields(parsed(f, hand)) == "title");
    const std::string theirs = f.with({note("theirs", f.at(2)), severity("SEV1", f.at(3))});
    const MergedText m = f.merge(f.base, hand, theirs);
    const IncidentFile merged = parsed(f, m.text);
    CHECK(merged.incident().title == "Checkout API returns 503 (EU only)");
    CHECK(merged.incident().severity == "SEV1");
    CHECK(events_of_type(merged, "merge").empty());
    CHECK(m.conflicts.empty());
    CHECK(f.merge(f.base, theirs, hand).text == m.text);
    // the hand edit is still the only difference from the timeline
    CHECK(drift_fields(merged) == "title");

    // a timeline entry corrected by hand on one side: the correction wins
    const std::string fixed = replace(f.base, "text = \"Error rate at 38%\"", "text = \"Error rate at 83%\"");
    const std::string other = f.with({note("theirs", f.at(2))});
    const MergedText n = f.merge(f.base, fixed, other);
    const auto notes = events_of_type(parsed(f, n.text), "note");
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].text == "Error rate at 83%");
    CHECK(n.conflicts.empty());
    CHECK(f.merge(f.base, other, fixed).text == n.text);
  }

  TEST_CASE("a timeline entry corrected differently on both sides: one version, the same on every clone, reported") {
    Fixture f;
    const std::string a = replace(f.base, "text = \"Error rate at 38%\"", "text = \"Error rate at 39%\"");
    const std::string b = replace(f.base, "text = \"Error rate at 38%\"", "text = \"Error rate at 40%\"");
    const MergedText m = f.merge(f.base, a, b);
    CHECK(f.merge(f.base, b, a).text == m.text);
    const auto notes = events_of_type(parsed(f, m.text), "note");
    REQUIRE(notes.size() == 1);
    CHECK((notes[0].text == "Error rate at 39%" || notes[0].text == "Error rate at 40%"));
    REQUIRE(m.conflicts.size() == 1);
    CHECK(m.conflicts.front().find(notes[0].id) != std::string::npos);
  }

  TEST_CASE("a side that does not parse: Error(Errc::data) naming the side") {
    Fixture f;
    const std::string good = f.with({note("fine", f.at(1))});
    const std::string broken = replace(f.base, "title = \"Checkout API returns 503\"", "title = \"unterminated");
    const auto message = [&](const std::string& o, const std::string& t) -> std::string {
      try {
        f.merge(f.base, o, t);
      } catch (const Error& e) {
        CHECK(e.code() == Errc::data);
        return e.what();
      }
      FAIL("no error");
      return "";
    };
    const std::string ours_broken = message(broken, good);
    CHECK(ours_broken.rfind("our ", 0) == 0);
    CHECK(ours_broken.find(f.path) != std::string::npos);
    const std::string theirs_broken = message(good, broken);
    CHECK(theirs_broken.rfind("their ", 0) == 0);
    CHECK(theirs_broken.find(f.path) != std::string::npos);
    // not TOML at all, and TOML that is not an incident
    CHECK(message("not = [toml", good).rfind("our ", 0) == 0);
    CHECK(message(good, "schema = 1\n").rfind("their ", 0) == 0);
  }

  TEST_CASE("no base (or a base that does not parse) merges two-way") {
    Fixture f;
    const std::string ours = f.with({note("ours", f.at(1))});
    const std::string theirs = f.with({note("theirs", f.at(2))});
    const MergedText m = f.merge(std::nullopt, ours, theirs);
    const IncidentFile merged = parsed(f, m.text);
    CHECK(m.conflicts.empty());
    CHECK(merged.incident().timeline.size() == 4);
    CHECK(events_of_type(merged, "merge").empty());
    CHECK(drift_fields(merged).empty());
    // the same as with the base, for changes that do not overlap
    CHECK(parsed(f, f.merge(f.base, ours, theirs).text).incident().timeline.size() == 4);
    // a base that does not parse tells nothing: as if there were none
    CHECK(f.merge(std::string("garbage = [\n"), ours, theirs).text == m.text);

    // both changed severity: without a base both differ, the latest wins
    const MergedText s = f.merge(std::nullopt, f.with({severity("SEV1", f.at(1))}), f.with({severity("SEV3", f.at(2))}));
    CHECK(parsed(f, s.text).incident().severity == "SEV3");
    CHECK(drift_fields(parsed(f, s.text)).empty());
  }

  TEST_CASE("merging the result again with either side changes nothing") {
    Fixture f;
    for (const auto& s : scenarios(f)) {
      CAPTURE(s.name);
      const std::string merged = f.merge(f.base, s.ours, s.theirs).text;
      // what git does next: the merge result against a side it descends from
      const MergedText a = f.merge(s.ours, merged, s.ours);
      CHECK(a.text == merged);
      CHECK(a.conflicts.empty());
      CHECK(f.merge(s.ours, s.ours, merged).text == merged);
      CHECK(f.merge(s.theirs, merged, s.theirs).text == merged);
      CHECK(f.merge(s.theirs, s.theirs, merged).text == merged);
      // two clones that both merged the same histories
      CHECK(f.merge(f.base, merged, merged).text == merged);
      CHECK(f.merge(merged, merged, merged).text == merged);
    }
  }

  TEST_CASE("identical sides and untouched sides") {
    Fixture f;
    CHECK(f.merge(f.base, f.base, f.base).text == f.base);
    const std::string ours = f.with({note("ours", f.at(1)), severity("SEV1", f.at(2))});
    CHECK(f.merge(f.base, ours, f.base).text == ours);
    CHECK(f.merge(f.base, f.base, ours).text == ours);
    CHECK(f.merge(f.base, ours, ours).text == ours);
  }
}

}  // namespace test_merge
