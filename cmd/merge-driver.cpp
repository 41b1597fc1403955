// irctl merge-driver BASE OURS THEIRS PATH: the merge driver git runs for
// incident files (set up by irctl init or irctl install-merge-driver).

#include <fstream>

#include "cmd/commands.hpp"
#include "core/store/merge.hpp"
#include "core/util/file.hpp"

namespace irctl::cli {
namespace {

struct DriverOptions {
  std::string base, ours, theirs, path;
};

std::optional<std::string> slurp(const std::string& file) {
  try {
    return read_file(file);
  } catch (const ReadFailure&) {
    return std::nullopt;
  }
}

// git runs this with the three versions in temporary files; the result
// replaces "ours" (%A). A non-zero exit leaves git's conflict in place.
void run_merge_driver(const DriverOptions& o, Context& ctx) {
  const auto ours = slurp(o.ours);
  const auto theirs = slurp(o.theirs);
  if (!ours || !theirs) throw Error(Errc::usage, "cannot read the versions git gave for " + quote(o.path));
  const MergedText m = merge_incident(slurp(o.base), *ours, *theirs, o.path);
  std::ofstream out(o.ours, std::ios::binary | std::ios::trunc);
  out << m.text;
  if (!out.flush()) throw Error(Errc::failure, "cannot write the merged " + quote(o.path));
  if (ctx.json()) {
    ctx.print_json({{"path", o.path}, {"conflicts", m.conflicts}});
    return;
  }
  for (const auto& c : m.conflicts) ctx.status("irctl merge-driver: " + o.path + ": " + c);
}

}  // namespace

void register_merge_driver(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DriverOptions>();
  auto* cmd = app.add_subcommand("merge-driver", "The merge driver git runs for incident files (%O %A %B %P)");
  cmd->group("Plumbing");  // run by git rather than by people, like git's own plumbing
  cmd->add_option("base", o->base, "The common ancestor's version (%O)")->required();
  cmd->add_option("ours", o->ours, "Our version, replaced by the result (%A)")->required();
  cmd->add_option("theirs", o->theirs, "Their version (%B)")->required();
  cmd->add_option("path", o->path, "The file's path in the repository (%P)")->required();
  set_examples(cmd, "  git config merge.irctl.driver \"irctl merge-driver %O %A %B %P\"   # what install-merge-driver sets");
  cmd->callback([o, &ctx] { run_merge_driver(*o, ctx); });
}

}  // namespace irctl::cli
