// irctl version: which irctl this is, as `irctl --version` says it.

#include "cmd/commands.hpp"

namespace irctl::cli {

void register_version(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("version", "Print irctl's version");
  set_examples(cmd,
               "  irctl version\n"
               "  irctl version --json | jq -r .version");
  cmd->callback([&ctx] {
    if (ctx.json())
      ctx.print_json({{"version", irctl_version()}});
    else
      ctx.io.out << version_line() << "\n";
  });
}

}  // namespace irctl::cli
