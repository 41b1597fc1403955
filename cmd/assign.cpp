// irctl assign ID ROLE PERSON: give someone a role (or take it away).

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct AssignOptions {
  std::string id;
  AssignRequest request;
};

std::vector<Candidate> role_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& r : completion_config(q.ctx).roles) out.push_back({r.name, r.title});
  return out;
}

void run_assign(const AssignOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = assign_role(repo, id, o.request, ctx.recorder());
  print_event_result(ctx, r, id + ": " + printable(r.event.text),
                     printable(o.request.person) + " already has that role; nothing changed");
}

}  // namespace

void register_assign(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AssignOptions>();
  auto* cmd = app.add_subcommand("assign", "Give a person a role on an incident, or take it away (--remove)");
  add_id_option(cmd, o->id, ctx);
  completed_by(cmd->add_option("role", o->request.role,
                               "commander, tech-lead, comms-internal, comms-external, support-lead, sme, social-media, "
                               "problem-manager (from .irctl/config.toml)")
                   ->required(),
               role_candidates, ctx);
  cmd->add_option("person", o->request.person, "Who: a name, a handle or \"Name <email>\"")->required();
  cmd->add_option("-w,--workstream", o->request.workstream,
                  "For roles with several people (tech-lead): the workstream they lead; one person per workstream")
      ->option_text("NAME");
  cmd->add_flag("--remove", o->request.remove, "Take the role away from the person");
  set_examples(cmd,
               "  irctl assign @ commander alice           # the first commander also acknowledges\n"
               "  irctl assign @ commander bob             # handover: commander: alice -> bob\n"
               "  irctl assign @ tech-lead carol --workstream database\n"
               "  irctl assign @ comms-external dave\n"
               "  irctl assign @ sme erin --remove");
  cmd->callback([o, &ctx] { run_assign(*o, ctx); });
}

}  // namespace irctl::cli
