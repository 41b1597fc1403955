// irctl severity ID LEVEL: change the severity; --list shows the scale.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct SeverityOptions {
  std::string id;
  std::string level;
  std::string reason;
  bool list = false;
};

void print_scale(Context& ctx) {
  const Config& config = ctx.repo().config();
  if (ctx.json()) {
    Json levels = Json::array();
    for (const auto& s : config.severities)
      levels.push_back({{"name", s.name},
                        {"title", s.title},
                        {"criteria", s.criteria},
                        {"requires_roles", s.requires_roles},
                        {"min_escalation", s.min_escalation},
                        {"default", s.name == config.default_severity}});
    ctx.print_json({{"severities", levels}});
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : config.severities) {
    std::string needs;
    for (const auto& r : s.requires_roles) needs += (needs.empty() ? "" : ", ") + r;
    if (s.min_escalation > 0) needs += (needs.empty() ? "" : ", ") + std::string("escalation level ") + std::to_string(s.min_escalation);
    rows.push_back({s.name + (s.name == config.default_severity ? "*" : ""), printable(s.title),
                    printable(s.criteria) + (needs.empty() ? "" : " [needs: " + needs + "]")});
  }
  ctx.io.out << format_table(rows);
}

void run_severity(const SeverityOptions& o, Context& ctx) {
  if (o.list) {
    if (!o.id.empty()) throw Error(Errc::usage, "--list takes no incident", "run 'irctl severity --list' alone");
    print_scale(ctx);
    return;
  }
  if (o.id.empty() || o.level.empty())
    throw Error(Errc::usage, "severity needs an incident and a level", "for example: irctl severity @ SEV1 --reason \"...\"");
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = change_severity(repo, id, o.level, o.reason, ctx.recorder());
  print_event_result(ctx, r, id + ": severity " + r.event.text,
                     "already " + repo.config().resolve_severity(o.level) + "; nothing changed");
}

}  // namespace

void register_severity(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SeverityOptions>();
  auto* cmd = app.add_subcommand("severity", "Change an incident's severity, or list the scale (--list)");
  completes_incident_ids(cmd->add_option("id", o->id, "Incident: its ID, any unique part of it, or @ for the current one"), ctx);
  completed_by(cmd->add_option("level", o->level, "The new level, such as SEV1 (case does not matter)"),
               severity_candidates, ctx);
  cmd->add_option("-r,--reason", o->reason, "Why, for the timeline")->option_text("TEXT");
  cmd->add_flag("-l,--list", o->list, "Show the severity scale of this repository, with criteria (* = default)");
  set_examples(cmd,
               "  irctl severity @ SEV1 --reason \"all regions affected\"\n"
               "  irctl severity K7Q sev3\n"
               "  irctl severity --list");
  cmd->callback([o, &ctx] { run_severity(*o, ctx); });
}

}  // namespace irctl::cli
