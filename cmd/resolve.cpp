// irctl resolve ID: the impact is over.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct ResolveOptions {
  std::string id;
  std::optional<std::string> resolution;
  std::optional<std::string> root_cause;
};

void run_resolve(const ResolveOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = resolve_incident(repo, id, o.resolution, o.root_cause, ctx.recorder());
  print_event_result(ctx, r,
                     id + ": resolved at " + human_time(r.event.at) + "\nWhen the postmortem is written: irctl close " + id);
}

}  // namespace

void register_resolve(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ResolveOptions>();
  auto* cmd = app.add_subcommand("resolve", "Resolve an incident: the impact is over");
  add_id_option(cmd, o->id, ctx);
  // --summary is the older name of --resolution, kept so that scripts go on
  // working; it no longer overwrites the incident's summary.
  cmd->add_option("--resolution,--summary", o->resolution,
                  "How the impact was ended, in a few sentences (--summary: its older name; the summary is set with "
                  "irctl set --summary)")
      ->option_text("TEXT");
  cmd->add_option("--root-cause", o->root_cause, "The root cause, as far as it is known")->option_text("TEXT");
  set_examples(cmd,
               "  irctl resolve @ --resolution \"Rolled back deploy 4711; the pool drained in 3 minutes\" \\\n"
               "                  --root-cause \"Connection leak in the retry path\"\n"
               "  irctl --at 2026-11-28T17:40:00Z resolve K7Q");
  cmd->callback([o, &ctx] { run_resolve(*o, ctx); });
}

}  // namespace irctl::cli
