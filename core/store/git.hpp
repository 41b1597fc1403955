#pragma once
// What the core's users of libgit2 share: its start-up, owners (RAII) for
// its handles, a check that turns a failed call into a typed irctl error
// right where it failed, and the tree and blob operations more than one file
// needs. It does not wrap libgit2: other files of the core (the
// repository's, sync, merge, deletions and more) call libgit2 themselves,
// with these owners and this check.

#include <filesystem>
#include <memory>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <git2.h>

namespace irctl::git {

/// Initialises libgit2 once per process; cheap after the first call.
/// Its network transports are not started then (see start_network_transports).
void ensure_initialised();

/// Starts libgit2's network transports, which ensure_initialised() leaves
/// out: TLS (mbedTLS's random generator and the system's CA certificates)
/// and SSH (libssh2). Needed before connecting to a remote; once per process.
void start_network_transports();
/// Whether start_network_transports() has run: for tests.
bool network_transports_started();

/// Throws the irctl error for a libgit2 failure, with git's own message.
[[noreturn]] void fail(int rc, const std::string& what);
inline void check(int rc, const std::string& what) {
  if (rc < 0) fail(rc, what);
}

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owner = std::unique_ptr<T, Deleter<T, Free>>;

using RepositoryPtr = Owner<git_repository, git_repository_free>;
using IndexPtr = Owner<git_index, git_index_free>;
using TreePtr = Owner<git_tree, git_tree_free>;
using TreeEntryPtr = Owner<git_tree_entry, git_tree_entry_free>;
using CommitPtr = Owner<git_commit, git_commit_free>;
using SignaturePtr = Owner<git_signature, git_signature_free>;
using ReferencePtr = Owner<git_reference, git_reference_free>;
using RevwalkPtr = Owner<git_revwalk, git_revwalk_free>;
using ConfigPtr = Owner<git_config, git_config_free>;
using TreeBuilderPtr = Owner<git_treebuilder, git_treebuilder_free>;

/// Releases a git_buf filled by libgit2.
struct Buf {
  git_buf buf = GIT_BUF_INIT;
  Buf() = default;
  Buf(const Buf&) = delete;
  Buf& operator=(const Buf&) = delete;
  ~Buf() { git_buf_dispose(&buf); }
  std::string str() const { return buf.ptr ? std::string(buf.ptr, buf.size) : std::string(); }
};

std::string oid_hex(const git_oid& oid);

/// The id of a tree that is `base` (null: an empty tree) with the file at
/// `path` ("a/b/c.toml") set to `blob`, or removed when `blob` is null (and
/// folders left empty removed with it). Only the trees along the path are
/// rewritten, so the cost does not depend on the rest of the repository.
/// The entry gets `mode` when given; otherwise it stays executable if it was
/// (a hook), else it is a regular file. Returns nullopt when the result is an
/// empty tree.
std::optional<git_oid> tree_with_file(git_repository* repo, const git_tree* base, const std::string& path,
                                      const git_oid* blob, std::optional<git_filemode_t> mode = std::nullopt);

/// A file as git records it: its blob (for a symbolic link, the link's
/// target) and its mode (GIT_FILEMODE_BLOB, _BLOB_EXECUTABLE or _LINK).
struct BlobEntry {
  git_oid id{};
  git_filemode_t mode = GIT_FILEMODE_BLOB;
};
/// The id of the blob at `path` in `tree`; nullopt when there is none.
std::optional<git_oid> blob_id_at(const git_tree* tree, const std::string& path);
/// The same, with its mode.
std::optional<BlobEntry> blob_entry_at(const git_tree* tree, const std::string& path);
/// A file of the work tree as 'git add' would record it (a symbolic link is
/// not followed); nullopt when there is none, or it is not a file or a link.
std::optional<BlobEntry> work_tree_entry(const std::filesystem::path& file);
/// The id git gives a blob of this content (git hash-object).
git_oid blob_hash(const std::string& content);
/// The SHA-1 of the pieces one after another (20 bytes), with libcrypto:
/// git's blob ids and its index checksum. Throws if libcrypto fails.
std::string sha1(std::initializer_list<std::string_view> pieces);
/// Stores the object `id` as a loose object whose file is `zlib_stream`'s parts
/// (the zlib stream of "blob SIZE", a NUL and the content), as git stores
/// one, unless the repository has it already. For a caller that made the
/// stream cheaper than libgit2 would (deflated.hpp); `id` must be its
/// blob_hash.
void store_loose_object(git_repository* repo, const git_oid& id, const std::vector<std::string_view>& zlib_stream);
/// The content of a blob.
std::string blob_content(git_repository* repo, const git_oid& id, const std::string& what);
/// The tree of a commit.
TreePtr commit_tree(git_repository* repo, const git_oid& commit);

}  // namespace irctl::git
