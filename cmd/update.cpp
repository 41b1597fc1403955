// irctl update ID TEXT: a stakeholder or customer update.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct UpdateOptions {
  std::string id;
  std::vector<std::string> text;
  std::string audience = "internal";
};

void run_update(const UpdateOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = post_update(repo, id, text_argument(o.text, ctx), o.audience, ctx.recorder());
  print_event_result(ctx, r, id + ": " + o.audience + " update recorded");
}

}  // namespace

void register_update(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<UpdateOptions>();
  auto* cmd = app.add_subcommand("update", "Record an update for stakeholders (internal) or customers (external)");
  add_id_option(cmd, o->id);
  cmd->add_option("text", o->text, "The update as it was (or will be) published; - reads stdin")->required();
  cmd->add_option("-a,--audience", o->audience, "internal (default: stakeholders) or external (customers)")
      ->option_text("AUDIENCE")
      ->check(CLI::IsMember({"internal", "external"}));
  set_examples(cmd,
               "  irctl update @ \"Checkout is failing for about a third of requests; rollback under way\"\n"
               "  irctl update @ --audience external \"We are investigating failed payments.\"\n"
               "  irctl update @ -a external - < statuspage.txt");
  cmd->callback([o, &ctx] { run_update(*o, ctx); });
}

}  // namespace irctl::cli
