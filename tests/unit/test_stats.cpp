// Response metrics (core/stats.hpp): summarize_durations() over durations, and
// compute_stats() over incidents built in code, every figure worked out by
// hand in the comments.

#include <doctest/doctest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/lifecycle.hpp"
#include "core/stats.hpp"
#include "support.hpp"

namespace test_stats {

using namespace irctl;
using irctl::testing::TempDir;
using irctl::testing::code_of;

namespace {

Timestamp utc(int month, int day, int hour, int minute, int second = 0) {
  return from_civil({2026, month, day, hour, minute, second, 0});
}

std::vector<Seconds> secs(std::initializer_list<long> values) {
  std::vector<Seconds> out;
  for (const long v : values) out.push_back(Seconds(v));
  return out;
}

// count, mean and median of a summary, for one CHECK.
struct Figures {
  size_t count;
  std::optional<long> mean;
  std::optional<long> median;
  bool operator==(const Figures&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Figures& f) {
  const auto opt = [](const std::optional<long>& v) { return v ? std::to_string(*v) : std::string("none"); };
  return os << "{count " << f.count << ", mean " << opt(f.mean) << ", median " << opt(f.median) << "}";
}
Figures figures(const DurationSummary& d) {
  return {d.count, d.mean ? std::optional<long>(d.mean->count()) : std::nullopt,
          d.median ? std::optional<long>(d.median->count()) : std::nullopt};
}
Figures of(std::initializer_list<long> values) { return figures(summarize_durations(secs(values))); }
constexpr std::nullopt_t none = std::nullopt;

FollowUp action(bool done, const std::string& due) {
  FollowUp a;
  a.text = "follow up";
  a.done = done;
  a.due = due;
  return a;
}

// Four incidents (UTC, 2026):
//
//   I1 SEV1 outage      [api]       resolved
//      started 03-01 09:50, detected 09:55, declared 10:00, ack 10:04,
//      contained 10:20, recovered 10:40, resolved 11:00
//      detect 300, ack 240, contain 1200, resolve 3600,
//      impact 09:50 -> 10:40 = 3000 (recovery before resolution)
//      actions: one open without a due date (open, never overdue), one done
//      whose date has passed (neither open nor overdue)
//   I2 SEV2 outage      [api, web]  closed
//      declared 03-05 08:00, ack 08:10, resolved 09:30; no start, detection,
//      containment or recovery
//      ack 600, resolve 5400, impact declared -> resolved = 5400
//   I3 SEV2 degradation []          recovery (open)
//      detected 04-02 11:58 (no start), declared 12:00, contained 12:30,
//      recovered 12:45:01; not acknowledged, not resolved
//      detect - (no start), ack -, contain 1800, resolve -,
//      impact detected -> recovered = 2821
//      actions: due 2026-04-10 (overdue on 2026-04-11), due 2026-04-11 (due
//      today: open, not yet overdue)
//   I4 SEV3 outage      [web]       identification (open)
//      declared 03-31 23:59:59 (the last second of March), "acknowledged"
//      03-31 23:00 by a bad hand edit: before the declaration, left out
//      every stage missing; impact has no end
//
// Today is 2026-04-11.
const char* const kToday = "2026-04-11";

std::vector<Incident> incidents() {
  Incident i1;
  i1.id = "INC-20260301-AAAAA1";
  i1.severity = "SEV1";
  i1.kind = "outage";
  i1.services = {"api"};
  i1.status = "resolved";
  i1.started_at = utc(3, 1, 9, 50);
  i1.detected_at = utc(3, 1, 9, 55);
  i1.declared_at = utc(3, 1, 10, 0);
  i1.acknowledged_at = utc(3, 1, 10, 4);
  i1.contained_at = utc(3, 1, 10, 20);
  i1.recovered_at = utc(3, 1, 10, 40);
  i1.resolved_at = utc(3, 1, 11, 0);
  i1.actions = {action(false, ""), action(true, "2026-03-15")};

  Incident i2;
  i2.id = "INC-20260305-AAAAA2";
  i2.severity = "SEV2";
  i2.kind = "outage";
  i2.services = {"api", "web"};
  i2.status = "closed";
  i2.declared_at = utc(3, 5, 8, 0);
  i2.acknowledged_at = utc(3, 5, 8, 10);
  i2.resolved_at = utc(3, 5, 9, 30);
  i2.closed_at = utc(3, 6, 9, 0);

  Incident i3;
  i3.id = "INC-20260402-AAAAA3";
  i3.severity = "SEV2";
  i3.kind = "degradation";
  i3.status = "recovery";
  i3.detected_at = utc(4, 2, 11, 58);
  i3.declared_at = utc(4, 2, 12, 0);
  i3.contained_at = utc(4, 2, 12, 30);
  i3.recovered_at = utc(4, 2, 12, 45, 1);
  i3.actions = {action(false, "2026-04-10"), action(false, "2026-04-11")};

  Incident i4;
  i4.id = "INC-20260331-AAAAA4";
  i4.severity = "SEV3";
  i4.kind = "outage";
  i4.services = {"web"};
  i4.status = "identification";
  i4.declared_at = utc(3, 31, 23, 59, 59);
  i4.acknowledged_at = utc(3, 31, 23, 0);

  return {i1, i2, i3, i4};
}

const StatsGroup& group(const StatsResult& r, const std::string& key) {
  for (const auto& g : r.groups)
    if (g.key == key) return g;
  FAIL("no group ", key);
  return r.total;
}

std::vector<std::string> keys(const StatsResult& r) {
  std::vector<std::string> out;
  for (const auto& g : r.groups) out.push_back(g.key);
  return out;
}

}  // namespace

TEST_SUITE("stats") {
  TEST_CASE("summarize_durations: nothing measured has a count of 0 and no mean or median (not zero)") {
    CHECK(of({}) == Figures{0, none, none});
  }

  TEST_CASE("summarize_durations: one value is its own mean and median") {
    CHECK(of({42}) == Figures{1, 42, 42});
    // zero is a measurement (acknowledged when declared), not a missing stage
    CHECK(of({0}) == Figures{1, 0, 0});
    CHECK(of({0, 0}) == Figures{2, 0, 0});
  }

  TEST_CASE("summarize_durations: an odd count has the middle value as its median, whatever the order given") {
    // 300, 61, 240: sorted 61, 240, 300 -> median 240; mean 601 / 3 = 200.33 -> 200
    CHECK(of({300, 61, 240}) == Figures{3, 200, 240});
    // 3600, 5400, 1860: mean 10860 / 3 = 3620; median 3600
    CHECK(of({5400, 1860, 3600}) == Figures{3, 3620, 3600});
    // 10, 20, 30, 40, 1000: mean 1100 / 5 = 220; median 30 (the mean is pulled up, the median is not)
    CHECK(of({1000, 40, 10, 30, 20}) == Figures{5, 220, 30});
  }

  TEST_CASE("summarize_durations: an even count has the mean of the middle two as its median") {
    // 10, 20, 30, 40: middle 20 and 30 -> 25; mean 100 / 4 = 25
    CHECK(of({40, 10, 30, 20}) == Figures{4, 25, 25});
    // 1, 2, 3, 100: middle 2 and 3 -> 2.5 -> 3 (halves up); mean 106 / 4 = 26.5 -> 27
    CHECK(of({100, 3, 1, 2}) == Figures{4, 27, 3});
    // 1200, 1800: 1500 both
    CHECK(of({1800, 1200}) == Figures{2, 1500, 1500});
  }

  TEST_CASE("summarize_durations: means and medians are rounded to the nearest second, halves up") {
    // 600, 61: 661 / 2 = 330.5 -> 331, mean and median alike
    CHECK(of({600, 61}) == Figures{2, 331, 331});
    // 1, 2: 1.5 -> 2
    CHECK(of({1, 2}) == Figures{2, 2, 2});
    // 1, 1, 2: 4 / 3 = 1.33 -> 1 (down); median 1
    CHECK(of({1, 1, 2}) == Figures{3, 1, 1});
    // 1, 2, 2: 5 / 3 = 1.67 -> 2 (up); median 2
    CHECK(of({2, 1, 2}) == Figures{3, 2, 2});
    // 30 days and a second: 2592001 / 2 = 1296000.5 -> 1296001
    CHECK(of({2592000, 1}) == Figures{2, 1296001, 1296001});
  }

  TEST_CASE("compute_stats: the total counts every incident once; stages not reached are left out") {
    const StatsResult r = compute_stats(incidents(), "", kToday);
    CHECK(r.groups.empty());
    CHECK(r.total.key == "all");
    CHECK(r.total.incidents == 4);
    CHECK(r.total.open == 2);  // I3 (recovery) and I4 (identification)
    // detect: I1 only (I3 has no start) -> 300
    CHECK(figures(r.total.detect) == Figures{1, 300, 300});
    // ack: I1 240, I2 600 (I3 none, I4 before its declaration) -> 420, 420
    CHECK(figures(r.total.acknowledge) == Figures{2, 420, 420});
    // contain: I1 1200, I3 1800 -> 1500, 1500
    CHECK(figures(r.total.contain) == Figures{2, 1500, 1500});
    // resolve: I1 3600, I2 5400 -> 4500, 4500
    CHECK(figures(r.total.resolve) == Figures{2, 4500, 4500});
    // impact: I1 3000, I2 5400, I3 2821 -> 11221 / 3 = 3740.33 -> 3740; median 3000
    CHECK(figures(r.total.impact) == Figures{3, 3740, 3000});
    // actions: I1's open one, I3's two; overdue: I3's due 04-10 only
    CHECK(r.total.actions_open == 3);
    CHECK(r.total.actions_overdue == 1);
  }

  TEST_CASE("compute_stats by severity: the current severity, one group each, sorted") {
    const StatsResult r = compute_stats(incidents(), "severity", kToday);
    CHECK(keys(r) == std::vector<std::string>{"SEV1", "SEV2", "SEV3"});
    const StatsGroup& sev2 = group(r, "SEV2");  // I2 and I3
    CHECK(sev2.incidents == 2);
    CHECK(sev2.open == 1);
    CHECK(figures(sev2.detect) == Figures{0, none, none});
    CHECK(figures(sev2.acknowledge) == Figures{1, 600, 600});
    CHECK(figures(sev2.contain) == Figures{1, 1800, 1800});
    CHECK(figures(sev2.resolve) == Figures{1, 5400, 5400});
    // impact: 5400, 2821 -> 8221 / 2 = 4110.5 -> 4111, the median alike
    CHECK(figures(sev2.impact) == Figures{2, 4111, 4111});
    CHECK(sev2.actions_open == 2);
    CHECK(sev2.actions_overdue == 1);
    const StatsGroup& sev3 = group(r, "SEV3");  // I4: nothing measured
    CHECK(sev3.incidents == 1);
    CHECK(sev3.open == 1);
    CHECK(figures(sev3.acknowledge) == Figures{0, none, none});
    CHECK(figures(sev3.impact) == Figures{0, none, none});
    // the total is the same with or without groups
    CHECK(figures(r.total.impact) == Figures{3, 3740, 3000});
    CHECK(r.total.incidents == 4);
  }

  TEST_CASE("compute_stats by service: an incident in each of its services, (none) without one, the total once") {
    const StatsResult r = compute_stats(incidents(), "service", kToday);
    CHECK(keys(r) == std::vector<std::string>{"(none)", "api", "web"});
    const StatsGroup& api = group(r, "api");  // I1, I2
    CHECK(api.incidents == 2);
    CHECK(api.open == 0);
    CHECK(figures(api.detect) == Figures{1, 300, 300});
    CHECK(figures(api.acknowledge) == Figures{2, 420, 420});
    CHECK(figures(api.contain) == Figures{1, 1200, 1200});
    CHECK(figures(api.resolve) == Figures{2, 4500, 4500});
    CHECK(figures(api.impact) == Figures{2, 4200, 4200});  // 3000, 5400
    CHECK(api.actions_open == 1);
    CHECK(api.actions_overdue == 0);
    const StatsGroup& web = group(r, "web");  // I2, I4
    CHECK(web.incidents == 2);
    CHECK(web.open == 1);
    CHECK(figures(web.acknowledge) == Figures{1, 600, 600});
    CHECK(figures(web.resolve) == Figures{1, 5400, 5400});
    CHECK(figures(web.impact) == Figures{1, 5400, 5400});
    const StatsGroup& none_group = group(r, "(none)");  // I3
    CHECK(none_group.incidents == 1);
    CHECK(none_group.open == 1);
    CHECK(figures(none_group.contain) == Figures{1, 1800, 1800});
    CHECK(figures(none_group.impact) == Figures{1, 2821, 2821});
    CHECK(none_group.actions_open == 2);
    CHECK(none_group.actions_overdue == 1);
    // the groups add up to 5 incidents; the total counts 4
    CHECK(r.total.incidents == 4);
    CHECK(r.total.actions_open == 3);
  }

  TEST_CASE("compute_stats by service: a service named twice (a hand edit) counts the incident once") {
    std::vector<Incident> list = incidents();
    list[0].services = {"api", "api"};  // I1
    const StatsResult r = compute_stats(list, "service", kToday);
    const StatsGroup& api = group(r, "api");  // still I1 and I2
    CHECK(api.incidents == 2);
    CHECK(figures(api.acknowledge) == Figures{2, 420, 420});
    CHECK(figures(api.impact) == Figures{2, 4200, 4200});
    CHECK(api.actions_open == 1);
  }

  TEST_CASE("compute_stats by kind and by month (UTC month of the declaration)") {
    const StatsResult kinds = compute_stats(incidents(), "kind", kToday);
    CHECK(keys(kinds) == std::vector<std::string>{"degradation", "outage"});
    CHECK(group(kinds, "outage").incidents == 3);
    CHECK(group(kinds, "degradation").incidents == 1);

    const StatsResult months = compute_stats(incidents(), "month", kToday);
    CHECK(keys(months) == std::vector<std::string>{"2026-03", "2026-04"});
    // I4, declared at 23:59:59 on 31 March, is in March
    CHECK(group(months, "2026-03").incidents == 3);
    CHECK(group(months, "2026-03").open == 1);
    CHECK(figures(group(months, "2026-03").resolve) == Figures{2, 4500, 4500});
    CHECK(group(months, "2026-04").incidents == 1);
  }

  TEST_CASE("compute_stats: overdue is reckoned from today") {
    // A day later, I3's action due 04-11 is overdue too; the done one never is.
    CHECK(compute_stats(incidents(), "", "2026-04-12").total.actions_overdue == 2);
    // Before any due date, nothing is overdue; open stays open.
    const StatsResult early = compute_stats(incidents(), "", "2026-03-01");
    CHECK(early.total.actions_overdue == 0);
    CHECK(early.total.actions_open == 3);
  }

  TEST_CASE("compute_stats: no incidents, and an unknown grouping") {
    const StatsResult r = compute_stats({}, "service", kToday);
    CHECK(r.groups.empty());
    CHECK(r.total.key == "all");
    CHECK(r.total.incidents == 0);
    CHECK(r.total.open == 0);
    CHECK(figures(r.total.resolve) == Figures{0, none, none});
    CHECK(code_of([] { compute_stats(incidents(), "colour", kToday); }) == Errc::usage);
    CHECK(code_of([] { compute_stats({}, "Severity", kToday); }) == Errc::usage);
  }

  TEST_CASE("repository_stats: the period is declared_at in [since, until); an empty period is refused") {
    TempDir dir;
    const Actor alice{"Alice Example", "alice@example.com"};
    init_repository(InitRequest{dir.path().string(), std::nullopt, ""}, [&](const Repository&) { return alice; }, utc(3, 1, 0, 0));
    Repository repo = Repository::discover(dir.path());
    const auto rec = [&](Timestamp t) { return Recorder{alice, t, utc(11, 1, 0, 0)}; };
    DeclareRequest first;
    first.title = "first";
    const std::string a = declare_incident(repo, first, rec(utc(3, 1, 10, 0))).incident_id;
    acknowledge(repo, a, rec(utc(3, 1, 10, 1, 1)));  // 61 s
    DeclareRequest second;
    second.title = "second";
    const std::string b = declare_incident(repo, second, rec(utc(3, 2, 0, 0))).incident_id;
    acknowledge(repo, b, rec(utc(3, 2, 0, 10)));  // 600 s

    StatsRequest req;
    req.today = "2026-11-01";
    StatsResult r = repository_stats(repo, req);
    CHECK(r.total.incidents == 2);
    CHECK(figures(r.total.acknowledge) == Figures{2, 331, 331});  // 661 / 2 = 330.5 -> 331
    CHECK(r.problems.empty());

    req.since = utc(3, 2, 0, 0);  // inclusive: the second is in
    r = repository_stats(repo, req);
    CHECK(r.total.incidents == 1);
    CHECK(figures(r.total.acknowledge) == Figures{1, 600, 600});

    req.since = std::nullopt;
    req.until = utc(3, 2, 0, 0);  // exclusive: the second is out
    r = repository_stats(repo, req);
    CHECK(r.total.incidents == 1);
    CHECK(figures(r.total.acknowledge) == Figures{1, 61, 61});

    req.since = utc(3, 2, 0, 0);
    req.until = utc(3, 2, 0, 0);  // [t, t) is empty: refused, not an empty answer
    CHECK(code_of([&] { repository_stats(repo, req); }) == Errc::usage);
    req.until = utc(3, 1, 0, 0);
    CHECK(code_of([&] { repository_stats(repo, req); }) == Errc::usage);

    req.since = std::nullopt;
    req.until = std::nullopt;
    req.by = "month";
    r = repository_stats(repo, req);
    CHECK(keys(r) == std::vector<std::string>{"2026-03"});
  }
}

}  // namespace test_stats
