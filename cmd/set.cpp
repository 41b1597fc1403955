// irctl set ID: the descriptive fields (title, summary, impact, resolution, services, channels).

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct SetOptions {
  std::string id;
  SetRequest request;
  std::vector<std::string> services;
  std::vector<std::string> channels;
};

void run_set(SetOptions o, Context& ctx, const CLI::App& cmd) {
  if (cmd.count("--service")) o.request.services = o.services;
  if (cmd.count("--channel")) o.request.channels = o.channels;
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = set_fields(repo, id, o.request, ctx.recorder());
  print_event_result(ctx, r, id + ": " + printable(r.event.text), "already so; nothing changed");
}

}  // namespace

void register_set(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SetOptions>();
  auto* cmd = app.add_subcommand(
      "set", "Change an incident's title, summary, customer impact, resolution, services or channels");
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
  set_examples(cmd,
               "  irctl set @ --impact \"About 30% of checkouts failed for 40 minutes\"\n"
               "  irctl set @ --add-channel https://meet.example.com/inc-4711 --add-channel '#inc-checkout'\n"
               "  irctl set K7Q --title \"Checkout and payments fail\" --add-service payments");
  auto* self = cmd;
  cmd->callback([o, self, &ctx] { run_set(*o, ctx, *self); });
}

}  // namespace irctl::cli
