// irctl install-merge-driver: let plain git merge incident files as sync does.

#include "cmd/commands.hpp"
#include "core/merge.hpp"

namespace irctl::cli {
namespace {

void run_install(Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string driver = install_merge_driver(repo, self_program());
  const bool routed = repo.read_committed(".gitattributes").value_or("").find(kMergeAttributes) != std::string::npos;
  if (!routed)
    ctx.warn(std::string(".gitattributes does not route incident files to the driver yet: add the line '") +
             std::string(kMergeAttributes).substr(0, std::string(kMergeAttributes).size() - 1) +
             "' to .gitattributes and commit it");
  if (ctx.json()) {
    ctx.print_json({{"driver", driver}, {"attributes", kMergeAttributes}});
    return;
  }
  ctx.status("git now merges incident files with: " + driver);
}

}  // namespace

void register_install_merge_driver(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("install-merge-driver",
                                 "Let plain 'git merge' and 'git pull' merge incident files as irctl sync does");
  set_examples(cmd,
               "  git clone git@example.com:acme/incidents.git && cd incidents && irctl install-merge-driver\n"
               "  git pull                    # incident files now merge event by event");
  cmd->callback([&ctx] { run_install(ctx); });
}

}  // namespace irctl::cli
