// irctl postmortem ID: render the postmortem from a template and commit it.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/postmortem.hpp"

namespace irctl::cli {
namespace {

struct PostmortemOptions {
  std::string id;
  std::string template_name;
  std::string output;
  std::string audience = "internal";
  bool list = false;
};

void print_templates(Context& ctx) {
  const auto templates = list_templates(ctx.repo());
  if (ctx.json()) {
    Json list = Json::array();
    for (const auto& t : templates) list.push_back({{"name", t.name}, {"source", t.source}});
    ctx.print_json({{"templates", list}});
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : templates) rows.push_back({t.name, t.source});
  ctx.io.out << format_table(rows);
}

// The template names; a file is for the shell to complete.
std::vector<Candidate> template_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  try {
    for (const auto& t : list_templates(q.ctx.repo())) out.push_back({t.name, t.source});
  } catch (const std::exception&) {
  }
  return out;
}

void run_postmortem(const PostmortemOptions& o, Context& ctx) {
  if (o.list) {
    if (!o.id.empty()) throw Error(Errc::usage, "--list-templates takes no incident", "run 'irctl postmortem --list-templates' alone");
    print_templates(ctx);
    return;
  }
  if (o.id.empty()) throw Error(Errc::usage, "postmortem needs an incident", "for example: irctl postmortem @");
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  PostmortemRequest req;
  // A template given as a file is read as the user typed it; a name is looked up.
  req.template_name = is_template_file(o.template_name) ? ctx.user_path(o.template_name) : o.template_name;
  const bool to_stdout = o.output == "-";
  req.output = to_stdout ? "" : o.output;
  req.audience = o.audience == "external" ? Audience::external : Audience::internal;
  // A preview writes nothing, so it needs no identity: the actor (--as,
  // IRCTL_ACTOR, git's user.name) is resolved only for a commit.
  const PostmortemResult r = to_stdout ? write_postmortem(repo, id, req, PostmortemMode::preview, Recorder{})
                                       : write_postmortem(repo, id, req, PostmortemMode::commit, ctx.recorder());
  if (to_stdout) {
    if (ctx.json())
      ctx.print_json({{"id", id}, {"text", r.text}});
    else
      ctx.io.out << printable_text(r.text);
    return;
  }
  const std::string path = !req.output.empty()                 ? req.output
                           : req.audience == Audience::external ? external_postmortem_path(id)
                                                                : postmortem_path(id);
  print_event_result(ctx, r.event,
                     id + ": " + r.event.event.text +
                         "\nEdit its prose sections and commit them; run this again after more events: what you "
                         "wrote there is kept.",
                     path + " is up to date; nothing changed");
}

}  // namespace

void register_postmortem(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<PostmortemOptions>();
  auto* cmd = app.add_subcommand("postmortem", "Write the postmortem from a template into postmortems/ID.md and commit it");
  completes_incident_ids(cmd->add_option("id", o->id, "Incident: its ID, any unique part of it, or @ for the current one"), ctx);
  completed_by(cmd->add_option("-t,--template", o->template_name,
                               "A template's name (see --list-templates) or a file; default: postmortem, or "
                               "postmortem-security for security incidents")
                   ->option_text("NAME|FILE"),
               template_candidates, ctx);
  cmd->add_option("-o,--output", o->output,
                  "A new file in the repository, or the incident's own postmortem; - for standard output (no commit)")
      ->option_text("FILE|-");
  one_of(cmd->add_option("--audience", o->audience,
                          "Who it is for: internal (default; postmortems/ID.md) or external (people only by role, no "
                          "internal updates or notes; postmortems/ID.external.md)")
             ->option_text("AUDIENCE"),
         audiences(), ctx);
  cmd->add_flag("--list-templates", o->list, "List the templates: built-in ones and those in .irctl/templates/");
  set_examples(cmd,
               "  irctl postmortem @                       # postmortems/ID.md, committed\n"
               "  irctl postmortem @ --output -            # preview on standard output\n"
               "  irctl postmortem K7Q --template postmortem-security\n"
               "  irctl postmortem @ --audience external --output -   # the public version\n"
               "  irctl postmortem --list-templates\n"
               "  irctl show @ --json                      # the data a template sees (and irctl-templates(5))");
  cmd->callback([o, &ctx] { run_postmortem(*o, ctx); });
}

}  // namespace irctl::cli
