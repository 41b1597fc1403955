#include "core/git.hpp"

#include "core/error.hpp"

namespace irctl::git {

void ensure_initialised() {
  // A function-local static runs the initialisation once, even with threads,
  // and shuts libgit2 down at exit.
  static const struct Library {
    Library() { git_libgit2_init(); }
    ~Library() { git_libgit2_shutdown(); }
  } library;
}

void fail(int rc, const std::string& what) {
  const git_error* e = git_error_last();
  std::string message = "git: " + what;
  if (e && e->message) message += ": " + std::string(e->message);
  switch (rc) {
    case GIT_ENOTFOUND:
      throw Error(Errc::not_found, message);
    case GIT_ELOCKED:
    case GIT_EMODIFIED:
    case GIT_ENONFASTFORWARD:
    case GIT_ECONFLICT:
      throw Error(Errc::conflict, message, "another process changed the repository at the same time; run the command again");
    default:
      throw Error(Errc::failure, message);
  }
}

std::string oid_hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

git_oid tree_with_file(git_repository* repo, const git_tree* base, const std::string& path, const git_oid& blob) {
  const auto slash = path.find('/');
  const std::string name = path.substr(0, slash);
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, repo, base), "cannot build a tree");
  TreeBuilderPtr builder(raw);
  git_oid id;
  if (slash == std::string::npos) {
    check(git_treebuilder_insert(nullptr, raw, name.c_str(), &blob, GIT_FILEMODE_BLOB), "cannot add " + path);
  } else {
    TreePtr subtree;
    if (base) {
      const git_tree_entry* entry = git_tree_entry_byname(base, name.c_str());
      if (entry && git_tree_entry_type(entry) == GIT_OBJECT_TREE) {
        git_tree* t = nullptr;
        check(git_tree_lookup(&t, repo, git_tree_entry_id(entry)), "cannot read the tree " + name);
        subtree.reset(t);
      }
    }
    const git_oid child = tree_with_file(repo, subtree.get(), path.substr(slash + 1), blob);
    check(git_treebuilder_insert(nullptr, raw, name.c_str(), &child, GIT_FILEMODE_TREE), "cannot add " + name);
  }
  check(git_treebuilder_write(&id, raw), "cannot write a tree");
  return id;
}

}  // namespace irctl::git
