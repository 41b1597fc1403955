// irctl declare TITLE: open a new incident.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct DeclareOptions {
  std::vector<std::string> title;
  std::optional<std::string> severity;
  std::optional<std::string> kind;
  std::vector<std::string> services;
  std::optional<std::string> commander;
  std::optional<std::string> summary;
  std::optional<std::string> started_at;
  std::optional<std::string> detected_at;
  std::vector<std::string> channels;
};

void run_declare(const DeclareOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  DeclareRequest req;
  req.title = text_argument(o.title, ctx);
  req.severity = o.severity;
  req.kind = o.kind;
  req.services = o.services;
  req.commander = o.commander;
  req.summary = o.summary;
  if (o.started_at) req.started_at = ctx.parse_time(*o.started_at);
  if (o.detected_at) req.detected_at = ctx.parse_time(*o.detected_at);
  req.channels = o.channels;
  const EventResult r = declare_incident(repo, req, ctx.recorder());
  // The new incident becomes '@' on this clone, as a new branch becomes HEAD.
  repo.set_current_incident(r.incident_id);
  if (ctx.json()) {
    Json j = {{"id", r.incident_id}, {"path", r.path}};
    add_event_result_json(j, r);
    ctx.print_json(j);
    return;
  }
  ctx.io.out << r.incident_id << "\n";
  const IncidentFile file = load_incident(repo, r.incident_id);
  const Incident& inc = file.incident();
  std::string message = "Declared " + r.incident_id + " (" + inc.severity + ", " + inc.kind + "): " + printable(inc.title);
  if (inc.escalation_level > 0 && r.event.details.count("targets")) {
    std::string targets;
    for (const auto& t : r.event.details.at("targets").as_array()) targets += (targets.empty() ? "" : ", ") + t.as_string().str;
    message += "\nEscalation policy " + inc.escalation_policy + ", level 1: " + printable(targets) +
               (inc.acknowledged_at ? " (acknowledged: it has a commander)" : " (irctl ack @ when someone is on it)");
  }
  if (!inc.tasks.empty())
    message += "\n" + std::to_string(inc.tasks.size()) + " playbook tasks attached: irctl task @";
  message += "\n'@' now stands for it; add to it with: irctl note @ TEXT";
  ctx.status(message);
  if (r.hook_warning) ctx.warn(*r.hook_warning);
}

}  // namespace

void register_declare(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DeclareOptions>();
  auto* cmd = app.add_subcommand("declare", "Declare a new incident and print its ID");
  cmd->add_option("title", o->title, "What is wrong, in a line (several words are joined; - reads stdin)")
      ->required();
  completed_by(cmd->add_option("-s,--severity", o->severity, "Severity level (see .irctl/config.toml; default from [defaults])")
                   ->option_text("LEVEL"),
               severity_candidates, ctx);
  completed_by(cmd->add_option("-k,--kind", o->kind, "Kind of incident: outage, degradation, malware, data-breach, ...")
                   ->option_text("KIND"),
               kind_candidates, ctx);
  completed_by(repeatable(cmd->add_option("--service", o->services, "An affected service (repeat, or separate with commas)")
                              ->option_text("NAME"))
                   ->delimiter(','),
               service_candidates, ctx);
  cmd->add_option("--commander", o->commander, "The incident commander")->option_text("PERSON");
  cmd->add_option("--summary", o->summary, "A longer description")->option_text("TEXT");
  cmd->add_option("--started-at", o->started_at, "When the impact began")->option_text("TIME");
  cmd->add_option("--detected-at", o->detected_at, "When it was detected")->option_text("TIME");
  repeatable(cmd->add_option("--channel", o->channels, "A comms channel: chat room, bridge, status page (repeatable)")
                 ->option_text("CHANNEL"));
  set_examples(cmd,
               "  irctl declare \"Checkout API returns 503\" --severity SEV2 --service checkout\n"
               "  irctl declare \"Stolen laptop with prod keys\" -k unauthorized-access -s SEV1 --commander alice\n"
               "  irctl --at 2026-11-28T15:40:00Z declare \"Login errors\" --started-at -2h --channel '#inc-login'\n"
               "  id=$(irctl -q declare \"Disk full on db-3\")   # scripts: only the ID is printed");
  cmd->callback([o, &ctx] { run_declare(*o, ctx); });
}

}  // namespace irctl::cli
