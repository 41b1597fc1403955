#include "core/store/git.hpp"

#include "core/error.hpp"
#include "core/util/file.hpp"

#include <sys/stat.h>
#include <openssl/sha.h>

#include <atomic>
#include <cstring>

// libgit2's own, which the link's --wrap renames (see start_network_transports).
extern "C" int __real_git_mbedtls_stream_global_init();
extern "C" int __real_git_transport_ssh_global_init();

namespace irctl::git {

namespace {

// git_libgit2_init() starts libgit2's network transports too, for what only
// a sync that talks to a remote needs: TLS (libgit2 1.5 on mbedTLS, Debian
// 12's, parses the whole system CA bundle, about 55 million instructions and
// 4-5 ms, and seeds a random generator with HAVEGE's timing loops) and SSH
// (libssh2 has OpenSSL load its engines), together more than a `show` costs
// besides. libgit2 is linked in statically, and the link wraps the two
// functions that start them (--wrap in CMakeLists.txt): the calls of
// git_libgit2_init() come to the __wrap_ functions below, which do nothing,
// and start_network_transports() runs libgit2's own, the __real_ ones.
std::atomic<bool> transports_started{false};

}  // namespace

void ensure_initialised() {
  // A function-local static runs the initialisation once, even with threads,
  // and shuts libgit2 down at exit.
  static const struct Library {
    Library() { git_libgit2_init(); }
    ~Library() { git_libgit2_shutdown(); }
  } library;
}

void start_network_transports() {
  ensure_initialised();
  static const int rc = [] {
    const int tls = __real_git_mbedtls_stream_global_init();
    return tls < 0 ? tls : __real_git_transport_ssh_global_init();
  }();
  check(rc, "cannot start libgit2's network transports");
  transports_started = true;
}

bool network_transports_started() { return transports_started; }

void fail(int rc, const std::string& what) {
  const git_error* e = git_error_last();
  std::string message = "git: " + what;
  if (e && e->message) message += ": " + std::string(e->message);
  switch (rc) {
    case GIT_ENOTFOUND:
      throw Error(Errc::not_found, message);
    case GIT_ELOCKED:
    case GIT_EMODIFIED:
      throw Error(Errc::busy, message, "another process is changing the repository; run the command again in a moment");
    case GIT_ENONFASTFORWARD:
    case GIT_ECONFLICT:
      throw Error(Errc::conflict, message, "another process changed the repository at the same time; run the command again");
    default:
      throw Error(Errc::failure, message);
  }
}

std::string sha1(std::initializer_list<std::string_view> pieces) {
  // SHA-1's own functions rather than EVP's: a process's first EVP digest
  // sets OpenSSL's providers up (the name map of every algorithm, the
  // configuration file), about 5 million instructions, a tenth of a write,
  // for a digest of a few bytes. These are what EVP's default provider
  // calls for SHA-1 (the same assembly, SHA-NI included); OpenSSL 3
  // deprecates them but keeps them.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  SHA_CTX ctx;
  bool ok = SHA1_Init(&ctx) == 1;
  for (const auto piece : pieces) ok = ok && SHA1_Update(&ctx, piece.data(), piece.size()) == 1;
  unsigned char digest[SHA_DIGEST_LENGTH];
  ok = ok && SHA1_Final(digest, &ctx) == 1;
#pragma GCC diagnostic pop
  if (!ok) throw Error(Errc::failure, "libcrypto could not compute a SHA-1");
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

git_oid blob_hash(const std::string& content) {
  // libcrypto's SHA-1 rather than git_odb_hash, whose collision-detecting
  // SHA-1 is eight times slower: a checked-out 'irctl list' hashes every
  // file whose stat data git's index does not vouch for (10,000 of them
  // after a copy of the repository), and the id only keys irctl's own cache.
  const std::string header = "blob " + std::to_string(content.size());
  const std::string digest = sha1({std::string_view(header.c_str(), header.size() + 1), content});  // with its NUL
  git_oid id;
  std::memcpy(id.id, digest.data(), GIT_OID_RAWSZ);
  return id;
}

void store_loose_object(git_repository* repo, const git_oid& id, const std::vector<std::string_view>& zlib_stream) {
  git_odb* raw = nullptr;
  check(git_repository_odb(&raw, repo), "cannot open the object database");
  const Owner<git_odb, git_odb_free> odb(raw);
  if (git_odb_exists(odb.get(), &id)) return;
  const std::string hex = oid_hex(id);
  // objects/ab/cdef...: read-only, as git and libgit2 leave their objects.
  const std::filesystem::path file =
      std::filesystem::path(git_repository_commondir(repo)) / "objects" / hex.substr(0, 2) / hex.substr(2);
  write_file_atomically(file, zlib_stream, 0444);
}

std::string oid_hex(const git_oid& oid) {
  char hex[GIT_OID_HEXSZ + 1];
  git_oid_tostr(hex, sizeof hex, &oid);
  return hex;
}

std::optional<git_oid> tree_with_file(git_repository* repo, const git_tree* base, const std::string& path,
                                      const git_oid* blob, std::optional<git_filemode_t> blob_mode) {
  const auto slash = path.find('/');
  const std::string name = path.substr(0, slash);
  git_treebuilder* raw = nullptr;
  check(git_treebuilder_new(&raw, repo, base), "cannot build a tree");
  TreeBuilderPtr builder(raw);
  std::optional<git_oid> entry_id;
  git_filemode_t mode = blob_mode.value_or(GIT_FILEMODE_BLOB);
  if (slash == std::string::npos) {
    if (blob) entry_id = *blob;
    // Keep the executable bit of a file that had it (a hook).
    if (const git_tree_entry* old = base ? git_tree_entry_byname(base, name.c_str()) : nullptr;
        !blob_mode && old && git_tree_entry_filemode(old) == GIT_FILEMODE_BLOB_EXECUTABLE)
      mode = GIT_FILEMODE_BLOB_EXECUTABLE;
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
    entry_id = tree_with_file(repo, subtree.get(), path.substr(slash + 1), blob, blob_mode);
    mode = GIT_FILEMODE_TREE;
  }
  if (entry_id) {
    check(git_treebuilder_insert(nullptr, raw, name.c_str(), &*entry_id, mode), "cannot add " + path);
  } else if (git_treebuilder_get(raw, name.c_str())) {
    check(git_treebuilder_remove(raw, name.c_str()), "cannot remove " + path);
  }
  if (git_treebuilder_entrycount(raw) == 0) return std::nullopt;
  git_oid id;
  check(git_treebuilder_write(&id, raw), "cannot write a tree");
  return id;
}

std::optional<git_oid> blob_id_at(const git_tree* tree, const std::string& path) {
  if (!tree) return std::nullopt;
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree, path.c_str()) != 0) return std::nullopt;
  TreeEntryPtr entry(raw);
  if (git_tree_entry_type(raw) != GIT_OBJECT_BLOB) return std::nullopt;
  return *git_tree_entry_id(raw);
}

std::optional<BlobEntry> blob_entry_at(const git_tree* tree, const std::string& path) {
  if (!tree) return std::nullopt;
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree, path.c_str()) != 0) return std::nullopt;
  TreeEntryPtr entry(raw);
  if (git_tree_entry_type(raw) != GIT_OBJECT_BLOB) return std::nullopt;
  return BlobEntry{*git_tree_entry_id(raw), git_tree_entry_filemode(raw)};
}

std::optional<BlobEntry> work_tree_entry(const std::filesystem::path& file) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) return std::nullopt;
  BlobEntry out;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(file, ec).string();
    if (ec) return std::nullopt;
    out.id = blob_hash(target);
    out.mode = GIT_FILEMODE_LINK;
    return out;
  }
  if (!S_ISREG(st.st_mode)) return std::nullopt;
  // blob_hash's SHA-1 rather than git_odb_hashfile's collision-detecting one
  // (eight times slower): every write hashes the file it is about to replace.
  try {
    out.id = blob_hash(read_file(file));
  } catch (const ReadFailure&) {
    return std::nullopt;
  }
  out.mode = (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB;
  return out;
}

std::string blob_content(git_repository* repo, const git_oid& id, const std::string& what) {
  git_blob* raw = nullptr;
  check(git_blob_lookup(&raw, repo, &id), "cannot read " + what);
  const Owner<git_blob, git_blob_free> blob(raw);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(raw));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(raw)));
}

TreePtr commit_tree(git_repository* repo, const git_oid& commit) {
  git_commit* c = nullptr;
  check(git_commit_lookup(&c, repo, &commit), "cannot read the commit " + oid_hex(commit));
  CommitPtr owner(c);
  git_tree* t = nullptr;
  check(git_commit_tree(&t, c), "cannot read the tree of " + oid_hex(commit));
  return TreePtr(t);
}

}  // namespace irctl::git

// See start_network_transports().
extern "C" int __wrap_git_mbedtls_stream_global_init() { return 0; }
extern "C" int __wrap_git_transport_ssh_global_init() { return 0; }
