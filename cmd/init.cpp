// irctl init [DIR]: create an incident repository.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct InitOptions {
  std::string dir;
  std::optional<std::string> branch;
};

void run_init(const InitOptions& o, Context& ctx) {
  const std::string dir = o.dir.empty() ? ctx.start_dir() : ctx.user_path(o.dir);
  const Timestamp at = ctx.global.at ? ctx.parse_time(*ctx.global.at) : ctx.now();
  const InitResult r =
      init_repository(InitRequest{dir, o.branch, self_program()}, [&](const Repository& repo) { return ctx.actor(repo); }, at);
  if (ctx.json()) {
    ctx.print_json({{"root", r.root},
                    {"branch", r.branch.empty() ? Json(nullptr) : Json(r.branch)},
                    {"created_git", r.created_git},
                    {"initialised", !r.already},
                    {"commit", r.commit.empty() ? Json(nullptr) : Json(r.commit)}});
    return;
  }
  if (r.already) {
    ctx.status(r.root + " is already an incident repository" + (r.branch.empty() ? "" : " on branch " + r.branch) +
               "; nothing changed");
    return;
  }
  if (!r.branch.empty()) {
    ctx.status("Initialised incident repository on branch " + r.branch + " of " + r.root +
               " (never checked out: your work tree, index and branch are untouched)\n"
               "Share it with 'irctl sync'; change its config in a work tree of the branch ('git worktree add'),\n"
               "then declare an incident: irctl declare \"Checkout API returns 503\" --severity SEV2");
    return;
  }
  ctx.status(std::string(r.created_git ? "Created git repository and initialised" : "Initialised") +
             " incident repository in " + r.root + "\n" +
             "Edit .irctl/config.toml for your severities, roles, services and escalation policies,\n"
             "then declare an incident: irctl declare \"Checkout API returns 503\" --severity SEV2");
}

}  // namespace

void register_init(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<InitOptions>();
  auto* cmd = app.add_subcommand("init", "Create an incident repository (git init if needed)");
  cmd->add_option("dir", o->dir, "Where to create it (default: the current directory)");
  cmd->add_option("--branch", o->branch,
                  "Keep the incidents on this branch of the git repository holding DIR (a code repository), never "
                  "checked out: its work tree, index and current branch are not touched");
  set_examples(cmd,
               "  irctl init                      # in the current directory\n"
               "  irctl init ~/incidents          # creates the directory and the git repository\n"
               "  irctl init --branch incidents   # inside a code repository, on a branch of their own");
  cmd->callback([o, &ctx] { run_init(*o, ctx); });
}

}  // namespace irctl::cli
