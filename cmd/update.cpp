// irctl update ID TEXT: a stakeholder or customer update, typed or rendered
// from the update template.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/postmortem.hpp"
#include "core/updates.hpp"

namespace irctl::cli {
namespace {

struct UpdateOptions {
  std::string id;
  std::vector<std::string> text;
  std::string audience = "internal";
  std::string public_title;
  bool render = false;
  std::string template_name;
  bool dry_run = false;
};

void run_update(const UpdateOptions& o, Context& ctx) {
  if (!o.render && (!o.template_name.empty() || o.dry_run))
    throw Error(Errc::usage, std::string(o.dry_run ? "--dry-run" : "--template") + " only goes with --render",
                "irctl update " + o.id + " --render [TEXT] " + (o.dry_run ? "--dry-run" : "--template NAME"));
  if (!o.render && o.text.empty())
    throw Error(Errc::usage, "the update's text is missing",
                "give it (irctl update " + o.id + " \"TEXT\"), or draft it from the template: irctl update " + o.id +
                    " --render");
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const std::string message = o.text.empty() ? "" : text_argument(o.text, ctx);
  if (!o.render) {
    const EventResult r = post_update(repo, id, message, o.audience, ctx.recorder(), o.public_title);
    print_event_result(ctx, r, id + ": " + o.audience + " update recorded");
    return;
  }
  // A template given as a file is read as the user typed it (relative to -C
  // DIR, as postmortem reads it); a name is looked up in the repository.
  const std::string tmpl = is_template_file(o.template_name) ? ctx.user_path(o.template_name) : o.template_name;
  const std::string text = render_update(repo, id, tmpl, message, o.audience);
  if (o.dry_run) {
    if (ctx.json())
      ctx.print_json({{"id", id}, {"recorded", false}, {"text", text}});
    else
      ctx.io.out << printable_text(text);
    return;
  }
  const EventResult r = post_update(repo, id, text, o.audience, ctx.recorder(), o.public_title);
  if (!ctx.json()) ctx.io.out << printable_text(text);
  print_event_result(ctx, r, id + ": " + o.audience + " update recorded (above)");
}

}  // namespace

void register_update(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<UpdateOptions>();
  auto* cmd = app.add_subcommand("update", "Record an update for stakeholders (internal) or customers (external)");
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("text", o->text,
                  "The update as it was (or will be) published; with --render, words for the template's message; "
                  "- reads stdin");
  one_of(cmd->add_option("-a,--audience", o->audience, audiences().described(o->audience))->option_text("AUDIENCE"),
         audiences(), ctx);
  cmd->add_option("--title", o->public_title,
                  "With --audience external: what the public status page calls the incident from now on")
      ->option_text("TITLE");
  cmd->add_flag("-r,--render", o->render,
                "Write the update from the update template (status, impact, times, roles), print it and record it");
  cmd->add_option("-t,--template", o->template_name, "With --render: this template (a name or a file) instead of update")
      ->option_text("NAME|FILE");
  cmd->add_flag("-n,--dry-run", o->dry_run, "With --render: print the update, record nothing");
  set_examples(cmd,
               "  irctl update @ \"Checkout is failing for about a third of requests; rollback under way\"\n"
               "  irctl update @ --audience external \"We are investigating failed payments.\"\n"
               "  irctl update @ -a external --title \"Payments failing\" \"A fix is rolling out.\"\n"
               "  irctl update @ -a external - < statuspage.txt\n"
               "  irctl update @ --render \"Next update at 17:00 UTC.\" | slack-post '#incident'\n"
               "  irctl update @ --render --dry-run              # a draft, nothing recorded");
  cmd->callback([o, &ctx] { run_update(*o, ctx); });
}

}  // namespace irctl::cli
