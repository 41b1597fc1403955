// irctl show ID: an incident's state and timeline.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct ShowOptions {
  std::string id;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string with_title(const std::string& name, const std::string& title) {
  return title.empty() ? name : name + " (" + title + ")";
}

std::string roles_text(const Incident& inc) {
  std::string out;
  for (const auto& r : inc.roles) {
    if (!out.empty()) out += ", ";
    out += r.role + ": " + r.person + (r.workstream.empty() ? "" : " [" + r.workstream + "]");
  }
  return out.empty() ? "-" : out;
}

void print_incident(const IncidentFile& file, const Config& config, Context& ctx) {
  const Incident& inc = file.incident();
  const bool color = ctx.color_out();
  const Severity* sev = config.find_severity(inc.severity);
  const Kind* kind = config.find_kind(inc.kind);
  std::vector<std::vector<std::string>> rows = {
      {"  status", inc.status},
      {"  severity", with_title(inc.severity, sev ? sev->title : "")},
      {"  kind", with_title(inc.kind, kind ? kind->title : "")},
      {"  services", inc.services.empty() ? "-" : join(inc.services)},
      {"  roles", roles_text(inc)},
  };
  if (inc.started_at) rows.push_back({"  started", format_short(*inc.started_at) + " UTC"});
  if (inc.detected_at) rows.push_back({"  detected", format_short(*inc.detected_at) + " UTC"});
  rows.push_back({"  declared", format_short(inc.declared_at) + " UTC by " + short_name(inc.timeline.front().by)});
  if (!inc.channels.empty()) rows.push_back({"  channels", join(inc.channels)});
  rows.push_back({"  file", file.path()});
  for (auto& row : rows) row[1] = printable(row[1]);

  std::ostream& out = ctx.io.out;
  out << colored(inc.id, kBold, color) << "  " << printable(inc.title) << "\n" << format_table(rows);
  if (!inc.summary.empty()) {
    out << "\n  summary\n";
    size_t start = 0;
    while (start <= inc.summary.size()) {
      const size_t end = inc.summary.find('\n', start);
      out << "    " << printable(inc.summary.substr(start, end == std::string::npos ? end : end - start)) << "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  out << "\n" << colored("Timeline", kBold, color) << "\n";
  std::string timeline = format_timeline(in_time_order(inc.timeline));
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
    ctx.print_json(file.to_json());
    return;
  }
  print_incident(file, repo.config(), ctx);
}

}  // namespace

void register_show(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ShowOptions>();
  auto* cmd = app.add_subcommand("show", "Show an incident: its state, roles and timeline");
  cmd->add_option("id", o->id, "Incident: its ID, any unique part of it, or @ for the current one")->required();
  set_examples(cmd,
               "  irctl show @\n"
               "  irctl show K7Q --json | jq -r .status");
  cmd->callback([o, &ctx] { run_show(*o, ctx); });
}

}  // namespace irctl::cli
