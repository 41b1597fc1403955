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

}  // namespace irctl::git
