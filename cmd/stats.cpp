// irctl stats: response metrics over the repository's incidents.

#include <cstring>
#include <sstream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/actions.hpp"
#include "core/stats.hpp"

namespace irctl::cli {
namespace {

struct StatsOptions {
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::string by;
  bool csv = false;
};

// The stages, in the order of the response, with their names in JSON and CSV.
const std::pair<const char*, DurationSummary StatsGroup::*> kStages[] = {
    {"detect", &StatsGroup::detect},   {"acknowledge", &StatsGroup::acknowledge},
    {"contain", &StatsGroup::contain}, {"resolve", &StatsGroup::resolve},
    {"impact", &StatsGroup::impact}};

Json seconds_or_null(const std::optional<Seconds>& s) { return s ? Json(s->count()) : Json(nullptr); }

Json group_json(const StatsGroup& g) {
  Json j = {{"key", g.key}, {"incidents", g.incidents}, {"open", g.open}};
  for (const auto& [name, member] : kStages) {
    const DurationSummary& d = g.*member;
    j[name] = {{"count", d.count}, {"mean_seconds", seconds_or_null(d.mean)},
               {"median_seconds", seconds_or_null(d.median)}};
  }
  j["actions"] = {{"open", g.actions_open}, {"overdue", g.actions_overdue}};
  return j;
}

// A spreadsheet runs a cell that starts with one of these as a formula
// (OWASP's CSV injection); a service named by an alert label can.
bool starts_like_formula(const std::string& s) { return !s.empty() && std::strchr("=+-@\t\r", s[0]) != nullptr; }

// RFC 4180: a field with a comma, quote or line break is quoted. A field
// that would start a formula is kept as text, as OWASP advises: a single
// quote first, and the whole quoted. Only the group's key is free text: the
// other cells are counts and seconds, never negative.
std::string csv_field(const std::string& s) {
  const bool formula = starts_like_formula(s);
  if (!formula && s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = formula ? "\"'" : "\"";
  for (const char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_seconds(const std::optional<Seconds>& s) { return s ? std::to_string(s->count()) : ""; }

void print_csv(const StatsResult& r, const std::string& by, std::ostream& out) {
  out << (by.empty() ? "group" : by) << ",incidents,open";
  for (const auto& [name, member] : kStages) out << "," << name << "_count," << name << "_mean_seconds," << name << "_median_seconds";
  out << ",actions_open,actions_overdue\r\n";
  const auto row = [&](const StatsGroup& g) {
    out << csv_field(g.key) << "," << g.incidents << "," << g.open;
    for (const auto& [name, member] : kStages) {
      const DurationSummary& d = g.*member;
      out << "," << d.count << "," << csv_seconds(d.mean) << "," << csv_seconds(d.median);
    }
    out << "," << g.actions_open << "," << g.actions_overdue << "\r\n";
  };
  for (const auto& g : r.groups) row(g);
  row(r.total);
}

// "12m / 8m (3)": mean / median over the incidents that reached the stage.
std::string duration_cell(const DurationSummary& d) {
  if (d.count == 0) return "-";
  return format_duration(*d.mean) + " / " + format_duration(*d.median) + " (" + std::to_string(d.count) + ")";
}

void print_table(const StatsResult& r, const std::string& by, Context& ctx) {
  std::vector<std::vector<std::string>> rows = {
      {by.empty() ? "" : by, "INCIDENTS", "OPEN", "TO DETECT", "TO ACK (MTTA)", "TO CONTAIN", "TO RESOLVE", "IMPACT",
       "ACTIONS OPEN", "OVERDUE"}};
  const auto row = [&](const StatsGroup& g) {
    std::vector<std::string> cells = {printable(g.key), std::to_string(g.incidents), std::to_string(g.open)};
    for (const auto& [name, member] : kStages) cells.push_back(duration_cell(g.*member));
    cells.push_back(std::to_string(g.actions_open));
    cells.push_back(std::to_string(g.actions_overdue));
    rows.push_back(cells);
  };
  for (const auto& g : r.groups) row(g);
  row(r.total);
  for (auto& h : rows.front()) {
    for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  std::string table = format_table(rows);
  if (ctx.color_out()) {
    const auto nl = table.find('\n');
    table = painted(table.substr(0, nl), kDim) + table.substr(nl);
  }
  ctx.io.out << table;
  ctx.status("Times are mean / median (incidents measured), from the timelines: see irctl-stats(1).");
}

void run_stats(const StatsOptions& o, Context& ctx) {
  if (o.csv && ctx.json()) throw Error(Errc::usage, "--csv and --json cannot be used together", "choose one format");
  Repository& repo = ctx.repo();
  StatsRequest req;
  if (o.since) req.since = parse_day_or_time(*o.since, ctx.now());
  if (o.until) req.until = parse_day_or_time(*o.until, ctx.now());
  req.by = o.by;
  req.today = date_of(ctx.now());
  const StatsResult r = repository_stats(repo, req);
  if (ctx.json()) {
    Json groups = Json::array();
    for (const auto& g : r.groups) groups.push_back(group_json(g));
    ctx.print_json({{"since", req.since ? Json(format_rfc3339(*req.since)) : Json(nullptr)},
                    {"until", req.until ? Json(format_rfc3339(*req.until)) : Json(nullptr)},
                    {"by", o.by.empty() ? Json(nullptr) : Json(o.by)},
                    {"groups", groups},
                    {"total", group_json(r.total)},
                    {"problems", problems_json(r.problems)}});
  } else if (o.csv) {
    print_csv(r, o.by, ctx.io.out);
  } else if (r.total.incidents == 0) {
    ctx.status("No incidents in this period.");
  } else {
    print_table(r, o.by, ctx);
  }
  report_problems(ctx, r.problems);
}

}  // namespace

void register_stats(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<StatsOptions>();
  auto* cmd = app.add_subcommand("stats", "Response metrics: counts, MTTA, times to contain and resolve, impact, actions");
  cmd->add_option("--since", o->since, "Only incidents declared at or after TIME (a date, RFC 3339, or -30d)")
      ->option_text("TIME");
  cmd->add_option("--until", o->until, "Only incidents declared before TIME (a date, RFC 3339, or -7d)")
      ->option_text("TIME");
  one_of(cmd->add_option("--by", o->by, "One row per " + stats_groupings().listed() + ", then the total")
             ->option_text("FIELD"),
         stats_groupings(), ctx);
  cmd->add_flag("--csv", o->csv, "Print CSV (RFC 4180, durations in seconds) for a spreadsheet");
  set_examples(cmd,
               "  irctl stats --since -90d\n"
               "  irctl stats --by severity --since 2026-01-01 --until 2026-07-01\n"
               "  irctl stats --by month --csv > incidents-by-month.csv\n"
               "  irctl stats --json | jq .total.acknowledge.mean_seconds");
  cmd->callback([o, &ctx] { run_stats(*o, ctx); });
}

}  // namespace irctl::cli
