// irctl edit ID: change an incident file in $EDITOR, validated and committed.

#include <sys/wait.h>

#include <cstdlib>

#include "cmd/commands.hpp"
#include "core/util/process.hpp"

namespace irctl::cli {
namespace {

struct EditOptions {
  std::string id;
  bool discard = false;
};

// $VISUAL, else $EDITOR, else vi, run as git runs it: through the shell, so
// that EDITOR="code --wait" works, with the file as "$1", so that its name
// needs no quoting. Ctrl-C belongs to the editor while it runs.
int run_editor(const std::string& file) {
  const char* visual = std::getenv("VISUAL");
  const char* editor = std::getenv("EDITOR");
  const std::string program = visual && *visual ? visual : editor && *editor ? editor : "vi";
  ProcessOptions run;
  run.argv = {"/bin/sh", "-c", program + " \"$@\"", program, file};
  run.interrupts = Interrupts::child_only;
  return run_process(run).status;
}

void run_edit(const EditOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const Recorder rec = ctx.recorder();
  const EditDraft draft = start_edit(repo, id, o.discard ? EarlierDraft::discard : EarlierDraft::resume);
  if (draft.resumed) ctx.status("Resuming your earlier edit of " + id + " (drop it with 'irctl edit --discard " + id + "')");
  const int status = run_editor(draft.path);
  const int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  if (status != 0)
    throw Error(Errc::failure, "the editor exited with status " + std::to_string(rc) + "; nothing was committed",
                "your edit is kept in " + draft.path + ": run 'irctl edit " + id + "' to go on");
  const EventResult r = finish_edit(repo, id, rec);
  print_event_result(ctx, r, "Committed your edit of " + id + (r.event.set.empty() && r.event.unset.empty()
                                                                  ? ""
                                                                  : " (" + r.event.text + ")"),
                     "No changes to " + id);
}

}  // namespace

void register_edit(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<EditOptions>();
  auto* cmd = app.add_subcommand("edit", "Edit an incident's file in $EDITOR; it is validated, then committed");
  add_id_option(cmd, o->id, ctx);
  cmd->add_flag("--discard", o->discard, "Drop an earlier edit that was not committed, and start again");
  set_examples(cmd,
               "  irctl edit @                    # fix a typo in the title or a note\n"
               "  EDITOR=nano irctl edit K7Q\n"
               "  irctl edit --discard K7Q        # start again from the committed file");
  cmd->callback([o, &ctx] { run_edit(*o, ctx); });
}

}  // namespace irctl::cli
