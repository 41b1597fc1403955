// irctl list: the incidents of the repository, newest first.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/actions.hpp"

namespace irctl::cli {
namespace {

struct ListOptions {
  ListFilter filter;
  std::optional<std::string> since;
  std::string format = "table";
};

Json summary_json(const IncidentFile& file, const Config& config, const std::string& today) {
  Json j = incident_to_json(file, config, today);
  const size_t events = j.contains("timeline") ? j["timeline"].size() : 0;
  j.erase("timeline");
  j["events"] = events;
  return j;
}

void run_list(ListOptions o, Context& ctx) {
  Repository& repo = ctx.repo();
  if (o.since) o.filter.since = ctx.parse_time(*o.since);
  const ListResult r = list_incidents(repo, o.filter);
  if (ctx.json()) {
    Json incidents = Json::array();
    for (const auto& f : r.incidents) incidents.push_back(summary_json(f, repo.config(), date_of(ctx.now())));
    ctx.print_json({{"incidents", incidents}, {"problems", problems_json(r.problems)}});
  } else if (o.format == "ids") {
    for (const auto& f : r.incidents) ctx.io.out << f.incident().id << "\n";
  } else if (!r.incidents.empty()) {
    const bool color = ctx.color_out();
    // The MISSING column (what the severity requires) appears when a row has something in it.
    std::vector<std::vector<std::string>> rows = {{"ID", "SEVERITY", "STATUS", "DECLARED", "MISSING", "TITLE"}};
    bool any_missing = false;
    for (const auto& f : r.incidents) {
      const Incident& inc = f.incident();
      std::string missing;
      for (const auto& m : missing_requirements(inc, repo.config()))
        missing += (missing.empty() ? "" : ",") + (m.role.empty() ? "escalation-" + std::to_string(m.escalation_level) : m.role);
      any_missing = any_missing || !missing.empty();
      rows.push_back({inc.id, printable(inc.severity), inc.status, format_short(inc.declared_at), missing,
                      printable(inc.title)});
    }
    if (!any_missing)
      for (auto& row : rows) row.erase(row.begin() + 4);
    std::string table = format_table(rows);
    if (color) {  // colour after alignment, so escape codes do not skew the columns
      const auto nl = table.find('\n');
      table = colored(table.substr(0, nl), kDim, true) + table.substr(nl);
    }
    ctx.io.out << table;
  } else {
    ctx.status("No incidents match.");
  }
  report_problems(ctx, r.problems);
}

}  // namespace

void register_list(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ListOptions>();
  auto* cmd = app.add_subcommand("list", "List incidents, newest first, with filters");
  const auto many = [](CLI::Option* opt) {
    repeatable(opt)->delimiter(',');
  };
  many(cmd->add_option("--status", o->filter.statuses,
                       "Only these statuses: open, identification, containment, eradication, recovery, resolved, closed")
           ->option_text("STATUS"));
  many(cmd->add_option("-s,--severity", o->filter.severities, "Only these severities")->option_text("LEVEL"));
  many(cmd->add_option("--service", o->filter.services, "Only incidents affecting this service")->option_text("NAME"));
  many(cmd->add_option("-k,--kind", o->filter.kinds, "Only these kinds")->option_text("KIND"));
  cmd->add_option("--since", o->since, "Only incidents declared at or after TIME (RFC 3339 or -7d)")
      ->option_text("TIME");
  cmd->add_option("--format", o->format, "table (default) or ids, one per line")
      ->option_text("FORMAT")
      ->check(CLI::IsMember({"table", "ids"}));
  set_examples(cmd,
               "  irctl list --status open\n"
               "  irctl list --severity SEV1,SEV2 --since -30d\n"
               "  irctl list --service checkout --format ids\n"
               "  irctl list --json | jq -r '.incidents[] | select(.status != \"closed\") | .id'");
  cmd->callback([o, &ctx] { run_list(*o, ctx); });
}

}  // namespace irctl::cli
