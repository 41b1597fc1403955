// irctl close ID: lessons learned; the incident is done.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

// Closing ends the response, not the follow-up work: say what is still to do.
void warn_open_actions(const Incident& inc, Context& ctx) {
  std::vector<const FollowUp*> open;
  for (const auto& a : inc.actions)
    if (!a.done) open.push_back(&a);
  if (open.empty()) return;
  ctx.warn(inc.id + " has " + std::to_string(open.size()) + " open follow-up action" + (open.size() == 1 ? "" : "s") +
           " (irctl action list " + inc.id + "):");
  for (const FollowUp* a : open)
    ctx.warn("  " + std::to_string(a->number) + ". " + a->text + (a->owner.empty() ? "" : " (" + a->owner + ")") +
             (a->due.empty() ? "" : ", due " + a->due));
}

struct CloseOptions {
  std::string id;
  bool force = false;
};

void run_close(const CloseOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r =
      close_incident(repo, id, o.force ? ClosePolicy::forced : ClosePolicy::needs_postmortem, ctx.recorder());
  print_event_result(ctx, r, id + ": " + r.event.text, "already closed; nothing changed");
  warn_open_actions(load_incident(repo, id).incident(), ctx);
}

}  // namespace

void register_close(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CloseOptions>();
  auto* cmd = app.add_subcommand("close", "Close a resolved incident once its postmortem is written");
  add_id_option(cmd, o->id, ctx);
  cmd->add_flag("-f,--force", o->force, "Close even though postmortems/ID.md does not exist");
  set_examples(cmd,
               "  irctl close @\n"
               "  irctl close K7Q --force        # a near miss that needs no postmortem");
  cmd->callback([o, &ctx] { run_close(*o, ctx); });
}

}  // namespace irctl::cli
