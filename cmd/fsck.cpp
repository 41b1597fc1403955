// irctl fsck: checks the repository's files, changes nothing, and says how to
// fix each problem it finds.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/fsck.hpp"

namespace irctl::cli {
namespace {

std::string plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void run_fsck(Context& ctx) {
  Repository& repo = ctx.repo();
  const FsckReport report = check_repository(repo);
  const std::string checked = "checked " + plural(report.incidents_checked, "incident file");
  if (ctx.json()) {
    Json problems = Json::array();
    for (const auto& p : report.problems) problems.push_back({{"path", p.path}, {"message", p.message}, {"fix", p.fix}});
    ctx.print_json({{"ok", report.ok()}, {"incidents_checked", report.incidents_checked}, {"problems", problems}});
  } else {
    for (const auto& p : report.problems) {
      // "PATH: MESSAGE"; a parse error already starts with "PATH:LINE:COLUMN: ".
      std::string where = p.path + ":";
      std::string what = p.message;
      if (p.message.rfind(where, 0) == 0) {
        if (const auto colon = p.message.find(": ", where.size()); colon != std::string::npos) {
          where = p.message.substr(0, colon + 1);
          what = p.message.substr(colon + 2);
        }
      }
      ctx.io.out << colored(printable(where), kBold, ctx.color_out()) << " " << printable(what) << "\n"
                 << "  fix: " << printable(p.fix) << "\n";
    }
  }
  if (report.ok()) {
    ctx.status("irctl fsck: " + checked + ": no problems");
    return;
  }
  // A problem is a data error (exit 65), reported after the report itself, as
  // every command that reads all incidents does.
  throw Error(Errc::data, checked + ": " + plural(report.problems.size(), "problem"),
              "each problem says how to fix it; run 'irctl fsck' again afterwards");
}

}  // namespace

void register_fsck(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand(
      "fsck", "Check every incident file and the configuration; exit 65 with a fix for each problem");
  cmd->footer(
      "Checks, reading only (nothing is written or committed):\n"
      "  - .irctl/config.toml is valid (irctl-config(5));\n"
      "  - every file under incidents/ is incidents/YYYY/MM/ID.toml, in the folder of its ID's month;\n"
      "  - every incident file parses and validates (irctl-format(5)); errors give line and column;\n"
      "  - no incident ID is in two files;\n"
      "  - the fields at the top of each file agree with its timeline: a field edited by hand\n"
      "    and not recorded as an event is reported, with the command that records it.\n"
      "Each problem is printed as 'PATH: what is wrong' and '  fix: what to do'.\n"
      "Exit 0 when all is well, 65 when anything is wrong.\n"
      "\n"
      "Examples:\n"
      "  irctl fsck\n"
      "  irctl fsck --json | jq -r '.problems[] | \"\\(.path): \\(.message)\"'\n"
      "  irctl -C incidents -q fsck || exit 1   # in CI, before merging");
  cmd->callback([&ctx] { run_fsck(ctx); });
}

}  // namespace irctl::cli
