#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/model/incident.hpp"
#include "support.hpp"

namespace test_incident {

using namespace irctl;
using irctl::testing::replace;

namespace {
const char* const kId = "INC-20261128-K7QXM4";
const char* const kPath = "incidents/2026/11/INC-20261128-K7QXM4.toml";
const Timestamp kT0 = from_civil({2026, 11, 28, 16, 5, 0, 0});

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
  e.set["services"] = TomlValue(TomlArray{TomlValue("checkout")});
  e.set["declared_at"] = toml_time(kT0);
  e.set["roles.commander"] = TomlValue("alice");
  return e;
}

Event note_event(const std::string& id, const std::string& text, Timestamp at) {
  Event e;
  e.id = id;
  e.at = at;
  e.by = "Bob <bob@example.com>";
  e.type = "note";
  e.text = text;
  return e;
}

std::string declared_text() {
  IncidentFile f = IncidentFile::create(kId);
  f.apply(declare_event());
  return f.render();
}

std::string error_of(const std::string& text) {
  try {
    IncidentFile::parse(text, kPath);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::data);
    return e.what();
  }
  FAIL("no error for:\n", text);
  return "";
}

}  // namespace

TEST_SUITE("incident") {
  TEST_CASE("a declared incident reads back with its state and timeline") {
    const IncidentFile f = IncidentFile::parse(declared_text(), kPath);
    const Incident& inc = f.incident();
    CHECK(inc.id == kId);
    CHECK(inc.title == "Checkout API returns 503");
    CHECK(inc.status == "identification");
    CHECK(inc.severity == "SEV2");
    CHECK(inc.services == std::vector<std::string>{"checkout"});
    CHECK(inc.people_in("commander") == std::vector<std::string>{"alice"});
    CHECK(inc.declared_at == kT0);
    REQUIRE(inc.timeline.size() == 1);
    CHECK(inc.timeline[0].type == "declare");
    CHECK(inc.timeline[0].set.size() == 7);
  }

  TEST_CASE("the file lists its keys in the documented order") {
    const std::string text = declared_text();
    std::vector<size_t> positions;
    for (const char* key : {"schema =", "id =", "title =", "status =", "severity =", "kind =", "services =",
                            "declared_at =", "[roles]", "[[timeline]]"})
      positions.push_back(text.find(key));
    for (size_t i = 1; i < positions.size(); ++i) CHECK(positions[i - 1] < positions[i]);
  }

  TEST_CASE("hand edits survive a rewrite") {
    std::string text = declared_text();
    text = replace(text, "severity = ", "# decided on the bridge\nseverity = ");
    text += "\n# remember to check the CDN\n";
    text = replace(text, "[roles]", "customer_ticket = \"ZD-4711\"\n\n[roles]");
    IncidentFile f = IncidentFile::parse(text, kPath);
    f.apply(note_event("BBBBBBBBBBBB", "Rolled back", kT0 + std::chrono::minutes(5)));
    const std::string out = f.render();
    CHECK(out.find("# decided on the bridge\nseverity = \"SEV2\"") != std::string::npos);
    CHECK(out.find("customer_ticket = \"ZD-4711\"") != std::string::npos);
    CHECK(out.find("text = \"Rolled back\"") != std::string::npos);
    // A rewrite of the rewrite changes nothing: the layout is stable.
    CHECK(IncidentFile::parse(out, kPath).render() == out);
  }

  TEST_CASE("a field set later keeps the comment above it") {
    std::string text = replace(declared_text(), "severity = ", "# was SEV3 at first\nseverity = ");
    IncidentFile f = IncidentFile::parse(text, kPath);
    Event e = note_event("CCCCCCCCCCCC", "SEV2 -> SEV1", kT0);
    e.type = "severity";
    e.set["severity"] = TomlValue("SEV1");
    f.apply(e);
    CHECK(f.incident().severity == "SEV1");
    CHECK(f.render().find("# was SEV3 at first\nseverity = \"SEV1\"") != std::string::npos);
  }

  TEST_CASE("a new top-level field goes to its place in the schema") {
    IncidentFile f = IncidentFile::parse(declared_text(), kPath);
    Event e = note_event("DDDDDDDDDDDD", "set summary", kT0);
    e.set["summary"] = TomlValue("Payments fail");
    f.apply(e);
    const std::string out = f.render();
    CHECK(out.find("services =") < out.find("summary ="));
    CHECK(out.find("summary =") < out.find("declared_at ="));
  }

  TEST_CASE("keys inserted in the middle one after another are all still found") {
    // tsl::ordered_map 1.0.0's insert_at_position lost track of keys after
    // the insertion point (Tessil/ordered-map#38): irctl ack, then irctl
    // resolve --root-cause, failed with "the key 'declared_at' is missing".
    IncidentFile f = IncidentFile::parse(declared_text(), kPath);
    Event ack = note_event("EEEEEEEEEEEE", "acknowledged", kT0);
    ack.type = "ack";
    ack.set["acknowledged_at"] = toml_time(kT0);
    f.apply(ack);
    Event resolve = note_event("FFFFFFFFFFFF", "resolved", kT0 + std::chrono::minutes(30));
    resolve.type = "resolve";
    resolve.set["status"] = TomlValue("resolved");
    resolve.set["resolved_at"] = toml_time(kT0 + std::chrono::minutes(30));
    resolve.set["summary"] = TomlValue("Payments failed");
    resolve.set["root_cause"] = TomlValue("A connection leak");
    f.apply(resolve);
    const Incident& inc = f.incident();
    CHECK(inc.declared_at == kT0);
    CHECK(inc.acknowledged_at == kT0);
    CHECK(inc.root_cause == "A connection leak");
    CHECK(inc.summary == "Payments failed");
    CHECK(inc.status == "resolved");
    const IncidentFile again = IncidentFile::parse(f.render(), kPath);
    CHECK(again.incident().declared_at == kT0);
    CHECK(again.render() == f.render());
  }

  TEST_CASE("the timeline can be read in the order things happened") {
    IncidentFile f = IncidentFile::parse(declared_text(), kPath);
    f.apply(note_event("EEEEEEEEEEEE", "late", kT0 + std::chrono::minutes(10)));
    f.apply(note_event("FFFFFFFFFFFF", "written after the fact", kT0 - std::chrono::minutes(10)));
    const auto ordered = in_time_order(f.incident().timeline);
    CHECK(ordered[0].text == "written after the fact");
    CHECK(ordered[2].text == "late");
  }

  TEST_CASE("invalid files are refused with the place and the reason") {
    const std::string ok = declared_text();
    CHECK(error_of(replace(ok, "status = \"identification\"", "status = \"fixed\"")).find(":6:10: 'status'") !=
          std::string::npos);
    CHECK(error_of(replace(ok, "severity = \"SEV2\"", "severity = 2")).find("'severity' must be a string") !=
          std::string::npos);
    CHECK(error_of(replace(ok, "schema = 1", "schema = 7")).find("upgrade irctl") != std::string::npos);
    CHECK(error_of(replace(ok, "title = ", "titel = ")).find("the key 'title' is missing") != std::string::npos);
    CHECK(error_of(replace(ok, "INC-20261128-K7QXM4", "INC-20261128-K7QXN4")).find("does not match the file name") !=
          std::string::npos);
    CHECK(error_of(replace(ok, "at = 2026-11-28T16:05:00Z\nby", "at = \"16:05\"\nby")).find("'at' must be a date") !=
          std::string::npos);
    CHECK(error_of(ok + "\n[[timeline]]\nid = \"AAAAAAAAAAAA\"\nat = 2026-11-28T16:06:00Z\nby = \"x\"\ntype = "
                        "\"note\"\n")
              .find("appears twice") != std::string::npos);
    CHECK(error_of(replace(ok, "title = \"", "title = \"unclosed\n")).rfind(std::string(kPath) + ":5:", 0) == 0);
  }

  TEST_CASE("JSON has the fields scripts rely on") {
    const Json j = IncidentFile::parse(declared_text(), kPath).to_json();
    for (const char* key : {"id", "title", "status", "severity", "kind", "services", "roles", "path", "timeline"})
      CHECK_MESSAGE(j.contains(key), key);
    CHECK(j["path"] == kPath);
    CHECK(j["timeline"][0]["at"] == "2026-11-28T16:05:00Z");
    CHECK(j["roles"]["commander"] == "alice");
  }
}

}  // namespace test_incident
