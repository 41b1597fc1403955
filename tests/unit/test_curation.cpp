// The curation of a timeline (pin, hide and their undoing), the events a
// postmortem's timeline shows, the directory of people, and the external
// version of the template data.

#include <doctest/doctest.h>

#include "core/curation.hpp"
#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/people.hpp"
#include "core/postmortem.hpp"
#include "support.hpp"

namespace test_curation {

using namespace irctl;
using namespace irctl::testing;

namespace {

constexpr const char* kPath = "incidents/2026/11/INC-20261128-K7Q2XM.toml";

// The head of an incident, its roles held by handles that people.toml knows.
const std::string kHead = R"toml(schema = 1
id = "INC-20261128-K7Q2XM"
title = "Replication lag on the primary"
status = "containment"
severity = "SEV1"
kind = "outage"
services = ["db"]
declared_at = 2026-11-28T16:00:00Z

[roles]
commander = "yukip"
tech-lead = ["marcok (replication)"]
)toml";

std::string event(const std::string& id, int minute, const std::string& type, const std::string& text,
                  const std::string& extra = "", const std::string& by = "Yuki Park <yp@example.com>") {
  return "\n[[timeline]]\nid = \"" + id + "\"\nat = 2026-11-28T16:" + (minute < 10 ? "0" : "") +
         std::to_string(minute) + ":00Z\nby = \"" + by + "\"\ntype = \"" + type + "\"\ntext = \"" + text + "\"\n" +
         extra;
}

IncidentFile incident(const std::string& events) { return IncidentFile::parse(kHead + events, kPath); }

const std::string kStory =
    event("DECLARE00001", 0, "declare", "Replication lag on the primary") +
    event("ASSIGN000001", 1, "assign", "commander: yukip", "role = \"commander\"\nperson = \"yukip\"\n") +
    event("NOTE00000001", 2, "note", "marcok sees lag on db-2", "", "Marco K <marco@example.com>") +
    event("UPDATE000001", 3, "update", "internal: Marco is failing over", "audience = \"internal\"\n") +
    event("UPDATE000002", 4, "update", "We are investigating slow checkouts", "audience = \"external\"\n") +
    event("ESCALATE0001", 5, "escalate", "level 1 of default: marcok", "level = 1\ntargets = [\"marcok\"]\n") +
    event("TASK00000001", 6, "task", "task 1 done", "task = 1\n") +
    event("CONTAIN00001", 7, "contain", "Failed over to db-3") +
    event("NOTE00000002", 8, "note", "Marco's runbook step 4 was wrong", "", "Marco K <marco@example.com>");

const char* const kPeople = R"toml(
[people.yukip]
name = "Yuki Park"
email = "yp@example.com"
team = "Database"

[people.marcok]
name = "Marco K"
email = "marco@example.com"
)toml";

std::vector<std::string> ids_of(const Json& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e["id"].get<std::string>());
  return out;
}

}  // namespace

TEST_SUITE("curation") {
  TEST_CASE("pins and hides fold in the order things happened; the latest word on an event counts") {
    const std::string story =
        kStory + event("PIN000000001", 10, "pin", "pinned", "event = \"NOTE00000001\"\n") +
        event("PIN000000002", 11, "pin", "pinned as public", "event = \"NOTE00000002\"\npublic = true\n") +
        event("HIDE00000001", 12, "hide", "hidden", "event = \"NOTE00000002\"\n") +
        event("PIN000000003", 13, "pin", "pinned", "event = \"UPDATE000001\"\n") +
        event("UNPIN0000001", 14, "unpin", "unpinned", "event = \"UPDATE000001\"\n") +
        event("HIDE00000002", 15, "hide", "hidden", "event = \"TASK00000001\"\n") +
        event("UNPIN0000002", 16, "unpin", "unpin leaves a hidden event hidden", "event = \"TASK00000001\"\n") +
        event("HIDE00000003", 17, "hide", "hidden", "event = \"ESCALATE0001\"\n") +
        event("UNHIDE000001", 18, "unhide", "shown again", "event = \"ESCALATE0001\"\n") +
        // Recorded later with --at, it happened before the hide at 19: the hide wins.
        event("HIDE00000004", 19, "hide", "hidden", "event = \"CONTAIN00001\"\n") +
        event("PIN000000004", 9, "pin", "pinned as public", "event = \"CONTAIN00001\"\npublic = true\n");
    const Incident inc = incident(story).incident();
    const std::map<std::string, Curation> expected = {{"NOTE00000001", Curation::pinned},
                                                      {"NOTE00000002", Curation::hidden},
                                                      {"TASK00000001", Curation::hidden},
                                                      {"CONTAIN00001", Curation::hidden}};
    CHECK(inc.curation == expected);
    CHECK(inc.is_pinned("NOTE00000001"));
    CHECK_FALSE(inc.is_public("NOTE00000001"));
    CHECK_FALSE(inc.is_pinned("NOTE00000002"));
    CHECK(inc.is_hidden("NOTE00000002"));
  }

  TEST_CASE("an event is named by its id or a unique start of it, in any case") {
    const Incident inc = incident(kStory).incident();
    CHECK(resolve_event(inc, "NOTE00000002").id == "NOTE00000002");
    CHECK(resolve_event(inc, "esc").id == "ESCALATE0001");
    CHECK(code_of([&] { resolve_event(inc, "NOTE"); }) == Errc::usage);  // two notes
    CHECK(code_of([&] { resolve_event(inc, "XYZ"); }) == Errc::not_found);
    CHECK(code_of([&] { resolve_event(inc, ""); }) == Errc::not_found);
  }

  TEST_CASE("the postmortem's timeline: key events and pinned ones, never hidden ones; timeline_all has all") {
    const std::string story = kStory + event("PIN000000001", 10, "pin", "pinned", "event = \"NOTE00000001\"\n") +
                              event("HIDE00000001", 11, "hide", "hidden", "event = \"UPDATE000002\"\n");
    const IncidentFile file = incident(story);
    const Json data = template_data(file, parse_config(default_config_text()), People());
    CHECK(ids_of(data["timeline"]) ==
          std::vector<std::string>{"DECLARE00001", "NOTE00000001", "UPDATE000001", "ESCALATE0001", "CONTAIN00001"});
    CHECK(ids_of(data["timeline_all"]) == std::vector<std::string>{"DECLARE00001", "ASSIGN000001", "NOTE00000001",
                                                                   "UPDATE000001", "UPDATE000002", "ESCALATE0001",
                                                                   "TASK00000001", "CONTAIN00001", "NOTE00000002",
                                                                   "PIN000000001", "HIDE00000001"});
    const Json& hidden = data["timeline_all"][4];
    CHECK(hidden["hidden"] == true);
    CHECK(hidden["key"] == true);
    CHECK(hidden["pinned"] == false);
    const Incident& inc = file.incident();
    for (const auto& type : event_types().names()) {
      Event e;
      e.id = "OTHER0000001";
      e.type = type;
      CHECK_MESSAGE(in_postmortem_timeline(e, inc) == key_event_types().contains(type), type);
    }
    CHECK(key_event_types().names() == std::vector<std::string>{"declare", "severity", "escalate", "ack", "contain",
                                                                "eradicate", "recover", "resolve", "reopen", "close",
                                                                "update", "void"});
  }

  TEST_CASE("people: found by handle or by the email of 'Name <email>'; bad files name the line") {
    const People people = parse_people(kPeople);
    const Person yuki{"yukip", "Yuki Park", "yp@example.com", "Database"};
    REQUIRE(people.find("yukip"));
    CHECK(*people.find("yukip") == yuki);
    CHECK(*people.find("Y. Park <YP@example.com>") == yuki);
    CHECK(*people.find("yp@example.com") == yuki);
    CHECK(people.find("nobody") == nullptr);
    CHECK(people.name_of("marcok") == "Marco K");
    CHECK(people.name_of("Alice Example <alice@example.com>") == "Alice Example");
    CHECK(people.name_of("alice") == "alice");
    CHECK(parse_people("") == People());

    const auto message_of = [](const std::string& text) {
      try {
        parse_people(text);
      } catch (const Error& e) {
        CHECK(e.code() == Errc::data);
        return std::string(e.what());
      }
      FAIL("no error for ", text);
      return std::string();
    };
    CHECK(message_of("[people.yp]\nemail = \"yp@example.com\"\n").rfind(".irctl/people.toml:1:", 0) == 0);
    CHECK(message_of("[people.yp]\nname = \"Y\"\nmail = \"yp@example.com\"\n").rfind(".irctl/people.toml:", 0) == 0);
    CHECK(message_of("[people.yp]\nname = \"Y\"\nemail = \"not an email\"\n") ==
          ".irctl/people.toml:3:9: the email of 'yp' must be an address such as name@example.com");
    CHECK(message_of("[people.a]\nname = \"A\"\nemail = \"x@example.com\"\n[people.b]\nname = \"B\"\nemail = "
                     "\"X@example.com\"\n") ==
          ".irctl/people.toml:6:9: the email 'X@example.com' belongs to two people");
    CHECK(message_of("[people]\nyp = \"Yuki\"\n").rfind(".irctl/people.toml:2:", 0) == 0);
  }

  TEST_CASE("template data shows people by name: roles, actors and owners") {
    const Json data = template_data(incident(kStory), parse_config(default_config_text()), parse_people(kPeople));
    CHECK(data["roles_list"] == Json::parse(R"([
      {"role": "commander", "title": "Incident commander", "person": "Yuki Park", "workstream": "",
       "handle": "yukip", "email": "yp@example.com", "team": "Database"},
      {"role": "tech-lead", "title": "Technical lead", "person": "Marco K", "workstream": "replication",
       "handle": "marcok", "email": "marco@example.com", "team": ""}])"));
    CHECK(data["timeline"][0]["actor"] == "Yuki Park");
    CHECK(data["timeline"][0]["actor_role"] == "Incident commander");
  }

  TEST_CASE("the external view names nobody and keeps what was meant for readers outside") {
    const std::string story =
        kStory + event("PIN000000001", 10, "pin", "pinned", "event = \"NOTE00000001\"\n") +
        event("PIN000000002", 11, "pin", "pinned as public", "event = \"NOTE00000002\"\npublic = true\n");
    const Json data =
        external_view(template_data(incident(story), parse_config(default_config_text()), parse_people(kPeople)),
                      parse_people(kPeople));
    CHECK(ids_of(data["timeline"]) ==
          std::vector<std::string>{"DECLARE00001", "UPDATE000002", "ESCALATE0001", "CONTAIN00001", "NOTE00000002"});
    CHECK(data["timeline_all"] == data["timeline"]);
    CHECK(ids_of(data["updates"]) == std::vector<std::string>{"UPDATE000002"});
    CHECK(data["roles"] == Json::parse(R"({"commander": "Incident commander", "tech-lead": "Technical lead"})"));
    CHECK(data["timeline"][0]["actor"] == "Incident commander");
    CHECK(data["timeline"][4]["actor"] == "Technical lead");
    CHECK(data["timeline"][2]["text"] == "escalated to level 1");
    CHECK(data["external"] == true);
    CHECK(data["audience"] == "external");
    // Marco's pinned public note names him; that is what was pinned.
    Json without_public_note = data;
    without_public_note["timeline"].erase(4);
    without_public_note["timeline_all"].erase(4);
    const std::string text = without_public_note.dump();
    for (const char* secret : {"Yuki", "Park", "yukip", "yp@example.com", "Marco", "marcok", "marco@example.com",
                               "Database", "failing over", "sees lag"})
      CHECK_MESSAGE(text.find(secret) == std::string::npos, secret);
  }

  TEST_CASE("curating: recorded as events, nothing recorded twice, bad input changes nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Disk full");
    const EventResult note = add_note(repo, id, "df says 100%", recorder());
    const EventResult pinned =
        curate_event(repo, id, {CurationChange::pin, note.event.id.substr(0, 6), PinAudience::external}, recorder());
    CHECK(pinned.recorded);
    CHECK(pinned.event.type == "pin");
    CHECK(pinned.event.text == "pinned as public " + note.event.id + " (note)");
    CHECK(toml_to_json(TomlValue(pinned.event.details)) == Json{{"event", note.event.id}, {"public", true}});
    CHECK_FALSE(
        curate_event(repo, id, {CurationChange::pin, note.event.id, PinAudience::external}, recorder()).recorded);
    CHECK_FALSE(
        curate_event(repo, id, {CurationChange::unhide, note.event.id, PinAudience::internal}, recorder()).recorded);
    const std::string before = slurp(dir.path() / incident_path(id));
    CHECK(code_of([&] {
            curate_event(repo, id, {CurationChange::hide, "ZZZZ", PinAudience::internal}, recorder());
          }) == Errc::not_found);
    CHECK(code_of([&] {
            curate_event(repo, id, {CurationChange::hide, note.event.id, PinAudience::external}, recorder());
          }) == Errc::usage);
    CHECK(slurp(dir.path() / incident_path(id)) == before);
    const EventResult hidden =
        curate_event(repo, id, {CurationChange::hide, note.event.id, PinAudience::internal}, recorder());
    CHECK(hidden.recorded);
    const Incident inc = load_incident(repo, id).incident();
    CHECK(inc.curation == std::map<std::string, Curation>{{note.event.id, Curation::hidden}});
  }
}

}  // namespace test_curation
