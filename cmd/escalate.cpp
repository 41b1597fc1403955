// irctl escalate ID: the next level of the escalation policy, or --to a
// target; irctl escalate --due: every incident whose level timed out.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct EscalateOptions {
  std::string id;
  std::optional<std::string> to;
  std::string reason;
  bool due = false;
};

void run_due(Context& ctx) {
  const DueResult due = escalate_due(ctx.repo(), ctx.recorder());
  const auto& results = due.escalated;
  if (ctx.json()) {
    Json list = Json::array();
    for (const auto& r : results) {
      Json j = {{"id", r.incident_id}};
      add_event_result_json(j, r);
      list.push_back(j);
    }
    ctx.print_json({{"escalated", list}, {"problems", problems_json(due.problems)}});
  } else {
    // What it did goes to stdout: this is the output a cron job mails.
    for (const auto& r : results) {
      ctx.io.out << r.incident_id << ": escalated to " << printable(r.event.text) << "\n";
      if (r.hook_warning) ctx.warn(*r.hook_warning);
    }
    if (results.empty()) ctx.status("No incident is due for escalation.");
  }
  // An incident that cannot be read cannot be escalated: that must not pass unnoticed.
  report_problems(ctx, due.problems);
}

std::vector<Candidate> escalation_targets(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& p : completion_config(q.ctx).policies)
    for (const auto& l : p.levels)
      for (const auto& t : l.targets) out.push_back({t, "in policy " + p.name});
  return out;
}

void run_escalate(const EscalateOptions& o, Context& ctx) {
  if (o.due) {
    if (!o.id.empty() || o.to || !o.reason.empty())
      throw Error(Errc::usage, "--due takes no incident, --to or --reason", "run 'irctl escalate --due' alone");
    run_due(ctx);
    return;
  }
  if (o.id.empty()) throw Error(Errc::usage, "escalate needs an incident", "for example: irctl escalate @, or irctl escalate --due");
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = escalate(repo, id, o.to, o.reason, ctx.recorder());
  print_event_result(ctx, r, id + ": escalated " + printable(r.event.text));
}

}  // namespace

void register_escalate(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<EscalateOptions>();
  auto* cmd = app.add_subcommand("escalate", "Escalate an incident to the next level of its policy, or --to someone");
  completes_incident_ids(cmd->add_option("id", o->id, "Incident: its ID, any unique part of it, or @ for the current one"), ctx);
  completed_by(cmd->add_option("--to", o->to, "Escalate to this person or team instead of the policy's next level")
                   ->option_text("TARGET"),
               escalation_targets, ctx);
  cmd->add_option("-r,--reason", o->reason, "Why, for the timeline")->option_text("TEXT");
  cmd->add_flag("--due", o->due,
                "Escalate every open, unacknowledged incident whose current level has timed out (for cron; "
                "running it twice escalates once)");
  set_examples(cmd,
               "  irctl escalate @ --reason \"primary not answering\"\n"
               "  irctl escalate K7Q --to database-team\n"
               "  * * * * * cd /srv/incidents && irctl -q escalate --due    # crontab");
  cmd->callback([o, &ctx] { run_escalate(*o, ctx); });
}

}  // namespace irctl::cli
