// irctl install-merge-driver: let plain git merge incident files as sync does.

#include "cmd/commands.hpp"
#include "core/store/merge.hpp"

namespace irctl::cli {
namespace {

struct InstallOptions {
  bool global = false;
};

std::string attributes_line() {
  const std::string line = kMergeAttributes;
  return line.substr(0, line.size() - 1);
}

void run_install(const InstallOptions& o, Context& ctx) {
  std::string driver, where;
  if (o.global) {
    driver = install_merge_driver_globally(self_program(), where);
  } else {
    ctx.configure_merge_driver = false;  // done below, and said once
    Repository& repo = ctx.repo();
    driver = install_merge_driver(repo, self_program());
    where = ".git/config";
    if (!routes_incidents_to_driver(repo))
      ctx.warn(".gitattributes does not route incident files to the driver yet: add the line '" + attributes_line() +
               "' to .gitattributes and commit it");
  }
  if (ctx.json()) {
    ctx.print_json({{"driver", driver}, {"attributes", kMergeAttributes}, {"scope", o.global ? "global" : "local"}});
    return;
  }
  ctx.status("git now merges incident files with: " + driver + " (set in " + where + ")");
}

}  // namespace

void register_install_merge_driver(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<InstallOptions>();
  auto* cmd = app.add_subcommand("install-merge-driver",
                                 "Let plain 'git merge' and 'git pull' merge incident files as irctl sync does");
  cmd->add_flag("--global", o->global,
                "Set it in your global git configuration (~/.gitconfig), for every clone, instead of this clone's");
  set_examples(cmd,
               "  git clone git@example.com:acme/incidents.git && cd incidents && irctl install-merge-driver\n"
               "  git pull                    # incident files now merge event by event\n"
               "  irctl install-merge-driver --global   # once, for every clone you make");
  cmd->callback([o, &ctx] { run_install(*o, ctx); });
}

}  // namespace irctl::cli
