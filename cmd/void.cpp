// irctl void ID --reason TEXT: withdraw an incident that should never have
// been one (declared by mistake, a drill); its file and timeline are kept.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct VoidOptions {
  std::string id;
  std::string reason;
};

void run_void(const VoidOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = void_incident(repo, id, o.reason, ctx.recorder());
  print_event_result(ctx, r, id + ": void; list, stats and gate leave it out (irctl list --status void)",
                     "already void; nothing changed");
}

}  // namespace

void register_void(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<VoidOptions>();
  auto* cmd = app.add_subcommand("void", "Withdraw an incident declared by mistake or for a drill (the file is kept)");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("-r,--reason", o->reason, "Why it is not an incident (required)")->option_text("TEXT")->required();
  set_examples(cmd,
               "  irctl void @ --reason \"Declared by mistake: the alert was a test\"\n"
               "  irctl void K7Q --reason \"Game day drill\"\n"
               "  irctl list --status void");
  cmd->callback([o, &ctx] { run_void(*o, ctx); });
}

}  // namespace irctl::cli
