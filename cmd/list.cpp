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

// What 'irctl show --json' prints, without the timeline but with its length,
// written one incident at a time from the cached documents: parsing and
// printing 10,000 of them as one Json would take seconds and hundreds of MiB.
void print_json_list(const ListResult& r, const Config& config, const std::string& today, std::ostream& out) {
  std::string text = "{\n  \"incidents\": [";
  for (size_t i = 0; i < r.incidents.size(); ++i) {
    const IncidentSummary& s = r.incidents[i];
    Json more = derived_json(s.incident, config, today);
    more["events"] = s.events;
    text += i ? ",\n    " : "\n    ";
    append_with_members(text, s.document, more, 4);
    if (text.size() > 64 * 1024) {  // written in pieces: 10,000 incidents make 20 MiB
      out << text;
      text.clear();
    }
  }
  text += r.incidents.empty() ? "],\n" : "\n  ],\n";
  text += "  \"problems\": ";
  append_indented(text, problems_json(r.problems).dump(2), 2);
  out << text << "\n}\n";
}

const AllowedValues& list_formats() {
  static const AllowedValues formats = {{"table", "aligned columns for people"}, {"ids", "one ID per line"}};
  return formats;
}

void run_list(ListOptions o, Context& ctx) {
  Repository& repo = ctx.repo();
  if (o.since) o.filter.since = ctx.parse_time(*o.since);
  const ListResult r = list_incidents(repo, o.filter, ctx.json() ? SummaryDocuments::include : SummaryDocuments::leave_out);
  if (ctx.json()) {
    print_json_list(r, repo.config(), date_of(ctx.now()), ctx.io.out);
  } else if (o.format == "ids") {
    for (const auto& f : r.incidents) ctx.io.out << f.incident.id << "\n";
  } else if (!r.incidents.empty()) {
    const bool color = ctx.color_out();
    // The MISSING column (what the severity requires) appears when a row has something in it.
    std::vector<std::vector<std::string>> rows = {{"ID", "SEVERITY", "STATUS", "DECLARED", "MISSING", "TITLE"}};
    bool any_missing = false;
    for (const auto& f : r.incidents) {
      const Incident& inc = f.incident;
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
      table = painted(table.substr(0, nl), kDim) + table.substr(nl);
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
  const auto many = [](CLI::Option* opt) { return repeatable(opt)->delimiter(','); };
  // list_incidents checks the statuses (any case), and says which there are.
  offers(many(cmd->add_option("--status", o->filter.statuses,
                              "Only these statuses: " + status_filters().listed(", ") +
                                  " (void incidents are listed only with void)")
                  ->option_text("STATUS")),
         status_filters(), ctx);
  completed_by(many(cmd->add_option("-s,--severity", o->filter.severities, "Only these severities")->option_text("LEVEL")),
               severity_candidates, ctx);
  completed_by(many(cmd->add_option("--service", o->filter.services, "Only incidents affecting this service")
                        ->option_text("NAME")),
               service_candidates, ctx);
  completed_by(many(cmd->add_option("-k,--kind", o->filter.kinds, "Only these kinds")->option_text("KIND")),
               kind_candidates, ctx);
  cmd->add_option("--since", o->since, "Only incidents declared at or after TIME (RFC 3339 or -7d)")
      ->option_text("TIME");
  one_of(cmd->add_option("--format", o->format, "table (default) or ids, one per line")->option_text("FORMAT"),
         list_formats(), ctx);
  set_examples(cmd,
               "  irctl list --status open\n"
               "  irctl list --status void       # withdrawn with irctl void\n"
               "  irctl list --severity SEV1,SEV2 --since -30d\n"
               "  irctl list --service checkout --format ids\n"
               "  irctl list --json | jq -r '.incidents[] | select(.status != \"closed\") | .id'");
  cmd->callback([o, &ctx] { run_list(*o, ctx); });
}

}  // namespace irctl::cli
