// irctl ack ID: someone is on it; stops the escalation clock.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct AckOptions {
  std::string id;
};

void run_ack(const AckOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = acknowledge(repo, id, ctx.recorder());
  std::string unchanged;
  if (!r.recorded) {
    const auto at = load_incident(repo, id).incident().acknowledged_at;
    unchanged = "already acknowledged" + (at ? " at " + human_time(*at) : std::string()) + "; nothing changed";
  }
  print_event_result(ctx, r, id + ": " + r.event.text + " by " + printable(short_name(r.event.by)), unchanged);
}

}  // namespace

void register_ack(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<AckOptions>();
  auto* cmd = app.add_subcommand("ack", "Acknowledge an incident: someone is on it (stops the escalation clock)");
  add_id_option(cmd, o->id, ctx);
  set_examples(cmd,
               "  irctl ack @\n"
               "  irctl --as \"Sam Oncall <sam@example.com>\" ack K7Q");
  cmd->callback([o, &ctx] { run_ack(*o, ctx); });
}

}  // namespace irctl::cli
