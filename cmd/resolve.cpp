// irctl resolve ID: the impact is over.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct ResolveOptions {
  std::string id;
  std::optional<std::string> summary;
  std::optional<std::string> root_cause;
};

void run_resolve(const ResolveOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = resolve_incident(repo, id, o.summary, o.root_cause, ctx.recorder());
  print_event_result(ctx, r,
                     id + ": resolved at " + human_time(r.event.at) + "\nWhen the postmortem is written: irctl close " + id);
}

}  // namespace

void register_resolve(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ResolveOptions>();
  auto* cmd = app.add_subcommand("resolve", "Resolve an incident: the impact is over");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("--summary", o->summary, "What happened, in a few sentences (replaces the summary)")
      ->option_text("TEXT");
  cmd->add_option("--root-cause", o->root_cause, "The root cause, as far as it is known")->option_text("TEXT");
  set_examples(cmd,
               "  irctl resolve @ --summary \"Deploy 4711 exhausted the DB pool; rolled back\" \\\n"
               "                  --root-cause \"Connection leak in the retry path\"\n"
               "  irctl --at 2026-11-28T17:40:00Z resolve K7Q");
  cmd->callback([o, &ctx] { run_resolve(*o, ctx); });
}

}  // namespace irctl::cli
