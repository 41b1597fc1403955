#include "core/store/git.hpp"

#include "core/error.hpp"
#include "core/util/file.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <openssl/evp.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace irctl::git {

namespace {

// libgit2 1.5 built with mbedTLS (Debian 12's) parses the whole system CA
// bundle in git_libgit2_init(): about 55 million instructions and 4-5 ms,
// two thirds of what a `show` costs, for certificates that only a sync over
// https needs. So while libgit2 initialises, the mbedTLS function it calls
// for that (defined below: the executable's symbols come first in the
// dynamic linker's search) only notes the bundle's path, and
// load_tls_certificates() has libgit2 read it before sync connects. Where
// libgit2 uses another TLS library, or mbedTLS linked in statically, nothing
// calls it and libgit2 loads its certificates as it always did.
std::atomic<bool> deferring_ca_bundle{false};
std::mutex ca_bundle_mutex;
TlsCertificates ca_bundle;  // guarded by ca_bundle_mutex

using ParseFile = int (*)(void* chain, const char* path);

ParseFile mbedtls_parse_file() {
  static const auto real = reinterpret_cast<ParseFile>(dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
  return real;
}

}  // namespace

void ensure_initialised() {
  // A function-local static runs the initialisation once, even with threads,
  // and shuts libgit2 down at exit.
  static const struct Library {
    Library() {
      deferring_ca_bundle = true;
      git_libgit2_init();
      deferring_ca_bundle = false;
    }
    ~Library() { git_libgit2_shutdown(); }
  } library;
}

void load_tls_certificates() {
  ensure_initialised();
  std::string bundle;
  {
    const std::lock_guard lock(ca_bundle_mutex);
    if (ca_bundle.state != TlsCertificates::deferred) return;
    bundle = ca_bundle.bundle;
  }
  // As libgit2's own initialisation does, a bundle that cannot be read is no
  // error here: an https remote then fails its certificate check, naming it.
  const int rc = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle.c_str(), nullptr);
  const std::lock_guard lock(ca_bundle_mutex);
  ca_bundle.state = rc == 0 ? TlsCertificates::loaded : TlsCertificates::failed;
}

TlsCertificates tls_certificates() {
  const std::lock_guard lock(ca_bundle_mutex);
  return ca_bundle;
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
      throw Error(Errc::busy, message, "another process is changing the repository; run the command again in a moment");
    case GIT_ENONFASTFORWARD:
    case GIT_ECONFLICT:
      throw Error(Errc::conflict, message, "another process changed the repository at the same time; run the command again");
    default:
      throw Error(Errc::failure, message);
  }
}

std::string sha1(std::initializer_list<std::string_view> pieces) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), EVP_sha1(), nullptr) == 1;
  for (const auto piece : pieces) ok = ok && EVP_DigestUpdate(ctx.get(), piece.data(), piece.size()) == 1;
  if (!ok || EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1 || size != GIT_OID_RAWSZ)
    throw Error(Errc::failure, "libcrypto could not compute a SHA-1");
  return std::string(reinterpret_cast<const char*>(digest), size);
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

// See load_tls_certificates(): mbedTLS's own definition, found with
// RTLD_NEXT, does the work except while libgit2 initialises.
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  if (irctl::git::deferring_ca_bundle && path) {
    const std::lock_guard lock(irctl::git::ca_bundle_mutex);
    irctl::git::ca_bundle = {path, irctl::git::TlsCertificates::deferred};
    return 0;
  }
  const auto real = irctl::git::mbedtls_parse_file();
  // MBEDTLS_ERR_X509_FILE_IO_ERROR: no mbedTLS to forward to.
  return real ? real(chain, path) : -0x2900;
}
