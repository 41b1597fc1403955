// irctl set ID: the descriptive fields (title, summary, impact, resolution,
// services, channels) and the moments the durations are measured from or to.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct SetOptions {
  std::string id;
  SetRequest request;
  std::vector<std::string> services;
  std::vector<std::string> channels;
  std::optional<std::string> started_at;
  std::optional<std::string> detected_at;
  std::optional<std::string> impact_ended;
};

void run_set(SetOptions o, Context& ctx, const CLI::App& cmd) {
  if (cmd.count("--service")) o.request.services = o.services;
  if (cmd.count("--channel")) o.request.channels = o.channels;
  if (o.started_at) o.request.started_at = ctx.parse_time(*o.started_at);
  if (o.detected_at) o.request.detected_at = ctx.parse_time(*o.detected_at);
  if (o.impact_ended) o.request.impact_ended_at = ctx.parse_time(*o.impact_ended);
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = set_fields(repo, id, o.request, ctx.recorder());
  print_event_result(ctx, r, id + ": " + printable(r.event.text), "already so; nothing changed");
}

}  // namespace

void register_set(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SetOptions>();
  auto* cmd = app.add_subcommand(
      "set", "Change an incident's title, summary, customer impact, resolution, services, channels or times of impact and detection");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("--title", o->request.title, "A new title")->option_text("TEXT");
  cmd->add_option("--summary", o->request.summary, "What is going on, in a few sentences")->option_text("TEXT");
  cmd->add_option("--impact", o->request.impact, "The impact on customers")->option_text("TEXT");
  cmd->add_option("--resolution", o->request.resolution, "How the impact was ended (as irctl resolve --resolution)")
      ->option_text("TEXT");
  const auto many = [](CLI::Option* opt) {
    return repeatable(opt);
  };
  completed_by(many(cmd->add_option("--service", o->services,
                                    "Replace the affected services (repeat, or separate with commas)")
                        ->option_text("NAME"))
                   ->delimiter(','),
               service_candidates, ctx);
  completed_by(many(cmd->add_option("--add-service", o->request.add_services, "Add an affected service (commas: several)")
                        ->option_text("NAME"))
                   ->delimiter(','),
               service_candidates, ctx);
  many(cmd->add_option("--channel", o->channels, "Replace the comms channels (repeatable)")->option_text("CHANNEL"));
  many(cmd->add_option("--add-channel", o->request.add_channels,
                       "Add a comms channel: chat room, bridge link, status page link")
           ->option_text("CHANNEL"));
  cmd->add_option("--started-at", o->started_at, "Correct when the impact began")->option_text("TIME");
  cmd->add_option("--detected-at", o->detected_at, "Correct when it was detected")->option_text("TIME");
  cmd->add_option("--impact-ended", o->impact_ended,
                  "When the impact ended (the impact is measured to it, not to the first recovery)")
      ->option_text("TIME");
  set_examples(cmd,
               "  irctl set @ --impact \"About 30% of checkouts failed for 40 minutes\"\n"
               "  irctl set @ --impact-ended 2018-10-22T23:03:00Z\n"
               "  irctl set @ --add-channel https://meet.example.com/inc-4711 --add-channel '#inc-checkout'\n"
               "  irctl set K7Q --title \"Checkout and payments fail\" --add-service payments");
  auto* self = cmd;
  cmd->callback([o, self, &ctx] { run_set(*o, ctx, *self); });
}

}  // namespace irctl::cli
