// irctl resolve-conflicts [PATH...]: finish a 'git merge' or 'git pull' that
// stopped on incident files, with the merge driver's own merge.

#include <filesystem>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/store/conflicts.hpp"

namespace irctl::cli {
namespace {

struct ResolveConflictsOptions {
  std::vector<std::string> paths;
};

// A path as the user typed it (relative to where they are), as the
// repository names it.
std::string repository_path(const Context& ctx, const Repository& repo, const std::string& typed) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(ctx.user_path(typed), ec);
  const fs::path root = fs::weakly_canonical(repo.root(), ec);
  const std::string relative = absolute.lexically_relative(root).generic_string();
  if (relative.empty() || relative.rfind("..", 0) == 0)
    throw Error(Errc::usage, quote(typed) + " is outside the repository " + quote(repo.root().string()),
                "name the incident files in conflict ('git status' lists them)");
  return relative;
}

void run_resolve_conflicts(const ResolveConflictsOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  std::vector<std::string> paths;
  for (const auto& p : o.paths) paths.push_back(repository_path(ctx, repo, p));
  const ConflictResolution r = resolve_conflicts(repo, paths);
  if (ctx.json()) {
    Json resolved = Json::array();
    for (const auto& f : r.resolved) resolved.push_back({{"path", f.path}, {"conflicts", f.conflicts}});
    ctx.print_json({{"resolved", resolved}, {"unresolved", r.unresolved}});
    return;
  }
  if (r.resolved.empty() && r.unresolved.empty()) {
    ctx.status("No incident file is in conflict: nothing to resolve");
    return;
  }
  for (const auto& f : r.resolved) {
    ctx.status("Resolved " + printable(f.path) + " event by event, and staged it");
    for (const auto& c : f.conflicts) ctx.status("  changed on both sides, recorded by a merge event: " + printable(c));
  }
  for (const auto& p : r.unresolved)
    ctx.status("Still in conflict (not an incident file): " + printable(p) + ": resolve it by hand, then 'git add " +
               printable(p) + "'");
  ctx.status(r.unresolved.empty() ? "Finish the merge with 'git commit'"
                                  : "Then finish the merge with 'git commit'");
}

}  // namespace

void register_resolve_conflicts(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ResolveConflictsOptions>();
  auto* cmd = app.add_subcommand(
      "resolve-conflicts",
      "Resolve incident files a 'git merge' or 'git pull' left in conflict, event by event, and stage them");
  cmd->add_option("path", o->paths, "Incident files in conflict (default: every one)");
  set_examples(cmd,
               "  git pull                    # CONFLICT (content): Merge conflict in incidents/...\n"
               "  irctl resolve-conflicts     # merges them as the merge driver would, and stages them\n"
               "  git commit --no-edit        # finishes the merge");
  cmd->callback([o, &ctx] { run_resolve_conflicts(*o, ctx); });
}

}  // namespace irctl::cli
