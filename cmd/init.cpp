// irctl init [DIR]: create an incident repository.

#include "cmd/commands.hpp"

namespace irctl::cli {
namespace {

struct InitOptions {
  std::string dir;
};

void run_init(const InitOptions& o, Context& ctx) {
  const std::string dir = o.dir.empty() ? ctx.start_dir() : ctx.user_path(o.dir);
  const Timestamp at = ctx.global.at ? ctx.parse_time(*ctx.global.at) : ctx.now();
  const InitResult r = init_repository(dir, [&](const Repository& repo) { return ctx.actor(repo); }, at);
  if (ctx.json()) {
    ctx.print_json({{"root", r.root},
                    {"created_git", r.created_git},
                    {"initialised", !r.already},
                    {"commit", r.commit.empty() ? Json(nullptr) : Json(r.commit)}});
    return;
  }
  if (r.already) {
    ctx.status(r.root + " is already an incident repository; nothing changed");
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
  set_examples(cmd,
               "  irctl init                 # in the current directory\n"
               "  irctl init ~/incidents     # creates the directory and the git repository");
  cmd->callback([o, &ctx] { run_init(*o, ctx); });
}

}  // namespace irctl::cli
