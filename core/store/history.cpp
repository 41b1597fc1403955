// The commits that changed a file, newest first: an incident's history.

#include "core/store/repository.hpp"
#include "core/store/repository_internal.hpp"

namespace irctl {

namespace {

Timestamp to_timestamp(git_time_t t) { return Timestamp{Seconds{t}}; }

}  // namespace

std::vector<CommitInfo> Repository::history(const std::string& path) const {
  std::vector<CommitInfo> out;
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo_.get()), "cannot walk the history");
  git::RevwalkPtr walk(raw);
  git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  const auto start = tip();
  if (!start) return out;
  git::check(git_revwalk_push(raw, &*start), "cannot walk the history");

  // The blob at `path` in a commit's tree; a null id when it is absent.
  const auto blob_at = [&](const git_commit* commit) {
    git_oid id{};
    git_tree* tree = nullptr;
    if (git_commit_tree(&tree, commit) < 0) return id;
    git::TreePtr tree_owner(tree);
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree, path.c_str()) == 0) {
      git_oid_cpy(&id, git_tree_entry_id(entry));
      git_tree_entry_free(entry);
    }
    return id;
  };

  git_oid id;
  while (git_revwalk_next(&id, raw) == 0) {
    git_commit* c = nullptr;
    git::check(git_commit_lookup(&c, repo_.get(), &id), "cannot read a commit");
    git::CommitPtr commit(c);
    const git_oid mine = blob_at(c);
    bool changed = true;
    const unsigned parents = git_commit_parentcount(c);
    if (parents == 0) {
      changed = !git_oid_is_zero(&mine);
    } else {
      for (unsigned i = 0; i < parents && changed; ++i) {
        git_commit* p = nullptr;
        git::check(git_commit_parent(&p, c, i), "cannot read a parent commit");
        git::CommitPtr parent(p);
        const git_oid theirs = blob_at(p);
        if (git_oid_equal(&mine, &theirs)) changed = false;
      }
    }
    if (!changed) continue;
    const git_signature* a = git_commit_author(c);
    const std::string message = git_commit_message(c);
    out.push_back(CommitInfo{git::oid_hex(id), a->name, a->email, to_timestamp(a->when.time),
                             to_timestamp(git_commit_time(c)), subject_of(message), message});
  }
  return out;
}

}  // namespace irctl
