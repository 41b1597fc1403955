// irctl note ID TEXT: a free-form timeline entry.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct NoteOptions {
  std::string id;
  std::vector<std::string> text;
};

void run_note(const NoteOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = add_note(repo, id, text_argument(o.text, ctx), ctx.recorder());
  print_event_result(ctx, r, "Noted on " + r.incident_id + " at " + human_time(r.event.at));
}

}  // namespace

void register_note(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<NoteOptions>();
  auto* cmd = app.add_subcommand("note", "Add a free-form entry to an incident's timeline");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("text", o->text, "What happened (several words are joined; - reads stdin)")->required();
  set_examples(cmd,
               "  irctl note @ \"Rolled back deploy 4711; error rate falling\"\n"
               "  irctl note K7Q Paged the database team\n"
               "  irctl --at -20m note @ \"First customer report via support\"\n"
               "  kubectl get pods | irctl note @ -");
  cmd->callback([o, &ctx] { run_note(*o, ctx); });
}

}  // namespace irctl::cli
