#include "core/deletions.hpp"

#include <map>

#include "core/error.hpp"
#include "core/git.hpp"
#include "core/merge.hpp"

namespace irctl {
// A namespace of its own, so that a unity build that puts this file with
// others never sees two definitions of one name.
namespace deletions {
namespace {

using DiffPtr = git::Owner<git_diff, git_diff_free>;
using ObjectPtr = git::Owner<git_object, git_object_free>;

git::CommitPtr lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  git::check(git_commit_lookup(&raw, repo, &id), "cannot read the commit " + git::oid_hex(id));
  return git::CommitPtr(raw);
}

git::TreePtr tree_of(const git_commit* commit) {
  git_tree* raw = nullptr;
  git::check(git_commit_tree(&raw, commit), "cannot read the tree of " + git::oid_hex(*git_commit_id(commit)));
  return git::TreePtr(raw);
}

// The id of incidents/ in a commit's tree; nullopt when there is none.
std::optional<git_oid> incidents_id(const git_tree* root) {
  const git_tree_entry* e = git_tree_entry_byname(root, "incidents");
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return std::nullopt;
  return *git_tree_entry_id(e);
}

git::TreePtr lookup_tree(git_repository* repo, const std::optional<git_oid>& id) {
  if (!id) return nullptr;
  git_tree* raw = nullptr;
  git::check(git_tree_lookup(&raw, repo, &*id), "cannot read the tree " + git::oid_hex(*id));
  return git::TreePtr(raw);
}

// The incident files under incidents/ `from` has and `to` lacks (ids of
// incidents/ trees; nullopt: no such folder). Unchanged folders are skipped
// by their ids, so this costs what changed, not the size of incidents/.
std::vector<std::string> removed_files(git_repository* repo, const std::optional<git_oid>& from,
                                       const std::optional<git_oid>& to) {
  if (!from || (to && git_oid_equal(&*from, &*to))) return {};
  const git::TreePtr old_tree = lookup_tree(repo, from);
  const git::TreePtr new_tree = lookup_tree(repo, to);
  git_diff* raw = nullptr;
  git::check(git_diff_tree_to_tree(&raw, repo, old_tree.get(), new_tree.get(), nullptr), "cannot compare the trees");
  const DiffPtr diff(raw);
  std::vector<std::string> out;
  for (size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status != GIT_DELTA_DELETED) continue;
    std::string path = "incidents/" + std::string(d->old_file.path);
    if (is_incident_file(path)) out.push_back(std::move(path));
  }
  return out;
}

// For each incident file that a commit reachable from `tip` (and not from
// `hide`) deleted, compared with its first parent, the newest such commit.
std::map<std::string, git_oid> newest_deletions(git_repository* repo, const git_oid& tip,
                                                const std::optional<git_oid>& hide) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk the history");
  const git::RevwalkPtr walk(raw);
  git::check(git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME), "cannot walk the history");
  git::check(git_revwalk_push(raw, &tip), "cannot walk the history from " + git::oid_hex(tip));
  if (hide) git::check(git_revwalk_hide(raw, &*hide), "cannot walk the history");
  std::map<std::string, git_oid> found;
  git_oid id;
  int rc = 0;
  while ((rc = git_revwalk_next(&id, raw)) == 0) {
    const git::CommitPtr commit = lookup_commit(repo, id);
    if (git_commit_parentcount(commit.get()) == 0) continue;  // a first commit deletes nothing
    const git::CommitPtr parent = lookup_commit(repo, *git_commit_parent_id(commit.get(), 0));
    const auto before = incidents_id(tree_of(parent.get()).get());
    const auto after = incidents_id(tree_of(commit.get()).get());
    for (auto& path : removed_files(repo, before, after)) found.emplace(std::move(path), id);  // newest kept
  }
  if (rc != GIT_ITEROVER) git::fail(rc, "cannot walk the history");
  return found;
}

IncidentDeletion describe(git_repository* repo, const std::string& path, const git_oid& commit) {
  const std::string name = path.substr(path.rfind('/') + 1);
  const char* summary = git_commit_summary(lookup_commit(repo, commit).get());
  return {path, name.substr(0, name.size() - 5), commit, summary ? summary : ""};
}

// The deletions whose file `commit` still has: what a sync would lose there.
std::vector<IncidentDeletion> still_in(git_repository* repo, std::vector<IncidentDeletion> deletions,
                                       const git_oid& commit) {
  const git::TreePtr tree = git::commit_tree(repo, commit);
  std::erase_if(deletions, [&](const IncidentDeletion& d) { return !git::blob_id_at(tree.get(), d.path); });
  return deletions;
}

// "'PATH' (commit abc1234, "subject")", for each, joined.
std::string listed(git_repository* repo, const std::vector<IncidentDeletion>& deletions) {
  std::string out;
  for (const auto& d : deletions)
    out += (out.empty() ? "" : ", ") + quote(d.path) + " (commit " + short_commit(repo, d.commit) + ", \"" +
           d.subject + "\")";
  return out;
}

std::string files(size_t n) { return n == 1 ? "the incident file " : std::to_string(n) + " incident files: "; }

std::string void_instead(const std::vector<IncidentDeletion>& deletions) {
  return "to withdraw an incident, record 'irctl void " + deletions.front().id + " --reason TEXT' instead";
}

}  // namespace
}  // namespace deletions

std::vector<IncidentDeletion> incidents_deleted_between(git_repository* repo, const git_oid& from, const git_oid& to) {
  namespace d = deletions;
  const auto removed = d::removed_files(repo, d::incidents_id(d::tree_of(d::lookup_commit(repo, from).get()).get()),
                                        d::incidents_id(d::tree_of(d::lookup_commit(repo, to).get()).get()));
  if (removed.empty()) return {};
  const auto newest = d::newest_deletions(repo, to, from);
  std::vector<IncidentDeletion> out;
  for (const auto& path : removed) {
    // Not found between them only when `from` is no ancestor of `to`: then
    // `to` is where it is missing.
    const auto it = newest.find(path);
    out.push_back(d::describe(repo, path, it == newest.end() ? to : it->second));
  }
  return out;
}

std::vector<IncidentDeletion> incidents_deleted_in_history(git_repository* repo, const std::optional<git_oid>& tip) {
  if (!tip) return {};
  const git::TreePtr now = git::commit_tree(repo, *tip);
  std::vector<IncidentDeletion> out;
  for (const auto& [path, commit] : deletions::newest_deletions(repo, *tip, std::nullopt))
    if (!git::blob_id_at(now.get(), path)) out.push_back(deletions::describe(repo, path, commit));
  return out;
}

void refuse_deletions_in_sync(git_repository* repo, const git_oid& ours, const git_oid& theirs,
                              const std::string& tracking) {
  namespace d = deletions;
  git_oid base;
  const int rc = git_merge_base(&base, repo, &ours, &theirs);
  if (rc == GIT_ENOTFOUND) return;
  git::check(rc, "cannot find the common ancestor");
  const auto incoming = d::still_in(repo, incidents_deleted_between(repo, base, theirs), ours);
  if (!incoming.empty()) {
    std::string restore;
    for (const auto& x : incoming) restore += "'git checkout HEAD -- " + x.path + "', ";
    throw Error(Errc::conflict,
                tracking + " deleted " + d::files(incoming.size()) + d::listed(repo, incoming) +
                    ": irctl sync does not take a deletion, which would lose the record here too; nothing was changed",
                "keep your copy and give it back to the remote: 'git merge --no-commit " + tracking + "', then " +
                    restore + "'git commit' and 'irctl sync' (in the branch layout, do this in a work tree of the "
                    "branch: 'git worktree add'); " + d::void_instead(incoming));
  }
  const auto outgoing = d::still_in(repo, incidents_deleted_between(repo, base, ours), theirs);
  if (!outgoing.empty()) {
    std::string restore;
    for (const auto& x : outgoing)
      restore += "'git checkout " + short_commit(repo, x.commit) + "^ -- " + x.path + "', ";
    throw Error(Errc::conflict,
                "your branch deletes " + d::files(outgoing.size()) + d::listed(repo, outgoing) +
                    ": irctl sync does not push a deletion, which would lose the record on every clone; nothing was "
                    "pushed",
                "restore it with " + restore + "then commit it and run 'irctl sync' again; " + d::void_instead(outgoing));
  }
}

std::string short_commit(git_repository* repo, const git_oid& commit) {
  git_object* raw = nullptr;
  git::check(git_object_lookup(&raw, repo, &commit, GIT_OBJECT_COMMIT), "cannot read the commit " + git::oid_hex(commit));
  const deletions::ObjectPtr object(raw);
  git::Buf buf;
  git::check(git_object_short_id(&buf.buf, raw), "cannot abbreviate " + git::oid_hex(commit));
  return buf.str();
}

}  // namespace irctl
