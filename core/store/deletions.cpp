#include "core/store/deletions.hpp"

#include <cstring>
#include <map>
#include <unordered_map>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/store/git.hpp"
#include "core/store/merge.hpp"

namespace irctl {
// A namespace of its own, so that a unity build that puts this file with
// others never sees two definitions of one name.
namespace deletions {
namespace {

using ObjectPtr = git::Owner<git_object, git_object_free>;

git::CommitPtr lookup_commit(git_repository* repo, const git_oid& id) {
  git_commit* raw = nullptr;
  git::check(git_commit_lookup(&raw, repo, &id), "cannot read the commit " + git::oid_hex(id));
  return git::CommitPtr(raw);
}

struct OidHash {
  size_t operator()(const git_oid& id) const {
    size_t h;
    std::memcpy(&h, id.id, sizeof h);
    return h;
  }
};
struct OidEqual {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_equal(&a, &b); }
};

// The trees of the commit being compared and of the one before, so that a
// walk down a line of commits reads each tree once: the parent's trees are
// the next commit's. (libgit2 caches no tree larger than 4 KiB, and a month
// of incidents is larger.)
class TreeCache {
 public:
  explicit TreeCache(git_repository* repo) : repo_(repo) {}

  const git_tree* get(const git_oid& id) {
    if (const auto hit = current_.find(id); hit != current_.end()) return hit->second.get();
    git::TreePtr tree;
    if (const auto old = previous_.find(id); old != previous_.end()) {
      tree = std::move(old->second);
      previous_.erase(old);
    } else {
      git_tree* raw = nullptr;
      git::check(git_tree_lookup(&raw, repo_, &id), "cannot read the tree " + git::oid_hex(id));
      tree.reset(raw);
    }
    return current_.emplace(id, std::move(tree)).first->second.get();
  }

  /// Called after each commit: what it did not use again is dropped.
  void next_commit() {
    previous_ = std::move(current_);
    current_.clear();
  }

 private:
  git_repository* repo_;
  std::unordered_map<git_oid, git::TreePtr, OidHash, OidEqual> current_, previous_;
};

// Appends the incident files under `prefix` ("incidents/") that tree `from`
// has and tree `to` (null: none) lacks. Entries with the same id on both
// sides are skipped, folders included, so this costs what changed, not the
// size of incidents/.
void removed_files(TreeCache& trees, const git_tree* from, const git_tree* to, const std::string& prefix,
                   std::vector<std::string>& out) {
  for (size_t i = 0; i < git_tree_entrycount(from); ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(from, i);
    const git_tree_entry* other = to ? git_tree_entry_byname(to, git_tree_entry_name(e)) : nullptr;
    if (other && git_oid_equal(git_tree_entry_id(e), git_tree_entry_id(other))) continue;
    const std::string path = prefix + git_tree_entry_name(e);
    const bool other_is_tree = other && git_tree_entry_type(other) == GIT_OBJECT_TREE;
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      const git_tree* sub = trees.get(*git_tree_entry_id(e));
      removed_files(trees, sub, other_is_tree ? trees.get(*git_tree_entry_id(other)) : nullptr, path + "/", out);
    } else if ((!other || other_is_tree) && is_incident_file(path)) {
      out.push_back(path);
    }
  }
}

// The tree of incidents/ in the tree `root`; null when there is none.
const git_tree* incidents_tree(TreeCache& trees, const git_oid& root) {
  const git_tree_entry* e = git_tree_entry_byname(trees.get(root), "incidents");
  if (!e || git_tree_entry_type(e) != GIT_OBJECT_TREE) return nullptr;
  return trees.get(*git_tree_entry_id(e));
}

std::vector<std::string> removed_between(TreeCache& trees, const git_oid& from_root, const git_oid& to_root) {
  std::vector<std::string> out;
  const git_tree* from = incidents_tree(trees, from_root);
  if (from) removed_files(trees, from, incidents_tree(trees, to_root), "incidents/", out);
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
  TreeCache trees(repo);
  std::map<std::string, git_oid> found;
  git_oid id;
  int rc = 0;
  while ((rc = git_revwalk_next(&id, raw)) == 0) {
    const git::CommitPtr commit = lookup_commit(repo, id);
    if (git_commit_parentcount(commit.get()) == 0) continue;  // a first commit deletes nothing
    const git::CommitPtr parent = lookup_commit(repo, *git_commit_parent_id(commit.get(), 0));
    for (auto& path : removed_between(trees, *git_commit_tree_id(parent.get()), *git_commit_tree_id(commit.get())))
      found.emplace(std::move(path), id);  // the newest is kept
    trees.next_commit();
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
    out += (out.empty() ? "" : ", ") + quote(d.path) + " (commit " + short_commit(repo, d.commit) + ", \"" + d.subject +
           "\")";
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
  d::TreeCache trees(repo);
  const auto removed = d::removed_between(trees, *git_commit_tree_id(d::lookup_commit(repo, from).get()),
                                          *git_commit_tree_id(d::lookup_commit(repo, to).get()));
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
                "keep your copy and give it back to the remote: 'git merge --no-ff --no-commit " + tracking + "', then " +
                    restore +
                    "'git commit' and 'irctl sync' (in the branch layout, do this in a work tree of the "
                    "branch: 'git worktree add'); " +
                    d::void_instead(incoming));
  }
  const auto outgoing = d::still_in(repo, incidents_deleted_between(repo, base, ours), theirs);
  if (!outgoing.empty()) {
    std::string restore;
    for (const auto& x : outgoing)
      restore += "'git checkout " + short_commit(repo, x.commit) + "^ -- " + x.path + "', ";
    throw Error(
        Errc::conflict,
        "your branch deletes " + d::files(outgoing.size()) + d::listed(repo, outgoing) +
            ": irctl sync does not push a deletion, which would lose the record on every clone; nothing was "
            "pushed",
        "restore it with " + restore + "then commit it and run 'irctl sync' again; " + d::void_instead(outgoing));
  }
}

std::string short_commit(git_repository* repo, const git_oid& commit) {
  git_object* raw = nullptr;
  git::check(git_object_lookup(&raw, repo, &commit, GIT_OBJECT_COMMIT),
             "cannot read the commit " + git::oid_hex(commit));
  const deletions::ObjectPtr object(raw);
  git::Buf buf;
  git::check(git_object_short_id(&buf.buf, raw), "cannot abbreviate " + git::oid_hex(commit));
  return buf.str();
}

}  // namespace irctl
