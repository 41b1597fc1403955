#include "core/stats.hpp"

#include <algorithm>
#include <map>

#include "core/error.hpp"
#include "core/model/metrics.hpp"

namespace irctl {
namespace {

std::vector<std::string> group_keys(const Incident& inc, const std::string& by) {
  if (by == "severity") return {inc.severity};
  if (by == "kind") return {inc.kind};
  if (by == "month") return {year_month(inc.declared_at)};
  if (by == "service") {
    if (inc.services.empty()) return {"(none)"};
    // Once per service: a file edited by hand may name a service twice, and
    // the incident must still count once in that service's group.
    std::vector<std::string> keys;
    for (const auto& s : inc.services)
      if (std::find(keys.begin(), keys.end(), s) == keys.end()) keys.push_back(s);
    return keys;
  }
  return {};
}

// The durations of a group, gathered before they are summarized.
struct Samples {
  std::vector<Seconds> detect, acknowledge, contain, resolve, impact;
};

void add_incident(StatsGroup& g, Samples& s, const Incident& inc, const std::string& today) {
  ++g.incidents;
  if (is_open_status(inc.status)) ++g.open;
  const Durations d = durations_of(inc);
  const auto add = [](std::vector<Seconds>& to, const std::optional<Seconds>& v) {
    if (v) to.push_back(*v);
  };
  add(s.detect, d.to_detect);
  add(s.acknowledge, d.to_acknowledge);
  add(s.contain, d.to_contain);
  add(s.resolve, d.to_resolve);
  add(s.impact, d.impact);
  for (const auto& a : inc.actions) {
    if (!a.done) ++g.actions_open;
    if (a.overdue(today)) ++g.actions_overdue;
  }
}

void finish(StatsGroup& g, Samples& s) {
  g.detect = summarize_durations(std::move(s.detect));
  g.acknowledge = summarize_durations(std::move(s.acknowledge));
  g.contain = summarize_durations(std::move(s.contain));
  g.resolve = summarize_durations(std::move(s.resolve));
  g.impact = summarize_durations(std::move(s.impact));
}

}  // namespace

Seconds rounded_div(Seconds total, size_t n) {
  const auto count = static_cast<Seconds::rep>(n);
  return Seconds((2 * total.count() + count) / (2 * count));
}

DurationSummary summarize_durations(std::vector<Seconds> values) {
  DurationSummary out;
  out.count = values.size();
  if (values.empty()) return out;
  Seconds total{0};
  for (const auto v : values) total += v;
  out.mean = rounded_div(total, values.size());
  std::sort(values.begin(), values.end());
  const size_t mid = values.size() / 2;
  out.median = values.size() % 2 ? values[mid] : rounded_div(values[mid - 1] + values[mid], 2);
  return out;
}

const AllowedValues& stats_groupings() {
  static const AllowedValues by = {{"severity", "one row per severity"},
                                   {"service", "one row per affected service"},
                                   {"kind", "one row per kind of incident"},
                                   {"month", "one row per month of declaration (YYYY-MM)"}};
  return by;
}

StatsResult compute_stats(const std::vector<Incident>& incidents, const std::string& by, const std::string& today) {
  if (!by.empty() && !stats_groupings().contains(by))
    throw Error(Errc::usage, "stats cannot group by " + quote(by), "use --by " + stats_groupings().listed());
  StatsResult result;
  result.total.key = "all";
  Samples total;
  std::map<std::string, std::pair<StatsGroup, Samples>> groups;
  for (const auto& inc : incidents) {
    add_incident(result.total, total, inc, today);
    for (const auto& key : group_keys(inc, by)) {
      auto& [group, samples] = groups[key];
      group.key = key;
      add_incident(group, samples, inc, today);
    }
  }
  finish(result.total, total);
  for (auto& [key, entry] : groups) {
    finish(entry.first, entry.second);
    result.groups.push_back(std::move(entry.first));
  }
  return result;
}

StatsResult repository_stats(Repository& repo, const StatsRequest& req) {
  if (req.since && req.until && *req.until <= *req.since)
    throw Error(Errc::usage, "--until " + human_time(*req.until) + " is not after --since " + human_time(*req.since),
                "give a period that ends after it begins");
  ListFilter filter;
  filter.since = req.since;
  filter.until = req.until;
  ListResult list = list_incidents(repo, filter);
  std::vector<Incident> incidents;
  incidents.reserve(list.incidents.size());
  for (auto& f : list.incidents) incidents.push_back(std::move(f.incident));
  StatsResult result = compute_stats(incidents, req.by, req.today);
  result.problems = std::move(list.problems);
  return result;
}

}  // namespace irctl
