#include <doctest/doctest.h>

#include <memory>

#include "core/error.hpp"
#include "core/model/event_binary.hpp"
#include "core/model/incident.hpp"

namespace test_split {

using namespace irctl;

namespace {
const char* const kId = "INC-20261128-K7QXM4";
const char* const kPath = "incidents/2026/11/INC-20261128-K7QXM4.toml";
const Timestamp kT0 = from_civil({2026, 11, 28, 16, 5, 0, 0});

Event event(int n, const std::string& type, const std::string& text) {
  Event e;
  e.id = "E" + std::string(11 - std::to_string(n).size(), '0') + std::to_string(n);
  e.at = kT0 + Seconds(60 * n);
  e.by = "Bob <bob@example.com>";
  e.type = type;
  e.text = text;
  return e;
}

Event declare_event() {
  Event e = event(0, "declare", "Checkout API returns 503");
  e.set = TomlTable{{"title", TomlValue(e.text)},
                    {"status", TomlValue("identification")},
                    {"severity", TomlValue("SEV2")},
                    {"kind", TomlValue("outage")},
                    {"services", TomlValue(TomlArray{TomlValue("checkout")})},
                    {"declared_at", toml_time(kT0)},
                    {"tasks", TomlValue(TomlArray{TomlValue("Confirm the impact"), TomlValue("Roll back")})}};
  e.details["targets"] = TomlValue(TomlArray{TomlValue("primary-oncall")});
  return e;
}

// One of each kind of change the commands make: state keys set and unset,
// roles, tasks, follow-up actions, pins, details of every TOML type.
Event nth_event(int n) {
  switch (n % 8) {
    case 0: {
      Event e = event(n, "severity", "SEV2 -> SEV1");
      e.details["from"] = TomlValue("SEV2");
      e.details["to"] = TomlValue("SEV1");
      e.set["severity"] = TomlValue(n % 16 ? "SEV1" : "SEV2");
      return e;
    }
    case 1: {
      Event e = event(n, "assign", "sme: carol");
      e.set["roles.sme"] = TomlValue(TomlArray{TomlValue("carol"), TomlValue("dave \"the\" expert")});
      return e;
    }
    case 2: {
      Event e = event(n, "task", "done 1: Confirm the impact");
      e.details["task"] = TomlValue(1 + n % 2);
      e.details["done"] = TomlValue(n % 3 != 0);
      return e;
    }
    case 3: {
      Event e = event(n, "action", "Add a canary\nstage");
      e.details["owner"] = TomlValue("erin");
      e.details["due"] = TomlValue("2026-12-24");
      return e;
    }
    case 4: {
      Event e = event(n, "pin", "pinned");
      e.details["event"] = TomlValue("E00000000001");
      e.details["public"] = TomlValue(true);
      return e;
    }
    case 5: {
      Event e = event(n, "contain", "Rate-limited at the gateway");
      e.set["status"] = TomlValue("containment");
      e.set["contained_at"] = toml_time(kT0 + Seconds(60 * n));
      e.details["ratio"] = TomlValue(0.25);
      return e;
    }
    case 6: {
      Event e = event(n, "reopen", "again");
      e.unset = {"contained_at"};
      e.set["status"] = TomlValue("identification");
      return e;
    }
    default: return event(n, "note", "Error rate at " + std::to_string(n) + "% \\ \t ünïcode");
  }
}

// The text irctl writes for the declared incident, with a hand-written comment kept.
std::string declared_text() {
  IncidentFile f = IncidentFile::create(kId);
  f.apply(declare_event());
  std::string text = f.render();
  text.insert(text.find("title = "), "# the customer-facing name\n");
  return IncidentFile::parse(text, kPath).render();
}

IncidentFile split(const std::string& text) {
  const IncidentFile whole = IncidentFile::parse(text, kPath);
  const auto offset = whole.timeline_offset(text);
  REQUIRE(offset);
  return IncidentFile::from_split(text.substr(0, *offset), text.substr(*offset), whole.incident().timeline, kPath);
}
}  // namespace

TEST_SUITE("split") {
  TEST_CASE("a write that appends makes the bytes and the view a whole rewrite makes") {
    std::string text = declared_text();
    IncidentFile kept = split(text);  // applied to again and again, never read again
    for (int n = 1; n <= 40; ++n) {
      const Event e = nth_event(n);
      IncidentFile whole = IncidentFile::parse(text, kPath);
      whole.apply(e);
      IncidentFile appended = split(text);
      appended.apply(e);
      kept.apply(e);
      CHECK(appended.is_split());
      CHECK(kept.is_split());
      CHECK(appended.render() == whole.render());
      CHECK(kept.render() == whole.render());
      CHECK(appended.incident() == whole.incident());
      CHECK(kept.incident() == whole.incident());
      // The same object; its keys in file order rather than in the order set.
      CHECK(nlohmann::json::parse(kept.to_json().dump()) == nlohmann::json::parse(whole.to_json().dump()));
      text = whole.render();
      CHECK(IncidentFile::parse(text, kPath).timeline_offset(text) == kept.split_at());
    }
  }

  TEST_CASE("an event that sets a key the format does not place is written whole") {
    const std::string text = declared_text();
    Event e = nth_event(7);
    e.set["custom.x"] = TomlValue(1);
    IncidentFile whole = IncidentFile::parse(text, kPath);
    whole.apply(e);
    IncidentFile appended = split(text);
    appended.apply(e);
    CHECK_FALSE(appended.is_split());
    CHECK(appended.render() == whole.render());
    CHECK(appended.incident() == whole.incident());
  }

  TEST_CASE("an event that would not read back is refused as by a whole rewrite") {
    const std::string text = declared_text();
    Event e = nth_event(7);
    e.set["status"] = TomlValue(3);
    const auto refusal = [&](IncidentFile f) -> std::string {
      try {
        f.apply(e);
      } catch (const Error& error) {
        return error.what();
      }
      return "";
    };
    CHECK(refusal(split(text)) == "incidents/2026/11/INC-20261128-K7QXM4.toml:1:1: 'status' must be a string");
    CHECK(refusal(split(text)) == refusal(IncidentFile::parse(text, kPath)));
  }

  TEST_CASE("a file not laid out as irctl writes it has no split") {
    const std::string text = declared_text();
    for (const std::string& other : {text + "\n", text + "\n[extra]\nx = 1\n", "\n" + text}) {
      const IncidentFile whole = IncidentFile::parse(other, kPath);
      CHECK_FALSE(whole.timeline_offset(other));
    }
  }

  TEST_CASE("split_fast splits what irctl writes, comments in the header kept, and appends as a whole rewrite does") {
    std::string text = declared_text();
    REQUIRE(text.find("# the customer-facing name\n") != std::string::npos);
    for (int n = 1; n <= 24; ++n) {
      const Event e = nth_event(n);
      IncidentFile whole = IncidentFile::parse(text, kPath);
      whole.apply(e);
      auto fast = IncidentFile::split_fast(text, kPath);
      REQUIRE(fast);
      CHECK(fast->is_split());
      CHECK(fast->split_at() == IncidentFile::parse(text, kPath).timeline_offset(text));
      fast->apply(e);
      CHECK(fast->render() == whole.render());
      CHECK(fast->incident() == whole.incident());
      text = whole.render();
    }
  }

  TEST_CASE("split_fast leaves whole what it cannot split byte for byte") {
    const std::string text = declared_text();
    std::string comment_in_timeline = text;
    comment_in_timeline.insert(comment_in_timeline.rfind("[[timeline]]"), "# said on the bridge\n");
    std::string literal_string = text;
    literal_string.replace(literal_string.rfind("text = \""), 8, "text = '");
    literal_string.replace(literal_string.find('"', literal_string.rfind("text = '") + 8), 1, "'");
    std::string crlf;
    for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    std::string hand_laid_header = text;
    hand_laid_header.replace(hand_laid_header.find("kind = "), 7, "kind=");
    for (const std::string& other :
         {text + "\n", text + "\n[extra]\nx = 1\n", comment_in_timeline, literal_string, crlf, hand_laid_header}) {
      INFO(other);
      REQUIRE_NOTHROW(IncidentFile::parse(other, kPath));
      CHECK_FALSE(IncidentFile::split_fast(other, kPath));
    }
    CHECK_FALSE(IncidentFile::split_fast(text + "[[timeline]]\nid = 3\n", kPath));  // not valid: read whole, which says why
  }

  TEST_CASE("events read back from their binary form whole") {
    std::vector<Event> events = {declare_event()};
    for (int n = 1; n <= 16; ++n) events.push_back(nth_event(n));
    events.back().details["when"] = TomlValue(toml::local_date(2026, toml::month_t::Dec, 24));
    events.back().details["nested"] = TomlValue(TomlTable{{"a", TomlValue(TomlArray{TomlValue(-7)})}});
    const size_t n = events.size();
    CHECK(decode_events(encode_events(events), n) == events);
    const std::string bytes = encode_events(events);
    CHECK_THROWS_AS(decode_events(bytes.substr(0, bytes.size() - 1), n), Error);
    CHECK_THROWS_AS(decode_events(bytes + "x", n), Error);
    CHECK_THROWS_AS(decode_events(bytes, n + 1), Error);
    CHECK_THROWS_AS(decode_events(bytes, n - 1), Error);
    // Encodings one after another are the encoding of both lists: the cache appends.
    const std::vector<Event> first(events.begin(), events.begin() + 5), rest(events.begin() + 5, events.end());
    CHECK(encode_events(first) + encode_events(rest) == bytes);
  }

  TEST_CASE("events kept encoded: a write appends without decoding them, and the view asked for is a whole read's") {
    std::string text = declared_text();
    for (int n = 1; n <= 40; ++n) {
      const Event e = nth_event(n);
      IncidentFile whole = IncidentFile::parse(text, kPath);
      const auto offset = whole.timeline_offset(text);
      REQUIRE(offset);
      const size_t earlier = whole.incident().timeline.size();
      const auto encoded = std::make_shared<const std::string>(encode_events(whole.incident().timeline));
      std::string read = text;
      IncidentFile lazy = IncidentFile::from_split_encoded(read, *offset, *encoded, earlier, encoded, kPath);
      CHECK(read.empty());  // its memory is the timeline's
      CHECK(lazy.state().timeline.empty());
      lazy.apply(e);
      whole.apply(e);
      CHECK(lazy.is_split());
      CHECK(lazy.state().timeline == std::vector<Event>{e});  // nothing decoded
      CHECK(lazy.state().severity == whole.incident().severity);
      CHECK(lazy.state().status == whole.incident().status);
      CHECK(lazy.event_count() == earlier + 1);
      CHECK(lazy.render() == whole.render());
      CHECK(lazy.encoded_events_from(earlier) == encode_events({e}));
      CHECK(*encoded + lazy.encoded_events_from(earlier) == encode_events(whole.incident().timeline));
      CHECK(lazy.incident() == whole.incident());
      CHECK(lazy.encoded_events_from(earlier) == encode_events({e}));  // decoded now, the same
      text = whole.render();
    }
  }

  TEST_CASE("a text that is not split where the cache says is left as it was") {
    const std::string text = declared_text();
    const auto encoded = std::make_shared<const std::string>("");
    for (const size_t offset : {size_t{10}, text.size(), text.size() + 5}) {
      std::string read = text;
      CHECK_THROWS_AS(IncidentFile::from_split_encoded(read, offset, *encoded, 1, encoded, kPath), Error);
      CHECK(read == text);
    }
  }

  TEST_CASE("events kept encoded but damaged: the view is read from the text, which holds them all") {
    const std::string text = declared_text();
    IncidentFile whole = IncidentFile::parse(text, kPath);
    const auto offset = whole.timeline_offset(text);
    REQUIRE(offset);
    const auto damaged = std::make_shared<const std::string>("damaged");
    std::string read = text;
    IncidentFile lazy = IncidentFile::from_split_encoded(read, *offset, *damaged, 1, damaged, kPath);
    const Event e = nth_event(2);
    lazy.apply(e);
    whole.apply(e);
    CHECK(lazy.render() == whole.render());
    CHECK(lazy.incident() == whole.incident());
  }
}

}  // namespace test_split
