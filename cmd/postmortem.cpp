// irctl postmortem ID: render the postmortem from a template and commit it.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/markdown.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/postmortem.hpp"

namespace irctl::cli {
namespace {

struct PostmortemOptions {
  std::string id;
  std::string template_name;
  std::string output;
  std::string format = "markdown";
  std::string audience = "internal";
  bool list = false;
  bool ours = false;
  bool theirs = false;
};

// The HTML page is a view of the Markdown document, which stays the one
// that people edit and irctl keeps up to date: it is printed, never
// committed, so that no copy in the repository can fall behind the document.
void print_html_page(const PostmortemOptions& o, Context& ctx, const std::string& id, const PostmortemRequest& req) {
  if (!o.output.empty() && o.output != "-")
    throw Error(Errc::usage, "--format html prints the page on standard output and writes no file",
                "irctl postmortem " + o.id + " --format html > " + id + ".html");
  const PostmortemResult r = write_postmortem(ctx.repo(), id, req, PostmortemMode::preview, Recorder{});
  // A page with git's conflict markers in it is no page to share: the
  // conflict is told as the write would tell it, and nothing is printed.
  if (!r.conflicts.empty() && req.favor == MergeFavor::none) throw postmortem_conflicts_error(id, r.path, r.conflicts);
  const std::string page = markdown_to_html_page(r.text, "Postmortem " + id);
  if (ctx.json())
    ctx.print_json({{"id", id}, {"text", page}});
  else
    ctx.io.out << printable_text(page);
}

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
  req.audience = o.audience == "external" ? Audience::external : Audience::internal;
  req.favor = o.theirs ? MergeFavor::theirs : o.ours ? MergeFavor::ours : MergeFavor::none;
  if (o.format == "html") {
    print_html_page(o, ctx, id, req);
    return;
  }
  const bool to_stdout = o.output == "-";
  req.output = to_stdout ? "" : o.output;
  // A preview writes nothing, so it needs no identity: the actor (--as,
  // IRCTL_ACTOR, git's user.name) is resolved only for a commit.
  const PostmortemResult r = to_stdout ? write_postmortem(repo, id, req, PostmortemMode::preview, Recorder{})
                                       : write_postmortem(repo, id, req, PostmortemMode::commit, ctx.recorder());
  const std::string& path = r.path;
  if (to_stdout) {
    // A preview shows conflicts as git marks them, then fails as the write would.
    if (ctx.json())
      ctx.print_json({{"id", id}, {"text", r.text}});
    else
      ctx.io.out << printable_text(r.text);
    if (!r.conflicts.empty() && req.favor == MergeFavor::none) throw postmortem_conflicts_error(id, path, r.conflicts);
    return;
  }
  if (!r.conflicts.empty())
    ctx.status(std::string(req.favor == MergeFavor::theirs ? "took the new rendering" : "kept the committed text") +
               " where both changed the same lines: " + conflict_places(r.conflicts));
  print_event_result(ctx, r.event,
                     id + ": " + r.event.event.text +
                         "\nEdit it anywhere and commit it; run this again after more events: your edits are merged "
                         "with what changed.",
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
  auto* theirs = cmd->add_flag("--theirs", o->theirs,
                               "Where an edit of the document and the new rendering change the same lines, take "
                               "the new rendering");
  cmd->add_flag("--ours", o->ours,
                "Where an edit of the document and the new rendering change the same lines, keep the committed text")
      ->excludes(theirs);
  one_of(cmd->add_option("--format", o->format,
                         "markdown (default), or html: the document as a standalone HTML page on standard "
                         "output, nothing written")
             ->option_text("FORMAT"),
         postmortem_formats(), ctx);
  one_of(cmd->add_option("--audience", o->audience,
                          "Who it is for: internal (default; postmortems/ID.md) or external (people only by role, no "
                          "internal updates or notes; postmortems/ID.external.md)")
             ->option_text("AUDIENCE"),
         audiences(), ctx);
  cmd->add_flag("--list-templates", o->list, "List the templates: built-in ones and those in .irctl/templates/");
  set_examples(cmd,
               "  irctl postmortem @                       # postmortems/ID.md, committed\n"
               "  irctl postmortem @ --output -            # preview on standard output\n"
               "  irctl postmortem @ --theirs              # conflicts: take the new rendering there\n"
               "  irctl postmortem @ --format html > pm.html   # a page to share or print\n"
               "  irctl postmortem K7Q --template postmortem-security\n"
               "  irctl postmortem @ --audience external --output -   # the public version\n"
               "  irctl postmortem --list-templates\n"
               "  irctl show @ --json                      # the data a template sees (and irctl-templates(5))");
  cmd->callback([o, &ctx] { run_postmortem(*o, ctx); });
}

}  // namespace irctl::cli
