// irctl close ID: lessons learned; the incident is done.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct CloseOptions {
  std::string id;
  bool force = false;
};

void run_close(const CloseOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = close_incident(repo, id, o.force, ctx.recorder());
  print_event_result(ctx, r, id + ": " + r.event.text, "already closed; nothing changed");
}

}  // namespace

void register_close(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CloseOptions>();
  auto* cmd = app.add_subcommand("close", "Close a resolved incident once its postmortem is written");
  add_id_option(cmd, o->id);
  cmd->add_flag("-f,--force", o->force, "Close even though postmortems/ID.md does not exist");
  set_examples(cmd,
               "  irctl close @\n"
               "  irctl close K7Q --force        # a near miss that needs no postmortem");
  cmd->callback([o, &ctx] { run_close(*o, ctx); });
}

}  // namespace irctl::cli
