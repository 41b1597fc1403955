// irctl show ID: an incident's state and timeline.

#include "cmd/commands.hpp"
#include <algorithm>

#include "cmd/output.hpp"
#include "core/actions.hpp"
#include "core/model/metrics.hpp"
#include "core/model/validate.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {
namespace {

struct ShowOptions {
  std::string id;
};


std::string with_title(const std::string& name, const std::string& title) {
  return title.empty() ? name : name + " (" + title + ")";
}

std::string roles_text(const Incident& inc, const People& people) {
  std::string out;
  for (const auto& r : inc.roles) {
    if (!out.empty()) out += ", ";
    out += r.role + ": " + people.name_of(r.person) + (r.workstream.empty() ? "" : " [" + r.workstream + "]");
  }
  return out.empty() ? "-" : out;
}

void print_block(std::ostream& out, const std::string& heading, const std::string& text) {
  if (text.empty()) return;
  out << "\n  " << heading << "\n";
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = text.find('\n', start);
    out << "    " << printable(text.substr(start, end == std::string::npos ? end : end - start)) << "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

// Line `n` of `text` in colour. Coloured after the table is laid out, so
// that the escape codes do not skew its columns; a row is one line, since
// every value is made printable (no line breaks).
std::string with_line_colored(const std::string& text, size_t n, const char* sgr) {
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) at = text.find('\n', at) + 1;
  const size_t end = text.find('\n', at);
  return text.substr(0, at) + painted(text.substr(at, end - at), sgr) + text.substr(end);
}

// The durations reached so far, by the names of irctl-stats(1); none
// reached, no block.
void print_durations(std::ostream& out, const Incident& inc, bool color) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, key, value] : named_durations(durations_of(inc)))
    if (value) rows.push_back({"  " + std::string(name), format_duration(*value)});
  if (rows.empty()) return;
  out << "\n" << colored("Durations", kBold, color) << "\n" << format_table(rows);
}

std::string when(const std::optional<Timestamp>& t) { return t ? human_time(*t) : ""; }

void print_incident(const IncidentFile& file, const Config& config, const People& people, Context& ctx) {
  const Incident& inc = file.incident();
  const bool color = ctx.color_out();
  const Severity* sev = config.find_severity(inc.severity);
  const Kind* kind = config.find_kind(inc.kind);
  std::vector<std::vector<std::string>> rows = {
      {"  status", inc.status},
      {"  severity", with_title(inc.severity, sev ? sev->title : "")},
      {"  kind", with_title(inc.kind, kind ? kind->title : "")},
      {"  services", inc.services.empty() ? "-" : join(inc.services)},
      {"  roles", roles_text(inc, people)},
  };
  if (inc.is_void())  // right under the status: it says what the status no longer does
    rows.insert(rows.begin() + 1, {"  void", when(inc.voided_at) + ": " + one_line(inc.void_reason, 200)});
  const auto missing = missing_requirements(inc, config);
  std::optional<size_t> missing_row;  // red on a terminal
  if (!missing.empty()) {
    std::string text;
    for (const auto& m : missing) text += (text.empty() ? "" : ", ") + m.describe();
    missing_row = rows.size();  // the rows after it are appended
    rows.push_back({"  missing", text + " (required for " + inc.severity + ")"});
  }
  if (inc.started_at) rows.push_back({"  started", when(inc.started_at)});
  if (inc.detected_at) rows.push_back({"  detected", when(inc.detected_at)});
  rows.push_back({"  declared", when(inc.declared_at) + " by " + people.name_of(inc.timeline.front().by)});
  rows.push_back({"  acknowledged", inc.acknowledged_at ? when(inc.acknowledged_at) : "not yet"});
  if (inc.escalation_level > 0 || inc.escalated_at)
    rows.push_back({"  escalation", (inc.escalation_level > 0 ? "level " + std::to_string(inc.escalation_level) + " of " +
                                                                   inc.escalation_policy
                                                             : std::string("outside the policy")) +
                                        (inc.escalated_at ? ", since " + when(inc.escalated_at) : "")});
  if (inc.contained_at) rows.push_back({"  contained", when(inc.contained_at)});
  if (inc.eradicated_at) rows.push_back({"  eradicated", when(inc.eradicated_at)});
  if (inc.recovered_at) rows.push_back({"  recovered", when(inc.recovered_at)});
  if (inc.impact_ended_at) rows.push_back({"  impact ended", when(inc.impact_ended_at)});
  if (inc.resolved_at) rows.push_back({"  resolved", when(inc.resolved_at)});
  if (inc.closed_at) rows.push_back({"  closed", when(inc.closed_at)});
  if (!inc.channels.empty()) rows.push_back({"  channels", join(inc.channels)});
  if (!inc.tasks.empty()) {
    const auto done = std::count_if(inc.tasks.begin(), inc.tasks.end(), [](const Task& t) { return t.done; });
    rows.push_back({"  tasks", std::to_string(done) + " of " + std::to_string(inc.tasks.size()) +
                                   " done (irctl task " + inc.id + ")"});
  }
  if (!inc.actions.empty()) {
    const std::string today = date_of(ctx.now());
    const auto open = std::count_if(inc.actions.begin(), inc.actions.end(), [](const FollowUp& a) { return !a.done; });
    const auto overdue =
        std::count_if(inc.actions.begin(), inc.actions.end(), [&](const FollowUp& a) { return a.overdue(today); });
    rows.push_back({"  actions", std::to_string(open) + " of " + std::to_string(inc.actions.size()) + " open" +
                                     (overdue ? ", " + std::to_string(overdue) + " overdue" : "") +
                                     " (irctl action list " + inc.id + ")"});
  }
  rows.push_back({"  file", file.path()});
  for (auto& row : rows) row[1] = printable(row[1]);

  std::ostream& out = ctx.io.out;
  std::string table = format_table(rows);
  if (missing_row && color) table = with_line_colored(table, *missing_row, kRed);
  out << colored(inc.id, kBold, color) << "  " << printable(inc.title) << "\n" << table;
  print_block(out, "summary", inc.summary);
  print_block(out, "impact", inc.impact);
  print_block(out, "root cause", inc.root_cause);
  print_block(out, "resolution", inc.resolution);
  print_durations(out, inc, color);
  out << "\n" << colored("Timeline", kBold, color) << "\n";
  std::string timeline = format_timeline(in_time_order(inc.timeline), inc, people);
  size_t start = 0;
  while (start < timeline.size()) {
    const size_t end = timeline.find('\n', start);
    out << "  " << timeline.substr(start, end - start + 1);
    start = end + 1;
  }
}

void run_show(const ShowOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const IncidentFile file = load_incident(repo, id);
  if (ctx.json()) {
    ctx.print_json(incident_to_json(file, repo.config(), date_of(ctx.now())));
    return;
  }
  ctx.page_output();
  print_incident(file, repo.config(), repo.people(), ctx);
}

}  // namespace

void register_show(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Show an incident: its state, roles and timeline");
  add_id_option(cmd, o->id, ctx);
  set_examples(cmd,
               "  irctl show @\n"
               "  irctl show K7Q --json | jq -r .status");
  cmd->callback([o, &ctx] { run_show(*o, ctx); });
}

}  // namespace irctl::cli
