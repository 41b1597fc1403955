// The one definition of every duration (core/model/metrics.hpp), each reached
// and not reached, over incidents built in code; the figures are worked out
// in the comments. irctl-stats(1) documents the same table.

#include <doctest/doctest.h>

#include <chrono>
#include <ostream>
#include <string>

#include "core/model/metrics.hpp"

namespace irctl {
// What a failed comparison shows: every duration, "-" when not reached.
std::ostream& operator<<(std::ostream& out, const Durations& d) {
  for (const auto& [name, key, value] : named_durations(d))
    out << name << "=" << (value ? std::to_string(value->count()) + "s" : std::string("-")) << " ";
  return out;
}
}  // namespace irctl

namespace test_metrics {

using namespace irctl;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

const Timestamp kDeclared = from_civil({2018, 10, 21, 23, 9, 0, 0});

Timestamp at(Seconds offset) { return kDeclared + offset; }

// Declared at kDeclared, and nothing else recorded.
Incident declared_only() {
  Incident inc;
  inc.id = "INC-20181021-AAAAA1";
  inc.status = "identification";
  inc.declared_at = kDeclared;
  return inc;
}

// Every moment recorded: impact began 17m before the declaration, detected
// 9m before it; acknowledged +2m, contained +30m, recovered +1h, impact
// ended +3h, resolved +4h.
Incident every_moment() {
  Incident inc = declared_only();
  inc.started_at = at(-minutes(17));
  inc.detected_at = at(-minutes(9));
  inc.acknowledged_at = at(minutes(2));
  inc.contained_at = at(minutes(30));
  inc.recovered_at = at(hours(1));
  inc.impact_ended_at = at(hours(3));
  inc.resolved_at = at(hours(4));
  return inc;
}

}  // namespace

TEST_SUITE("metrics") {
  TEST_CASE("every duration reached: each from its start to its end") {
    Durations want;
    want.to_detect = minutes(8);         // started -> detected
    want.to_declare = minutes(9);        // detected -> declared
    want.to_acknowledge = minutes(2);    // declared -> acknowledged
    want.to_contain = minutes(30);       // declared -> first containment
    want.to_recover = hours(1);          // declared -> first recovery
    want.to_resolve = hours(4);          // declared -> resolved
    want.impact = hours(3) + minutes(17);  // started -> impact ended
    CHECK(durations_of(every_moment()) == want);
  }

  TEST_CASE("declared and nothing else: no duration is reached, none is zero") {
    CHECK(durations_of(declared_only()) == Durations{});
  }

  TEST_CASE("detect needs both the start of impact and the detection") {
    Incident inc = every_moment();
    inc.started_at.reset();
    CHECK_FALSE(durations_of(inc).to_detect);
    inc = every_moment();
    inc.detected_at.reset();
    CHECK_FALSE(durations_of(inc).to_detect);
  }

  TEST_CASE("declare runs from the detection, else the start of impact; with neither it is not reached") {
    Incident inc = every_moment();
    CHECK(durations_of(inc).to_declare == minutes(9));
    inc.detected_at.reset();
    CHECK(durations_of(inc).to_declare == minutes(17));
    inc.started_at.reset();
    CHECK_FALSE(durations_of(inc).to_declare);
  }

  TEST_CASE("acknowledge, contain, recover and resolve run from the declaration; each unreached without its end") {
    const Durations reached = durations_of(every_moment());
    CHECK(reached.to_acknowledge == minutes(2));
    CHECK(reached.to_contain == minutes(30));
    CHECK(reached.to_recover == hours(1));
    CHECK(reached.to_resolve == hours(4));
    Incident inc = every_moment();
    inc.acknowledged_at.reset();
    inc.contained_at.reset();
    inc.recovered_at.reset();
    inc.resolved_at.reset();
    const Durations unreached = durations_of(inc);
    CHECK_FALSE(unreached.to_acknowledge);
    CHECK_FALSE(unreached.to_contain);
    CHECK_FALSE(unreached.to_recover);
    CHECK_FALSE(unreached.to_resolve);
  }

  TEST_CASE("impact starts at started_at, else detected_at, else declared_at") {
    Incident inc = every_moment();
    CHECK(durations_of(inc).impact == hours(3) + minutes(17));
    inc.started_at.reset();
    CHECK(durations_of(inc).impact == hours(3) + minutes(9));
    inc.detected_at.reset();
    CHECK(durations_of(inc).impact == hours(3));
  }

  TEST_CASE("impact ends at impact_ended_at, else the first recovery, else the resolution, else is not reached") {
    Incident inc = every_moment();
    CHECK(durations_of(inc).impact == hours(3) + minutes(17));
    CHECK(impact_end_of(inc) == at(hours(3)));
    inc.impact_ended_at.reset();
    CHECK(durations_of(inc).impact == hours(1) + minutes(17));
    CHECK(impact_end_of(inc) == at(hours(1)));
    inc.recovered_at.reset();
    CHECK(durations_of(inc).impact == hours(4) + minutes(17));
    CHECK(impact_end_of(inc) == at(hours(4)));
    inc.resolved_at.reset();
    CHECK_FALSE(durations_of(inc).impact);
    CHECK_FALSE(impact_end_of(inc));
  }

  TEST_CASE("staged recovery: the first recovery at +8h, the impact ended at +24h: the impact is 24h") {
    Incident inc = declared_only();
    inc.started_at = kDeclared;
    inc.recovered_at = at(hours(8));
    inc.impact_ended_at = at(hours(24));
    inc.resolved_at = at(hours(25));
    const Durations d = durations_of(inc);
    CHECK(d.impact == hours(24));
    CHECK(d.to_recover == hours(8));
    CHECK(d.to_resolve == hours(25));
  }

  TEST_CASE("an end before its start (a hand edit gone wrong) is not reached, never negative") {
    Incident inc = every_moment();
    inc.detected_at = at(-minutes(30));  // before the impact began
    inc.impact_ended_at = at(-hours(1));  // before it began too
    const Durations d = durations_of(inc);
    CHECK_FALSE(d.to_detect);
    CHECK_FALSE(d.impact);
  }

  TEST_CASE("named_durations: the names of show, stats and irctl-stats(1), and of the templates, in response order") {
    std::string names, keys;
    for (const auto& [name, key, value] : named_durations(durations_of(every_moment()))) {
      names += std::string(name) + " ";
      keys += std::string(key) + " ";
    }
    CHECK(names == "detect declare acknowledge contain recover resolve impact ");
    CHECK(keys == "to_detect to_declare to_acknowledge to_contain to_recover to_resolve impact ");
  }
}

}  // namespace test_metrics
