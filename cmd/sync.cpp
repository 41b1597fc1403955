// irctl sync [REMOTE]: fetch, merge and push the incidents' branch.

#include <unistd.h>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/store/sync.hpp"

namespace irctl::cli {
namespace {

struct SyncCommandOptions {
  std::string remote;
  bool no_push = false;
};

void run_sync(const SyncCommandOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  SyncOptions options;
  if (!o.remote.empty()) options.remote = o.remote;
  options.push = !o.no_push;
  options.actor = [&] { return ctx.actor(repo); };
  // Progress overwrites one line of a terminal, and stays off pipes and logs.
  bool progress_shown = false;
  if (ctx.io.err_is_tty && !ctx.global.quiet && !ctx.json())
    options.progress = [&](const std::string& line) {
      ctx.io.err << "\r" << line << "\x1b[K" << std::flush;
      progress_shown = true;
    };
  const SyncResult r = sync_repository(repo, options);
  if (progress_shown) ctx.io.err << "\r\x1b[K" << std::flush;
  if (ctx.json()) {
    ctx.print_json({{"remote", r.remote},
                    {"branch", r.branch},
                    {"outcome", r.outcome},
                    {"pushed", r.pushed},
                    {"attempts", r.attempts},
                    {"merged_files", r.merged_files},
                    {"conflicts", r.conflicts},
                    {"tip", r.tip.empty() ? Json(nullptr) : Json(r.tip)}});
    return;
  }
  std::string what;
  if (r.outcome == "fast-forward") what = "took the remote's new commits (fast-forward)";
  else if (r.outcome == "merged") what = "merged " + std::to_string(r.merged_files.size()) + " file(s) changed on both sides";
  else what = "nothing new from " + r.remote;
  ctx.status("Synced " + r.branch + " with " + r.remote + ": " + what + (r.pushed ? "; pushed" : "") +
             (r.attempts > 1 ? " (" + std::to_string(r.attempts) + " attempts: the remote moved meanwhile)" : ""));
  for (const auto& c : r.conflicts) ctx.status("  changed on both sides, recorded by a merge event: " + printable(c));
}

}  // namespace

void register_sync(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SyncCommandOptions>();
  auto* cmd = app.add_subcommand(
      "sync", "Fetch, merge and push the incidents with a git remote (timelines from both sides are united)");
  cmd->add_option("remote", o->remote, "The remote (default: git config irctl.remote, the branch's remote, or origin)");
  cmd->add_flag("--no-push", o->no_push, "Fetch and merge only");
  set_examples(cmd,
               "  irctl sync                  # with origin: fetch, merge, push\n"
               "  irctl sync backup           # with another remote\n"
               "  irctl sync --no-push        # take what others recorded, push later\n"
               "  git remote add origin git@github.com:acme/incidents.git && irctl sync");
  cmd->callback([o, &ctx] { run_sync(*o, ctx); });
}

}  // namespace irctl::cli
