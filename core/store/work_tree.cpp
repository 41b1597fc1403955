// The checkout layout's work tree and index: what must hold before a write
// touches them (no edits of a person's in the way, no git operation half-done),
// and bringing them along to a commit, file by file, as git's checkout and
// 'git add' would (the index patched where it can be, see git_index.hpp).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "core/error.hpp"
#include "core/store/git_index.hpp"
#include "core/store/repository.hpp"
#include "core/store/repository_internal.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

// Appends content's bytes from `holds` on to the regular file at p when it
// has exactly `holds` bytes, which the write read under the repository lock
// (FileWrite::work_tree_holds): adding an event to a long timeline writes the
// event, not the megabytes before it, and frees none. The journal covers it
// as it covers a rename: a write killed half-way is put back from git by the
// next command. False, with nothing written, when the file is not so.
bool append_in_place(const fs::path& p, const std::string& content, size_t holds) {
  const int fd = ::open(p.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  const bool as_read = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) == 0 &&
                       static_cast<uint64_t>(st.st_size) == holds && holds <= content.size();
  bool written = as_read && write_all(fd, std::string_view(content).substr(holds));
  int error = errno;
  if (as_read && !written && ::ftruncate(fd, static_cast<off_t>(holds)) != 0) error = errno;
  if (::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (as_read && !written) throw Error(Errc::failure, "cannot write " + p.string() + ": " + std::strerror(error));
  return as_read;
}

// What git's checkout writes for a blob of this mode: a symbolic link to the
// blob's content, an executable file (executable by whoever may read it, as
// git's 0777 under the umask), or a regular file; put in place by a rename,
// or appended to in place (append_in_place) when the write says it holds
// the content's first `holds` bytes.
void write_work_file(const fs::path& p, const std::string& content, git_filemode_t mode,
                     mode_t perms = kDefaultFilePerms, std::optional<size_t> holds = std::nullopt) {
  if (mode == GIT_FILEMODE_BLOB && holds && append_in_place(p, content, *holds)) return;
  if (mode != GIT_FILEMODE_LINK) {
    write_file_atomically(p, content, perms);
    if (mode == GIT_FILEMODE_BLOB_EXECUTABLE) {
      struct stat st {};
      if (::stat(p.c_str(), &st) != 0 || ::chmod(p.c_str(), (st.st_mode & 07777) | ((st.st_mode & 0444) >> 2)) != 0)
        throw Error(Errc::failure, "cannot make " + p.string() + " executable: " + std::strerror(errno));
    }
    return;
  }
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  const fs::path tmp = temporary_path_for(p);
  fs::remove(tmp, ec);
  if (::symlink(content.c_str(), tmp.c_str()) != 0 || ::rename(tmp.c_str(), p.c_str()) != 0) {
    const int saved = errno;
    fs::remove(tmp, ec);
    throw Error(Errc::failure, "cannot write the symbolic link " + p.string() + ": " + std::strerror(saved));
  }
}

// git's core.fileMode: false where the file system cannot be trusted with
// the executable bit, and then git ignores it when it compares.
bool trusts_file_modes(git_repository* repo) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return true;
  git::ConfigPtr config(raw);
  int value = 1;
  if (git_config_get_bool(&value, raw, "core.filemode") < 0) return true;
  return value != 0;
}

struct GitOperation {
  const char* what;
  const char* way_out;
};

// What git is in the middle of, and how a person finishes or leaves it.
std::optional<GitOperation> operation_in_progress(int state) {
  switch (state) {
    case GIT_REPOSITORY_STATE_NONE: return std::nullopt;
    case GIT_REPOSITORY_STATE_MERGE:
      return GitOperation{"a merge", "finish it ('git commit' once the conflicts are resolved) or abort it ('git merge --abort')"};
    case GIT_REPOSITORY_STATE_REVERT:
    case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
      return GitOperation{"a revert", "finish it ('git revert --continue') or abort it ('git revert --abort')"};
    case GIT_REPOSITORY_STATE_CHERRYPICK:
    case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
      return GitOperation{"a cherry-pick", "finish it ('git cherry-pick --continue') or abort it ('git cherry-pick --abort')"};
    case GIT_REPOSITORY_STATE_BISECT: return GitOperation{"a bisect", "end it with 'git bisect reset'"};
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
      return GitOperation{"'git am'", "finish it ('git am --continue') or abort it ('git am --abort')"};
    default:
      return GitOperation{"a rebase", "finish it ('git rebase --continue') or abort it ('git rebase --abort')"};
  }
}

}  // namespace

void Repository::require_clean(const std::string& path) const { require_clean(path, nullptr); }

std::optional<Repository::CleanText> Repository::read_clean(const std::string& path, const KnownText& known) const {
  CleanText out;
  if (layout() == Layout::checkout) {
    require_clean(path, &out, known);
    if (out.blob) return out;
  } else if (const auto committed = git::blob_entry_at(tip_tree(), path)) {
    out.blob = committed->id;
  }
  auto text = read(path);  // not a regular file of the work tree (a link, nothing), or the branch layout
  if (!text) return std::nullopt;
  out.text = std::move(*text);
  return out;
}

namespace {

// The blob id git's index has for `path` when its stat data vouches that
// the file `st` describes is what was staged (as 'git status' trusts it);
// nullopt when it does not, or the index is larger than the file: reading
// the index must cost less than hashing the file (a long incident's 2 MB).
std::optional<git_oid> staged_if_unchanged(const fs::path& index_path, const std::string& path,
                                           const struct stat& st) {
  struct stat index_st {};
  if (::stat(index_path.c_str(), &index_st) != 0 || index_st.st_size >= st.st_size) return std::nullopt;
  try {
    const auto entries = git::IndexEntries::parse(read_file(index_path, &index_st));
    const auto entry = entries ? entries->find(path) : std::nullopt;
    if (entry && git::unchanged_since_staged(*entry, st, index_st.st_mtim)) return entry->id;
  } catch (const Error&) {
    // gone meanwhile, or unreadable: hashed
  }
  return std::nullopt;
}

// git::work_tree_entry, and for a regular file its text in `read`; its blob
// id is `committed`'s without hashing the text when git's index or `known`
// vouches for it.
std::optional<git::BlobEntry> entry_read_once(const fs::path& file, const fs::path& index_path,
                                              const std::string& path, const git_oid& committed,
                                              const Repository::KnownText& known, Repository::CleanText& read) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return git::work_tree_entry(file);
  try {
    read.text = read_file(file, &st, 64 * 1024);  // room to write the file anew in place
  } catch (const ReadFailure&) {
    return std::nullopt;
  }
  read.blob = staged_if_unchanged(index_path, path, st);
  if (!read.blob && known && known(read.text, committed)) read.blob = committed;
  if (!read.blob) read.blob = git::blob_hash(read.text);
  return git::BlobEntry{*read.blob, (st.st_mode & S_IXUSR) ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB};
}

}  // namespace

void Repository::require_clean(const std::string& path, CleanText* read, const KnownText& known) const {
  if (layout() == Layout::branch) return;  // nothing is checked out, so nothing can be edited in place
  // The file against the commit, without reading git's index: the index of
  // a large repository costs more than the whole write (issue 7), and irctl
  // writes the index entry anew anyway.
  const auto committed_blob = git::blob_entry_at(tip_tree(), path);
  std::error_code ec;
  const fs::path on_disk = root_ / path;
  const bool exists = fs::exists(fs::symlink_status(on_disk, ec));
  if (!exists) {
    if (!committed_blob) return;
    throw Error(Errc::conflict, path + " was deleted, and the deletion is not committed",
                "bring it back ('git checkout HEAD -- " + path + "') or commit the deletion ('git rm " + path + "')");
  }
  if (!committed_blob) {
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, repo_.get(), path.c_str()) == 0 && ignored)
      throw Error(Errc::conflict, path + " is ignored by git, so irctl cannot commit it",
                  "remove the rule that ignores it from .gitignore");
    throw Error(Errc::conflict, path + " is untracked: it exists but was never committed",
                "commit it ('git add " + path + "' and 'git commit') or remove it, then run the command again");
  }
  // As git judges it: a symbolic link by its target, and the executable bit
  // only where core.fileMode says the file system keeps it.
  if (read) refuse_outside(path);  // as read() would
  const auto on_disk_blob =
      read ? entry_read_once(on_disk, git_dir() / "index", path, committed_blob->id, known, *read)
           : git::work_tree_entry(on_disk);
  const auto same_mode = [&] {
    if (on_disk_blob->mode == committed_blob->mode) return true;
    const bool either_link = on_disk_blob->mode == GIT_FILEMODE_LINK || committed_blob->mode == GIT_FILEMODE_LINK;
    return !either_link && !trusts_file_modes(repo_.get());
  };
  if (!on_disk_blob || !git_oid_equal(&on_disk_blob->id, &committed_blob->id) || !same_mode())
    throw Error(Errc::conflict, path + " has changes that are not committed",
                "commit your edits ('git commit " + path + "') or discard them ('git checkout HEAD -- " + path +
                    "'), then run the command again");
}

void Repository::require_no_git_operation() const {
  if (layout() == Layout::branch) return;  // irctl's branch is never checked out: git's operations are elsewhere
  if (const auto op = operation_in_progress(git_repository_state(repo_.get())))
    throw Error(Errc::conflict, std::string("git is in the middle of ") + op->what + " in " + root_.string(),
                std::string(op->way_out) + ", then run the command again");
  // A rebase detaches HEAD too: said above, as the rebase it is.
  if (git_repository_head_detached(repo_.get()) == 1)
    throw Error(Errc::conflict, "HEAD is detached in " + root_.string() +
                                    ": a commit made there would be left behind when a branch is checked out",
                "check out the branch the incidents are on ('git switch BRANCH'), then run the command again");
  const fs::path index_path = git_dir() / "index";
  const MappedFile index = map_file(index_path);
  if (index.bytes().empty()) return;
  const std::optional<bool> conflicted = git::index_has_conflicts(index.bytes());
  bool has = conflicted.value_or(false);
  if (!conflicted) {  // a version this does not read: ask libgit2
    git_index* raw = nullptr;
    git::check(git_repository_index(&raw, repo_.get()), "cannot read the index");
    git::IndexPtr owner(raw);
    git::check(git_index_read(raw, 1), "cannot read the index");
    has = git_index_has_conflicts(raw) != 0;
  }
  if (has)
    throw Error(Errc::conflict, "git's index has unresolved conflicts in " + root_.string(),
                "resolve them ('git status' lists them; 'irctl resolve-conflicts' for incident files), 'git add' "
                "the results and commit, then run the command again");
}

void Repository::stage_resolved(const std::vector<FileWrite>& files) {
  git_index* raw = nullptr;
  git::check(git_repository_index(&raw, repo_.get()), "cannot open the index");
  const git::IndexPtr index(raw);
  git::check(git_index_read(raw, 1), "cannot read the index");
  for (const auto& f : files) {
    write_work_file(root_ / f.path, f.content, f.mode.value_or(GIT_FILEMODE_BLOB));
    git::check(git_index_add_bypath(raw, f.path.c_str()), "cannot stage " + f.path);
  }
  git::check(git_index_write(raw), "cannot write the index");
}

IndexLock::IndexLock(fs::path index) : index_(std::move(index)), lock_(index_.string() + ".lock") {}

void IndexLock::acquire() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(lock_timeout_seconds());
  while (true) {
    const int fd = ::open(lock_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      held_ = true;
      return;
    }
    if (errno != EEXIST) throw Error(Errc::failure, "cannot create " + lock_.string() + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error(Errc::busy, "git's index is locked: " + lock_.string() + " exists" + age_of(lock_),
                  "if no git command is running (see 'ps'), it was left by one that died: remove " + lock_.string() +
                      ", then run the command again");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void IndexLock::install(const fs::path& next) {
  if (::rename(next.c_str(), index_.c_str()) != 0)
    throw Error(Errc::failure, "cannot write " + index_.string() + ": " + std::strerror(errno));
}

void IndexLock::release() {
  if (held_) ::unlink(lock_.c_str());
  held_ = false;
}

void Repository::sync_work_tree(const git_tree* tree, const std::vector<std::string>& paths,
                                const WorkTreePerms& perms) {
  if (in_step(tree, paths)) return;  // nothing to repair: leave the index's bytes alone
  IndexLock lock(git_dir() / "index");
  lock.acquire();
  sync_work_tree_locked(tree, paths, lock, perms);
  lock.release();
}

bool Repository::in_step(const git_tree* tree, const std::vector<std::string>& paths) const {
  git_index* raw = nullptr;
  if (git_repository_index(&raw, repo_.get()) < 0) return false;
  git::IndexPtr index(raw);
  if (git_index_read(raw, 1) < 0) return false;
  std::error_code ec;
  for (const auto& p : paths) {
    const auto blob = git::blob_entry_at(tree, p);
    const git_index_entry* entry = git_index_get_bypath(raw, p.c_str(), 0);
    const fs::path file = root_ / p;
    if (!blob) {
      if (entry || fs::exists(fs::symlink_status(file, ec))) return false;
      continue;
    }
    const auto on_disk = git::work_tree_entry(file);
    if (!entry || !git_oid_equal(&entry->id, &blob->id) || entry->mode != static_cast<uint32_t>(blob->mode) ||
        !on_disk || !git_oid_equal(&on_disk->id, &blob->id) || on_disk->mode != blob->mode)
      return false;
  }
  return true;
}

void Repository::sync_work_tree_locked(const git_tree* tree, const std::vector<std::string>& paths, IndexLock& lock,
                                       const WorkTreePerms& perms, const std::vector<FileWrite>* written) {
  std::error_code ec;
  // The files first; the index entries carry the stat data of what was
  // written, as 'git add' records it, so that git sees the files as
  // unchanged without reading them again.
  std::vector<git::StagedFile> staged;
  std::vector<std::string> removed;
  for (const auto& p : paths) {
    const auto blob = git::blob_entry_at(tree, p);
    if (!blob) {
      fs::remove(root_ / p, ec);
      removed.push_back(p);
      continue;
    }
    const auto limited = perms.find(p);
    // What commit() just stored, when it says so: reading a long file back
    // out of git (inflating it, checking its hash) costs more than writing it.
    const auto was_written = [&]() -> const FileWrite* {
      if (written)
        for (const auto& f : *written)
          if (f.path == p && !f.remove) return &f;
      return nullptr;
    };
    std::string read_back;  // not `content ? *content : blob_content(...)`, which would copy a long file
    const FileWrite* write = was_written();
    const std::string* content = write ? &write->content : &(read_back = git::blob_content(repo_.get(), blob->id, p));
    write_work_file(root_ / p, *content, blob->mode,
                    limited == perms.end() ? FileWrite::kDefaultPerms : limited->second,
                    write ? write->work_tree_holds : std::nullopt);
    git::StagedFile f{p, blob->id, {}, static_cast<uint32_t>(blob->mode)};
    if (::lstat((root_ / p).c_str(), &f.st) != 0)
      throw Error(Errc::failure, "cannot read " + (root_ / p).string() + ": " + std::strerror(errno));
    staged.push_back(std::move(f));
  }

  // The new index is written beside the lock and renamed into place, as a
  // standalone file, because libgit2 would take index.lock itself to write
  // the repository's.
  const fs::path next = git_dir() / "irctl" / "index.next";
  const fs::path index_path = git_dir() / "index";
  fs::create_directories(next.parent_path(), ec);
  // Left by a killed write, if anything: this process holds index.lock.
  fs::remove(next, ec);
  fs::remove(next.string() + ".lock", ec);

  // Patched where it can be (git_index.hpp): only the staged entries change.
  struct stat index_st {};
  if (removed.empty() && ::stat(index_path.c_str(), &index_st) == 0) {
    const MappedFile old = map_file(index_path);
    if (const auto patched = git::index_with_files(old.bytes(), staged, index_st.st_mtim)) {
      write_file_atomically(next, *patched);
      lock.install(next);
      return;
    }
  }

  // Otherwise libgit2 reads the whole index and writes it back.
  if (fs::exists(index_path, ec)) fs::copy_file(index_path, next, ec);
  if (ec) throw Error(Errc::failure, "cannot copy the index: " + ec.message());
  git_index* raw = nullptr;
  git::check(git_index_open(&raw, next.c_str()), "cannot read the index");
  git::IndexPtr index(raw);
  for (const auto& p : removed) {
    const int rc = git_index_remove(raw, p.c_str(), 0);
    if (rc < 0 && rc != GIT_ENOTFOUND) git::fail(rc, "cannot unstage " + p);
  }
  for (const auto& f : staged) {
    const git_index_entry e = git::index_entry_for(f);
    git::check(git_index_add(raw, &e), "cannot stage " + f.path);
  }
  git::check(git_index_write(raw), "cannot write the index");
  index.reset();
  lock.install(next);
}

}  // namespace irctl
