// irctl reopen ID --reason TEXT: the incident is not over after all.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct ReopenOptions {
  std::string id;
  std::string reason;
};

void run_reopen(const ReopenOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = reopen_incident(repo, id, o.reason, ctx.recorder());
  print_event_result(ctx, r, id + ": reopened; status is identification again");
}

}  // namespace

void register_reopen(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ReopenOptions>();
  auto* cmd = app.add_subcommand("reopen", "Reopen a resolved or closed incident (status back to identification)");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("-r,--reason", o->reason, "Why it is reopened (required)")->option_text("TEXT")->required();
  set_examples(cmd, "  irctl reopen @ --reason \"Errors are back after the cache expired\"");
  cmd->callback([o, &ctx] { run_reopen(*o, ctx); });
}

}  // namespace irctl::cli
