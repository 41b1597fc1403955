#include "core/repository.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <functional>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/git_index.hpp"
#include "core/ids.hpp"
#include "core/incident.hpp"
#include "core/util/env.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

// `st`, when given, receives the stat data of the file that was read.
std::string read_file(const fs::path& p, struct stat* st_out = nullptr) {
  const auto fail = [&] { return Error(Errc::failure, "cannot read " + p.string() + ": " + std::strerror(errno)); };
  // Not blocking: opening a FIFO put where a file belongs would wait forever.
  const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) throw fail();
  // Read straight into the string, sized by fstat: the summary cache is
  // megabytes, and a stream would copy it several times over.
  struct stat st {};
  const bool stated = ::fstat(fd, &st) == 0;
  if (stated && !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw Error(Errc::data, "cannot read " + p.string() + ": it is not a regular file",
                "remove it, or put the file it should be in its place");
  }
  if (st_out) *st_out = st;
  // One byte more than the size, so that the read that finds the end needs no room.
  std::string out(stated && st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 4096, '\0');
  size_t filled = 0;
  while (true) {
    if (filled == out.size()) out.resize(out.size() * 2);
    const ssize_t n = ::read(fd, out.data() + filled, out.size() - filled);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const Error e = fail();
      ::close(fd);
      throw e;
    }
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  out.resize(filled);
  return out;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Writes through a temporary file and a rename, so that a reader (or a crash)
// sees either the old file or the new one, never half of one. The temporary
// file is made anew with `perms` (a killed write's may be in the way), so the
// content is never more readable than they allow, not even for a moment.
void write_file_atomically(const fs::path& p, const std::vector<std::string_view>& pieces,
                           mode_t perms = FileWrite::kDefaultPerms) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  if (ec) throw Error(Errc::failure, "cannot create " + p.parent_path().string() + ": " + ec.message());
  const fs::path tmp = p.string() + ".irctl-tmp-" + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  // POSIX calls rather than a stream, so that a full disk is named as such.
  const int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, perms);
  bool written = fd >= 0;
  for (const auto piece : pieces) written = written && write_all(fd, piece);
  if (fd >= 0 && ::close(fd) != 0) written = false;
  if (!written || ::rename(tmp.c_str(), p.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    throw Error(Errc::failure, "cannot write " + p.string() + ": " + std::strerror(error));
  }
}

void write_file_atomically(const fs::path& p, const std::string& content, mode_t perms = FileWrite::kDefaultPerms) {
  write_file_atomically(p, std::vector<std::string_view>{content}, perms);
}

// What git's checkout writes for a blob of this mode: a symbolic link to the
// blob's content, an executable file (executable by whoever may read it, as
// git's 0777 under the umask), or a regular file; put in place by a rename.
void write_work_file(const fs::path& p, const std::string& content, git_filemode_t mode,
                     mode_t perms = FileWrite::kDefaultPerms) {
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
  const fs::path tmp = p.string() + ".irctl-tmp-" + std::to_string(::getpid());
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

Timestamp to_timestamp(git_time_t t) { return Timestamp{Seconds{t}}; }


std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g second%s", s, s == 1.0 ? "" : "s");
  return buf;
}

// ", made 5 minutes ago": how old a lock file is, to tell a stale one.
std::string age_of(const fs::path& lock) {
  struct stat st {};
  if (::stat(lock.c_str(), &st) != 0) return "";
  const auto age = std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtime);
  return ", made " + format_duration(std::chrono::duration_cast<Seconds>(age)) + " ago";
}

std::string subject_of(const std::string& message) { return message.substr(0, message.find('\n')); }

// A journal's "perms" line: the bits in octal, a space, the path.
std::string perms_text(mode_t bits) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%03o", static_cast<unsigned>(bits & 0777));
  return buf;
}

void add_perms(WorkTreePerms& perms, const std::string& line) {
  const auto space = line.find(' ');
  if (space == std::string::npos) return;
  char* end = nullptr;
  const unsigned long bits = std::strtoul(line.c_str(), &end, 8);
  if (end == line.c_str() + space && bits <= 0777) perms[line.substr(space + 1)] = static_cast<mode_t>(bits);
}

}  // namespace

double lock_timeout_seconds() {
  return env_seconds("IRCTL_LOCK_TIMEOUT", {0, 86400}, "set it to the seconds a write may wait for the lock (such as 30)")
      .value_or(10.0);
}

void RepositoryLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
  fd_ = -1;
}

Repository::Repository(git::RepositoryPtr repo, fs::path root) : repo_(std::move(repo)), root_(std::move(root)) {}

namespace {

fs::path work_tree_of(git_repository* repo) {
  fs::path root = fs::path(git_repository_workdir(repo)).lexically_normal();
  if (!root.has_filename()) root = root.parent_path();
  return root;
}

std::optional<std::string> git_config_string(git_repository* repo, const char* key) {
  git_config* raw = nullptr;
  if (git_repository_config_snapshot(&raw, repo) < 0) return std::nullopt;
  git::ConfigPtr config(raw);
  const char* value = nullptr;
  if (git_config_get_string(&value, raw, key) < 0 || !value || !*value) return std::nullopt;
  return std::string(value);
}

}  // namespace

namespace {

// The work tree of the repository above `start` when another user owns it,
// which git refuses unless safe.directory names it.
std::optional<fs::path> owned_by_another_user(const fs::path& start) {
  std::error_code ec;
  for (fs::path dir = fs::absolute(start, ec).lexically_normal(); !dir.empty(); dir = dir.parent_path()) {
    struct stat st {};
    if (::lstat((dir / ".git").c_str(), &st) == 0) {
      if (::stat(dir.c_str(), &st) == 0 && st.st_uid != ::geteuid()) return dir;
      return std::nullopt;
    }
    if (dir == dir.root_path()) break;
  }
  return std::nullopt;
}

}  // namespace

Repository Repository::discover(const fs::path& start) {
  git::ensure_initialised();
  std::error_code ec;
  if (!fs::is_directory(start, ec))
    throw Error(Errc::usage, "no such directory " + quote(start.string()), "check the path given to -C or IRCTL_DIR");
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, start.c_str(), 0, nullptr);
  // libgit2 1.5 reports a repository it refuses for its owner as not found.
  const auto foreign = rc == GIT_EOWNER || rc == GIT_ENOTFOUND ? owned_by_another_user(start) : std::nullopt;
  if (foreign)
    throw Error(Errc::failure,
                "the repository " + foreign->string() + " belongs to another user, so git will not use it",
                "if you trust it, say so as git does: 'git config --global --add safe.directory " + foreign->string() +
                    "'");
  if (rc == GIT_ENOTFOUND)
    throw Error(Errc::not_found, "not in an incident repository (searched " + fs::absolute(start).string() + " and its parents)",
                "create one with 'irctl init DIR' (or 'irctl init --branch incidents' inside a code repository), or "
                "name one with -C DIR or IRCTL_DIR");
  git::check(rc, "cannot open the repository at " + start.string());
  git::RepositoryPtr repo(raw);
  if (git_repository_is_bare(raw))
    throw Error(Errc::not_found, fs::absolute(start).string() + " is a bare git repository",
                "run irctl in a clone with a work tree ('git clone " + fs::absolute(start).string() + "')");
  Repository r(std::move(repo), work_tree_of(raw));
  // The work tree's own files first; otherwise the branch named in git's
  // configuration; otherwise a branch called "incidents", local or fetched.
  if (!fs::is_regular_file(r.root_ / kConfigPath, ec)) {
    if (const auto branch = git_config_string(raw, kBranchConfigKey)) {
      r.branch_ = *branch;
    } else {
      r.branch_ = "incidents";
      if (!r.tip() || !r.is_initialised()) r.branch_.clear();
    }
  }
  if (!r.is_initialised()) {
    if (r.layout() == Layout::branch)
      throw Error(Errc::not_found,
                  "the branch " + quote(r.branch_) + " (git config " + kBranchConfigKey + ") holds no incident repository",
                  "fetch it ('git fetch " + r.default_remote() + " " + r.branch_ + "'), or create it with 'irctl init "
                  "--branch " + r.branch_ + "'");
    throw Error(Errc::not_found, r.root_.string() + " is a git repository but not an incident repository",
                "if its incidents live on a branch of their own, fetch it ('git fetch origin "
                "incidents:refs/remotes/origin/incidents'); otherwise run 'irctl init' there to add " +
                    std::string(kConfigPath) + ", or 'irctl init --branch incidents' to keep them on a new branch");
  }
  if (fs::exists(r.journal_path(), ec)) {
    auto lock = r.lock();  // finishes the interrupted write before anything is read
  }
  return r;
}

Repository Repository::open_or_create(const fs::path& dir, bool& created, Search search) {
  git::ensure_initialised();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(Errc::failure, "cannot create " + quote(dir.string()) + ": " + ec.message());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), search == Search::upwards ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  created = false;
  if (rc == GIT_ENOTFOUND) {
    rc = git_repository_init(&raw, dir.c_str(), 0);
    created = true;
  }
  git::check(rc, "cannot open or create a git repository at " + dir.string());
  git::RepositoryPtr repo(raw);
  if (git_repository_is_bare(raw))
    throw Error(Errc::usage, dir.string() + " is a bare git repository", "run 'irctl init' in a clone with a work tree");
  return Repository(std::move(repo), work_tree_of(raw));
}

std::optional<std::string> Repository::git_config_value(const std::string& key) const {
  return git_config_string(repo_.get(), key.c_str());
}

void Repository::set_git_config(const std::string& key, const std::optional<std::string>& value) {
  git_config* raw = nullptr;
  git::check(git_repository_config(&raw, repo_.get()), "cannot open the repository's git configuration");
  git::ConfigPtr all(raw);
  git_config* local_raw = nullptr;
  git::check(git_config_open_level(&local_raw, raw, GIT_CONFIG_LEVEL_LOCAL), "cannot open .git/config");
  git::ConfigPtr local(local_raw);
  if (value) {
    git::check(git_config_set_string(local_raw, key.c_str(), value->c_str()), "cannot set " + key);
  } else {
    const int rc = git_config_delete_entry(local_raw, key.c_str());
    if (rc < 0 && rc != GIT_ENOTFOUND) git::fail(rc, "cannot remove " + key);
  }
}

void Repository::use_branch(const std::string& branch) {
  int valid = 0;
  if (branch.empty() || git_branch_name_is_valid(&valid, branch.c_str()) < 0 || !valid)
    throw Error(Errc::usage, quote(branch) + " is not a valid branch name", "use a name such as 'incidents'");
  // The point of the layout is a branch nobody has checked out.
  if (layout() == Layout::checkout && ref_name() == "refs/heads/" + branch)
    throw Error(Errc::usage, "the branch " + quote(branch) + " is checked out here",
                "name a branch of its own, such as 'incidents', which irctl creates and never checks out");
  branch_ = branch;
  tip_tree_loaded_ = false;
  config_.reset();
}

std::string Repository::branch() const {
  if (!branch_.empty()) return branch_;
  const std::string ref = ref_name();
  const std::string prefix = "refs/heads/";
  return ref.rfind(prefix, 0) == 0 ? ref.substr(prefix.size()) : std::string();
}

std::string Repository::ref_name() const {
  if (!branch_.empty()) return "refs/heads/" + branch_;
  git_reference* raw = nullptr;
  if (git_reference_lookup(&raw, repo_.get(), "HEAD") < 0) return "HEAD";
  git::ReferencePtr head(raw);
  if (git_reference_type(raw) == GIT_REFERENCE_SYMBOLIC) return git_reference_symbolic_target(raw);
  return "HEAD";  // detached: commits move HEAD itself
}

std::string Repository::default_remote() const {
  if (const auto remote = git_config_string(repo_.get(), kRemoteConfigKey)) return *remote;
  const std::string b = branch();
  if (!b.empty())
    if (const auto remote = git_config_string(repo_.get(), ("branch." + b + ".remote").c_str())) return *remote;
  return "origin";
}

std::optional<git_oid> Repository::tip() const {
  git_oid id;
  if (git_reference_name_to_id(&id, repo_.get(), ref_name().c_str()) == 0) return id;
  if (!branch_.empty()) {
    const std::string tracking = "refs/remotes/" + default_remote() + "/" + branch_;
    if (git_reference_name_to_id(&id, repo_.get(), tracking.c_str()) == 0) return id;
  }
  return std::nullopt;
}

const git_tree* Repository::tip_tree() const {
  if (!tip_tree_loaded_) {
    const auto id = tip();
    tip_tree_ = id ? git::commit_tree(repo_.get(), *id) : git::TreePtr();
    tip_tree_loaded_ = true;
  }
  return tip_tree_.get();
}

std::optional<std::string> Repository::read_from_tip(const std::string& path) const {
  const auto blob = git::blob_id_at(tip_tree(), path);
  if (!blob) return std::nullopt;
  return git::blob_content(repo_.get(), *blob, path);
}

fs::path Repository::git_dir() const { return fs::path(git_repository_path(repo_.get())); }

bool Repository::is_initialised() const {
  if (layout() == Layout::branch) return git::blob_id_at(tip_tree(), kConfigPath).has_value();
  std::error_code ec;
  return fs::is_regular_file(root_ / kConfigPath, ec);
}

const Config& Repository::config() {
  if (!config_) {
    const auto text = read(kConfigPath);
    if (!text)
      throw Error(Errc::not_found, std::string(kConfigPath) + " is missing", "run 'irctl init' to write the defaults");
    config_ = parse_config(*text, kConfigPath);
  }
  return *config_;
}

std::optional<std::string> Repository::outside_reason(const std::string& path) const {
  std::error_code ec;
  const fs::path target = fs::canonical(root_ / path, ec);
  if (ec) return std::nullopt;  // missing: nothing to read
  // Resolved once per repository: a list reads thousands of files.
  if (canonical_root_.empty()) canonical_root_ = fs::canonical(root_, ec);
  if (canonical_git_dir_.empty()) canonical_git_dir_ = fs::canonical(git_dir(), ec);
  const fs::path& root = canonical_root_;
  const auto within = [&](const fs::path& dir) {
    const auto rel = target.lexically_relative(dir);
    return !rel.empty() && *rel.begin() != "..";
  };
  if (!within(root)) return "it is a symbolic link to " + target.string() + ", outside the repository";
  if (within(canonical_git_dir_)) return "it is a symbolic link into git's own files (" + target.string() + ")";
  return std::nullopt;
}

std::optional<std::string> Repository::read(const std::string& path) const {
  if (layout() == Layout::branch) return read_from_tip(path);
  std::error_code ec;
  const fs::path p = root_ / path;
  if (!fs::exists(p, ec)) return std::nullopt;
  // A link committed by someone else would have irctl read (and then commit,
  // push or render) a file of this machine's.
  if (const auto why = outside_reason(path))
    throw Error(Errc::data, "irctl will not read " + path + ": " + *why,
                "replace the link with the file itself ('git rm " + path + "', copy the file there, 'git add' it)");
  return read_file(p);
}

bool Repository::committed(const std::string& path) const { return git::blob_id_at(tip_tree(), path).has_value(); }

std::optional<std::string> Repository::read_committed(const std::string& path) const { return read_from_tip(path); }

std::optional<std::string> Repository::unwritable_reason(const std::string& path) const {
  if (path.empty()) return "the path is empty";
  if (path.back() == '/') return "it ends with '/': that names a folder, not a file";
  if (layout() == Layout::branch) {
    // Only git's objects are written: what matters is what the tree holds.
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
      if (git::blob_id_at(tip_tree(), path.substr(0, slash)))
        return quote(path.substr(0, slash)) + " is a file, not a folder";
    git_tree_entry* raw = nullptr;
    if (tip_tree() && git_tree_entry_bypath(&raw, tip_tree(), path.c_str()) == 0) {
      git::TreeEntryPtr entry(raw);
      if (git_tree_entry_type(raw) != GIT_OBJECT_BLOB) return quote(path) + " is a folder, not a file";
    }
    return std::nullopt;
  }
  fs::path on_disk = root_;
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const bool last = slash == std::string::npos;
    const std::string so_far = path.substr(0, slash);
    on_disk /= path.substr(start, last ? std::string::npos : slash - start);
    std::error_code ec;
    const fs::file_status st = fs::symlink_status(on_disk, ec);
    if (!fs::exists(st)) return std::nullopt;  // missing folders are created, and nothing below them exists
    if (fs::is_symlink(st)) return quote(so_far) + " is a symbolic link, which could lead outside the repository";
    if (last) {
      if (fs::is_directory(st)) return quote(so_far) + " is a folder, not a file";
      if (!fs::is_regular_file(st)) return quote(so_far) + " is not a regular file";
      return std::nullopt;
    }
    if (!fs::is_directory(st)) return quote(so_far) + " is a file, not a folder";
    start = slash + 1;
  }
}

namespace {

// Calls `visit` with the path of every blob under `tree` (prefixed with
// `prefix`), descending `depth` levels at most.
void walk_tree(git_repository* repo, const git_tree* tree, const std::string& prefix, int depth,
               const std::function<void(const std::string&, const git_tree_entry*)>& visit) {
  const size_t n = git_tree_entrycount(tree);
  for (size_t i = 0; i < n; ++i) {
    const git_tree_entry* e = git_tree_entry_byindex(tree, i);
    const std::string path = prefix + git_tree_entry_name(e);
    if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
      if (depth <= 0) {
        visit(path, e);  // a folder deeper than asked for is named, not entered
        continue;
      }
      git_tree* sub = nullptr;
      git::check(git_tree_lookup(&sub, repo, git_tree_entry_id(e)), "cannot read the tree " + path);
      git::TreePtr owner(sub);
      walk_tree(repo, sub, path + "/", depth - 1, visit);
    } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
      visit(path, e);
    }
  }
}

// The subtree at `dir` of `tree`; null when there is none.
git::TreePtr subtree_at(git_repository* repo, const git_tree* tree, const std::string& dir) {
  if (!tree) return {};
  git_tree_entry* raw = nullptr;
  if (git_tree_entry_bypath(&raw, tree, dir.c_str()) != 0) return {};
  git::TreeEntryPtr entry(raw);
  if (git_tree_entry_type(raw) != GIT_OBJECT_TREE) return {};
  git_tree* sub = nullptr;
  git::check(git_tree_lookup(&sub, repo, git_tree_entry_id(raw)), "cannot read the tree " + dir);
  return git::TreePtr(sub);
}

}  // namespace

namespace {

[[noreturn]] void refuse_linked_folder(const std::string& dir) {
  throw Error(Errc::data, dir + " is a symbolic link: irctl reads incident files only where git keeps them",
              "replace the link with the folder itself ('git rm " + dir + "', then move the folder there and 'git add' it)");
}

}  // namespace

std::vector<std::string> Repository::list_files(const std::string& dir) const {
  std::vector<std::string> out;
  if (layout() == Layout::branch) {
    if (const auto sub = subtree_at(repo_.get(), tip_tree(), dir))
      walk_tree(repo_.get(), sub.get(), dir + "/", 64, [&](const std::string& p, const git_tree_entry*) { out.push_back(p); });
  } else {
    std::error_code ec;
    const fs::path top = root_ / dir;
    if (fs::is_symlink(fs::symlink_status(top, ec))) refuse_linked_folder(dir);
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_regular_file(ec)) out.push_back(it->path().lexically_relative(root_).generic_string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

// Calls `visit` with every entry of the folder `dir_fd` (and its fd, for
// fstatat), skipping "." and ".."; nothing when it cannot be opened.
// A folder given by a symbolic link is refused, not followed: it could lead
// anywhere on this machine.
void for_each_dir_entry(int parent_fd, const char* name, const std::string& shown,
                        const std::function<void(int dir_fd, const struct dirent& entry)>& visit) {
  const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    struct stat st {};
    if (::fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) refuse_linked_folder(shown);
    return;
  }
  DIR* raw = ::fdopendir(fd);
  if (!raw) {
    ::close(fd);
    return;
  }
  const std::unique_ptr<DIR, int (*)(DIR*)> dir(raw, ::closedir);  // closed when visit throws too
  while (const struct dirent* e = ::readdir(raw))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) visit(fd, *e);
}

bool is_dir(int dir_fd, const struct dirent& e) {
  if (e.d_type != DT_UNKNOWN && e.d_type != DT_LNK) return e.d_type == DT_DIR;
  struct stat st {};
  return ::fstatat(dir_fd, e.d_name, &st, 0) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

void Repository::visit_incident_files(const IncidentFileVisitor& visit, bool with_stat) const {
  // Anything else in a month's folder (a subfolder, INC-….TOML) is passed on
  // with an empty ID: an incident moved there would otherwise vanish from
  // list and gate without a word.
  const auto take = [&](const std::string& dir, std::string_view file, const git_oid* blob,
                        const struct stat* st) {
    const bool toml = file.size() > 5 && file.substr(file.size() - 5) == ".toml";
    const std::string id(toml ? file.substr(0, file.size() - 5) : std::string_view());
    visit(is_incident_id(id) ? id : std::string(), dir + std::string(file), blob, st);
  };
  // incidents/YYYY/MM/INC-….toml: walk exactly that shape and nothing else.
  if (layout() == Layout::branch) {
    if (const auto top = subtree_at(repo_.get(), tip_tree(), "incidents"))
      walk_tree(repo_.get(), top.get(), "", 2, [&](const std::string& p, const git_tree_entry* e) {
        const bool folder = git_tree_entry_type(e) == GIT_OBJECT_TREE;
        if (std::count(p.begin(), p.end(), '/') != 2 && (folder || !p.ends_with(".toml"))) return;
        if (std::count(p.begin(), p.end(), '/') != 2) {  // a .toml file above the month folders
          visit("", "incidents/" + p, nullptr, nullptr);
          return;
        }
        const size_t slash = p.rfind('/') + 1;
        take("incidents/" + p.substr(0, slash), std::string_view(p).substr(slash), git_tree_entry_id(e), nullptr);
      });
    return;
  }
  // POSIX rather than std::filesystem: at 10,000 files, the path objects and
  // the full-path lookups of every stat were a third of 'irctl list'.
  const int root_fd = ::open(root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return;
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{root_fd};
  const auto above_months = [&](const std::string& path) {
    if (path.ends_with(".toml")) visit("", path, nullptr, nullptr);
  };
  for_each_dir_entry(root_fd, "incidents", "incidents", [&](int top_fd, const struct dirent& year) {
    const std::string year_dir = "incidents/" + std::string(year.d_name);
    if (!is_dir(top_fd, year)) return above_months(year_dir);
    for_each_dir_entry(top_fd, year.d_name, year_dir, [&](int year_fd, const struct dirent& month) {
      if (!is_dir(year_fd, month)) return above_months(year_dir + "/" + month.d_name);
      const std::string dir = year_dir + "/" + month.d_name + "/";
      for_each_dir_entry(year_fd, month.d_name, dir.substr(0, dir.size() - 1), [&](int month_fd, const struct dirent& file) {
        struct stat st {};
        if (!with_stat)
          take(dir, file.d_name, nullptr, nullptr);
        else if (::fstatat(month_fd, file.d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          take(dir, file.d_name, nullptr, &st);
      });
    });
  });
}

std::vector<std::string> Repository::incident_ids() const {
  std::vector<std::string> ids;
  visit_incident_files(
      [&](const std::string& id, const std::string&, const git_oid*, const struct stat*) {
        if (!id.empty()) ids.push_back(id);
      },
      false);
  std::sort(ids.begin(), ids.end());
  return ids;
}

namespace {

// git's test that a file is what the index says without reading it: the stat
// data it recorded still matches, and the entry is not racily clean (written
// in the same instant as the index, when a change could keep the same time).
bool unchanged_since_staged(const git_index_entry& e, const struct stat& st, const struct stat& index_st) {
  const auto same_time = [](const git_index_time& t, const struct timespec& ts) {
    return t.seconds == static_cast<int32_t>(ts.tv_sec) && t.nanoseconds == static_cast<uint32_t>(ts.tv_nsec);
  };
  const bool racy = e.mtime.seconds > static_cast<int32_t>(index_st.st_mtim.tv_sec) ||
                    (e.mtime.seconds == static_cast<int32_t>(index_st.st_mtim.tv_sec) &&
                     e.mtime.nanoseconds >= static_cast<uint32_t>(index_st.st_mtim.tv_nsec));
  return !racy && S_ISREG(st.st_mode) && same_time(e.mtime, st.st_mtim) && same_time(e.ctime, st.st_ctim) &&
         e.file_size == static_cast<uint32_t>(st.st_size) && e.ino == static_cast<uint32_t>(st.st_ino);
}

}  // namespace

std::vector<Repository::IncidentBlob> Repository::incident_blobs() const {
  std::vector<IncidentBlob> out;
  // git's index says which files are what it staged: read by irctl where it
  // can (git_index.hpp), else by libgit2.
  std::optional<git::IndexEntries> entries;
  git_index* index = nullptr;  // owned by the repository
  struct stat index_st {};
  if (layout() == Layout::checkout) {
    std::error_code ec;
    const fs::path index_path = git_dir() / "index";
    if (fs::exists(index_path, ec)) {
      try {
        entries = git::IndexEntries::parse(read_file(index_path, &index_st));
      } catch (const Error&) {
        entries.reset();  // gone meanwhile, or unreadable: libgit2 says
      }
    }
    git_index* raw = nullptr;
    // Read again if another process rewrote it since (a cheap check of its stamp).
    if (!entries && git_repository_index(&raw, repo_.get()) == 0 && git_index_read(raw, 0) == 0 &&
        ::stat(index_path.c_str(), &index_st) == 0)
      index = raw;
    else
      git_index_free(raw);
  }
  const auto staged = [&](const std::string& path) -> std::optional<git_index_entry> {
    if (entries) return entries->find(path);
    const git_index_entry* e = git_index_get_bypath(index, path.c_str(), 0);
    return e ? std::optional(*e) : std::nullopt;
  };
  visit_incident_files(
      [&](const std::string& id, const std::string& path, const git_oid* blob, const struct stat* st) {
        IncidentBlob b{id, path, std::nullopt};
        if (blob) {
          b.oid = *blob;
        } else if (st) {
          const auto e = staged(path);
          if (e && unchanged_since_staged(*e, *st, index_st)) b.oid = e->id;
        }
        out.push_back(std::move(b));
      },
      entries || index);
  if (index) git_index_free(index);
  std::sort(out.begin(), out.end(), [](const IncidentBlob& a, const IncidentBlob& b) { return a.id < b.id; });
  return out;
}

std::optional<std::string> Repository::read_private(const std::string& name) const {
  std::error_code ec;
  const fs::path p = git_dir() / "irctl" / name;
  if (!fs::exists(p, ec)) return std::nullopt;
  return read_file(p);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<void*>(data_), size_);
}

MappedFile Repository::map_private(const std::string& name) const { return map_file(git_dir() / "irctl" / name); }

MappedFile map_file(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat st {};
  void* data = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && st.st_size > 0)
    data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return {};
  return MappedFile(data, static_cast<size_t>(st.st_size));
}

void Repository::write_private(const std::string& name, const std::string& content) const {
  write_file_atomically(git_dir() / "irctl" / name, content);
}

void Repository::write_private(const std::string& name, const std::vector<std::string_view>& pieces) const {
  write_file_atomically(git_dir() / "irctl" / name, pieces);
}

RepositoryLock Repository::lock() {
  const fs::path path = fs::path(git_repository_commondir(repo_.get())) / "irctl.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(Errc::failure, "cannot open " + path.string() + ": " + std::strerror(errno));
  RepositoryLock lock(fd);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(lock_timeout_seconds());
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR)
      throw Error(Errc::failure, "cannot lock " + path.string() + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error(Errc::busy, "the repository is busy: another irctl process kept it locked for " +
                                  seconds_text(lock_timeout_seconds()),
                  "run the command again in a moment (IRCTL_LOCK_TIMEOUT sets how many seconds to wait)");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  recover_interrupted_write();
  // Another process may have committed while we waited.
  tip_tree_loaded_ = false;
  return lock;
}

void Repository::require_clean(const std::string& path) const {
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
  const auto on_disk_blob = git::work_tree_entry(on_disk);
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

namespace {

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

void Repository::require_readable(const std::vector<FileWrite>& files) {
  try {
    std::optional<Config> new_config;
    for (const auto& f : files)
      if (!f.remove && f.path == kConfigPath) new_config = parse_config(f.content, f.path);
    for (const auto& f : files) {
      if (f.remove || !is_incident_file(f.path)) continue;
      require_on_scale(IncidentFile::parse(f.content, f.path), new_config ? *new_config : config());
    }
  } catch (const Error& e) {
    throw Error(Errc::data, std::string("irctl will not commit a file it cannot read back: ") + e.what(),
                e.hint().empty() ? "nothing was written" : e.hint());
  }
}

bool Repository::replaces_committed_link(const FileWrite& f) const {
  // A symbolic link git checked out is replaced by a rename, never written
  // through; what it is now was checked by require_clean.
  const auto committed = git::blob_entry_at(tip_tree(), f.path);
  return f.mode && committed && committed->mode == GIT_FILEMODE_LINK;
}

std::string Repository::commit(const std::vector<FileWrite>& files, const std::string& message, const Actor& author,
                               Timestamp author_time, const std::optional<git_oid>& merge_parent) {
  require_no_git_operation();
  // The invariant of every write: each incident file and configuration irctl
  // commits parses and validates, so that no input (whatever field carries
  // it) can leave a file that stops every reader.
  require_readable(files);
  // Checked before anything is committed: writing through a symbolic link
  // could reach outside the repository, and a folder in the way would fail
  // only after the commit is made.
  for (const auto& f : files)
    if (const auto why = replaces_committed_link(f) ? std::nullopt : unwritable_reason(f.path))
      throw Error(Errc::conflict, "cannot write " + f.path + ": " + *why,
                  "irctl writes only real files and folders of the work tree; move what is in the way, then run the "
                  "command again");
  git_repository* repo = repo_.get();
  const std::optional<git_oid> parent_id = tip();
  git::CommitPtr parent;
  if (parent_id) {
    git_commit* p = nullptr;
    git::check(git_commit_lookup(&p, repo, &*parent_id), "cannot read " + ref_name());
    parent.reset(p);
  }
  git::CommitPtr merged;
  if (merge_parent) {
    git_commit* m = nullptr;
    git::check(git_commit_lookup(&m, repo, &*merge_parent), "cannot read the commit to merge");
    merged.reset(m);
  }

  // The new tree is the tip's with our files replaced, not the index's:
  // changes someone staged by hand stay staged and out of irctl's commit.
  // The tree of the very commit the compare-and-swap expects, never a tree
  // read earlier: git may have committed since, and its change must stay.
  git::TreePtr tree;
  if (parent_id) tree = git::commit_tree(repo, *parent_id);
  std::vector<std::string> paths;
  WorkTreePerms perms;
  for (const auto& f : files) {
    if (f.work_tree_perms != FileWrite::kDefaultPerms) perms[f.path] = f.work_tree_perms;
    std::optional<git_oid> blob;
    if (!f.remove) {
      git_oid id;
      git::check(git_blob_create_from_buffer(&id, repo, f.content.data(), f.content.size()), "cannot store " + f.path);
      blob = id;
    }
    const auto tree_id = git::tree_with_file(repo, tree.get(), f.path, blob ? &*blob : nullptr, f.mode);
    tree.reset();
    if (tree_id) {
      git_tree* t = nullptr;
      git::check(git_tree_lookup(&t, repo, &*tree_id), "cannot read the new tree");
      tree.reset(t);
    }
    paths.push_back(f.path);
  }
  if (!tree) {
    git_oid empty;
    git_treebuilder* raw = nullptr;
    git::check(git_treebuilder_new(&raw, repo, nullptr), "cannot build a tree");
    git::TreeBuilderPtr builder(raw);
    git::check(git_treebuilder_write(&empty, raw), "cannot write a tree");
    git_tree* t = nullptr;
    git::check(git_tree_lookup(&t, repo, &empty), "cannot read the new tree");
    tree.reset(t);
  }

  git_signature* a = nullptr;
  git::check(git_signature_new(&a, author.name.c_str(), author.email.c_str(), author_time.time_since_epoch().count(), 0),
             "invalid author");
  git::SignaturePtr author_sig(a);
  git_signature* c = nullptr;
  git::check(git_signature_new(&c, author.name.c_str(), author.email.c_str(), now_utc().time_since_epoch().count(), 0),
             "invalid committer");
  git::SignaturePtr committer_sig(c);

  git_oid commit_id;
  std::vector<const git_commit*> parents;
  if (parent) parents.push_back(parent.get());
  if (merged) parents.push_back(merged.get());
  git::check(git_commit_create(&commit_id, repo, nullptr, author_sig.get(), committer_sig.get(), nullptr,
                               message.c_str(), tree.get(), parents.size(), parents.data()),
             "cannot commit");
  const std::string subject = subject_of(message);
  advance(parent_id, commit_id, paths, std::string(merged ? "merge" : "commit") + ": " + subject, perms);
  return git::oid_hex(commit_id);
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

void Repository::fast_forward(const git_oid& to) {
  require_no_git_operation();
  const std::optional<git_oid> from = tip();
  std::vector<std::string> paths;
  const git::TreePtr new_tree = git::commit_tree(repo_.get(), to);
  git_diff* raw = nullptr;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_TYPECHANGE;  // a file that becomes a link: one path, not two
  git::check(git_diff_tree_to_tree(&raw, repo_.get(), const_cast<git_tree*>(tip_tree()), new_tree.get(), &options),
             "cannot compare the trees");
  const git::Owner<git_diff, git_diff_free> diff(raw);
  for (size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    paths.push_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  for (const auto& p : paths) require_clean(p);
  advance(from, to, paths, "fast-forward");
}

// git's own lock on the index, .git/index.lock, held by irctl while it
// writes the work tree and the index and moves the branch. The index is put
// in place before the branch moves, and the lock released after: git reads
// HEAD, then the index, before it takes the lock, so whatever it reads
// either fails its own compare-and-swap on HEAD or is irctl's finished
// state; a 'git commit' never commits a stale index on top of irctl's
// commit, and a 'git add' is never lost.
class IndexLock {
 public:
  explicit IndexLock(fs::path index) : index_(std::move(index)), lock_(index_.string() + ".lock") {}
  IndexLock(const IndexLock&) = delete;
  IndexLock& operator=(const IndexLock&) = delete;
  ~IndexLock() {
    if (held_) ::unlink(lock_.c_str());
  }
  /// Waits for git to release its lock, up to IRCTL_LOCK_TIMEOUT seconds.
  void acquire() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(lock_timeout_seconds());
    while (true) {
      const int fd = ::open(lock_.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0666);
      if (fd >= 0) {
        ::close(fd);
        held_ = true;
        return;
      }
      if (errno != EEXIST)
        throw Error(Errc::failure, "cannot create " + lock_.string() + ": " + std::strerror(errno));
      if (std::chrono::steady_clock::now() >= deadline)
        throw Error(Errc::busy, "git's index is locked: " + lock_.string() + " exists" + age_of(lock_),
                    "if no git command is running (see 'ps'), it was left by one that died: remove " +
                        lock_.string() + ", then run the command again");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  /// Puts `next` in place as the index, still holding the lock.
  void install(const fs::path& next) {
    if (::rename(next.c_str(), index_.c_str()) != 0)
      throw Error(Errc::failure, "cannot write " + index_.string() + ": " + std::strerror(errno));
  }
  void release() {
    if (held_) ::unlink(lock_.c_str());
    held_ = false;
  }

 private:
  fs::path index_;
  fs::path lock_;
  bool held_ = false;

 public:
  bool held() const { return held_; }
};

fs::path Repository::journal_path() const { return git_dir() / "irctl" / "journal"; }

// The journal names the write in flight: the reference, the commit it leaves
// and the one it moves to, and the files of the work tree to bring along. It
// exists from just before the compare-and-swap until the work tree and the
// index are in step, so a process killed anywhere in between leaves enough
// behind for the next one to finish the job (recover_interrupted_write).
void Repository::advance(const std::optional<git_oid>& from, const git_oid& to, const std::vector<std::string>& paths,
                         const std::string& reflog_message, const WorkTreePerms& perms) {
  const std::string ref = ref_name();
  std::string journal = "ref " + ref + "\nfrom " + (from ? git::oid_hex(*from) : std::string("none")) + "\nto " +
                        git::oid_hex(to) + "\n";
  for (const auto& p : paths) journal += "path " + p + "\n";
  // So that finishing a killed write keeps them too.
  for (const auto& [p, bits] : perms) journal += "perms " + perms_text(bits) + " " + p + "\n";
  write_file_atomically(journal_path(), journal);
  const auto drop_journal = [&] {
    std::error_code ignored;
    fs::remove(journal_path(), ignored);
  };

  const bool with_work_tree = layout() == Layout::checkout && !paths.empty();
  IndexLock index_lock(git_dir() / "index");
  // The files as they were, to put back if the branch cannot move.
  const auto restore = [&] {
    const git::TreePtr before = from ? git::commit_tree(repo_.get(), *from) : git::TreePtr();
    sync_work_tree_locked(before.get(), paths, index_lock);
  };
  if (with_work_tree) {
    try {
      index_lock.acquire();
      sync_work_tree_locked(git::commit_tree(repo_.get(), to).get(), paths, index_lock, perms);
    } catch (...) {
      if (index_lock.held()) restore();
      drop_journal();
      throw;
    }
  }

  git_reference* out = nullptr;
  int rc = 0;
  git_oid current;
  // In the branch layout before the first local commit, tip() is the remote
  // branch's: the local one must still not exist.
  const bool creating = !from || git_reference_name_to_id(&current, repo_.get(), ref.c_str()) != 0;
  if (creating)
    rc = git_reference_create(&out, repo_.get(), ref.c_str(), &to, 0, reflog_message.c_str());
  else
    rc = git_reference_create_matching(&out, repo_.get(), ref.c_str(), &to, 1, &*from, reflog_message.c_str());
  git_reference_free(out);
  tip_tree_loaded_ = false;
  if (rc < 0) {
    if (with_work_tree) restore();
    drop_journal();
    if (rc == GIT_ELOCKED) {
      const fs::path lock = fs::path(git_repository_commondir(repo_.get())) / (ref + ".lock");
      throw BranchMoved(Errc::busy, "git's lock on " + ref + " is held (" + lock.string() + " exists" + age_of(lock) + ")",
                        "if no git command is running (see 'ps'), it was left by one that died: remove " +
                            lock.string() + ", then run the command again");
    }
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
      throw BranchMoved(Errc::busy, ref + " moved while irctl was writing (another program committed)",
                        "run the command again");
    git::fail(rc, "cannot move " + ref);
  }
  index_lock.release();
  drop_journal();
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
                                       const WorkTreePerms& perms) {
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
    write_work_file(root_ / p, git::blob_content(repo_.get(), blob->id, p), blob->mode,
                    limited == perms.end() ? FileWrite::kDefaultPerms : limited->second);
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
    const struct stat& st = f.st;
    git_index_entry e{};
    e.ctime.seconds = static_cast<int32_t>(st.st_ctim.tv_sec);
    e.ctime.nanoseconds = static_cast<uint32_t>(st.st_ctim.tv_nsec);
    e.mtime.seconds = static_cast<int32_t>(st.st_mtim.tv_sec);
    e.mtime.nanoseconds = static_cast<uint32_t>(st.st_mtim.tv_nsec);
    e.dev = static_cast<uint32_t>(st.st_dev);
    e.ino = static_cast<uint32_t>(st.st_ino);
    e.mode = f.mode;
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    e.file_size = static_cast<uint32_t>(st.st_size);
    e.id = f.id;
    e.path = f.path.c_str();
    git::check(git_index_add(raw, &e), "cannot stage " + f.path);
  }
  git::check(git_index_write(raw), "cannot write the index");
  index.reset();
  lock.install(next);
}

namespace {

// A lock file a killed irctl left: made after its journal and within the few
// milliseconds a write takes. A lock git itself holds now is younger.
bool left_by_interrupted_write(const fs::path& lock, fs::file_time_type journal_time) {
  std::error_code ec;
  const auto t = fs::last_write_time(lock, ec);
  if (ec) return false;
  return t + std::chrono::seconds(1) >= journal_time && t <= journal_time + std::chrono::seconds(30);
}

}  // namespace

namespace {

// write_file_atomically's temporary files ("NAME.irctl-tmp-PID") in `dir`:
// every writer holds the repository lock, so under it they are all left over
// from a write a kill cut short (its process may linger as a zombie).
void remove_orphaned_temporaries(const fs::path& dir, const std::string& name_prefix = "") {
  std::error_code ec;
  const std::string marker = ".irctl-tmp-";
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t at = name.rfind(marker);
    if (at == std::string::npos || name.compare(0, name_prefix.size(), name_prefix) != 0) continue;
    fs::remove(entry.path(), ec);
  }
}

}  // namespace

std::optional<std::string> Repository::recover_interrupted_write() {
  std::error_code ec;
  const fs::path journal = journal_path();
  remove_orphaned_temporaries(journal.parent_path(), "journal");
  remove_orphaned_temporaries(journal.parent_path(), "index.next");
  if (!fs::exists(journal, ec)) return std::nullopt;
  const auto journal_time = fs::last_write_time(journal, ec);
  std::string ref;
  std::string to_hex;
  std::string from_hex;
  std::vector<std::string> paths;
  WorkTreePerms perms;
  {
    std::istringstream in(read_file(journal));
    std::string line;
    while (std::getline(in, line)) {
      const auto space = line.find(' ');
      const std::string key = line.substr(0, space);
      const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
      if (key == "ref") ref = value;
      else if (key == "to") to_hex = value;
      else if (key == "from") from_hex = value;
      else if (key == "path") paths.push_back(value);
      else if (key == "perms") add_perms(perms, value);
    }
  }
  const fs::path common = git_repository_commondir(repo_.get());
  for (const fs::path& lock_file : {common / (ref + ".lock"), git_dir() / (ref + ".lock"), git_dir() / "index.lock"})
    if (left_by_interrupted_write(lock_file, journal_time)) fs::remove(lock_file, ec);
  if (layout() == Layout::checkout)
    for (const auto& p : paths) {
      const fs::path target = root_ / p;
      remove_orphaned_temporaries(target.parent_path(), target.filename().string());
    }
  std::string what = "dropped an interrupted write that never reached " + ref;
  git_oid to{}, from{}, current{};
  const bool has_to = git_oid_fromstr(&to, to_hex.c_str()) == 0;
  const bool has_from = git_oid_fromstr(&from, from_hex.c_str()) == 0;
  const bool has_current = git_reference_name_to_id(&current, repo_.get(), ref.c_str()) == 0;
  if (layout() == Layout::checkout && !ref.empty()) {
    // The work tree and index were written before the branch moved: they
    // follow the branch to its new commit, or go back with it to the old.
    if (has_to && has_current && git_oid_equal(&to, &current)) {
      sync_work_tree(git::commit_tree(repo_.get(), to).get(), paths, perms);
      what = "finished an interrupted write: the work tree now matches " + to_hex.substr(0, 12);
    } else if (has_current ? (has_from && git_oid_equal(&from, &current)) : !has_from) {
      const git::TreePtr before = has_from ? git::commit_tree(repo_.get(), from) : git::TreePtr();
      sync_work_tree(before.get(), paths);
    }
  }
  fs::remove(journal, ec);
  tip_tree_loaded_ = false;
  return what;
}

std::optional<fs::path> Repository::program(const std::string& path) const {
  const auto refuse_link = [&](const std::string& why) {
    return Error(Errc::data, path + " was not run: " + why, "commit the program itself in its place, not a link");
  };
  if (layout() == Layout::checkout) {
    std::error_code ec;
    const fs::path p = root_ / path;
    if (!fs::exists(p, ec)) return std::nullopt;
    // A link to /bin/sh would run the event's JSON as a script.
    if (const auto why = outside_reason(path)) throw refuse_link(*why);
    return p;
  }
  git_tree_entry* raw = nullptr;
  if (!tip_tree() || git_tree_entry_bypath(&raw, tip_tree(), path.c_str()) != 0) return std::nullopt;
  git::TreeEntryPtr entry(raw);
  if (git_tree_entry_filemode(raw) == GIT_FILEMODE_LINK) throw refuse_link("it is committed as a symbolic link");
  // Copied out under its object id, so that a changed program is a new file.
  const fs::path copy = git_dir() / "irctl" / "programs" / git::oid_hex(*git_tree_entry_id(raw));
  std::error_code ec;
  if (!fs::exists(copy, ec)) {
    write_file_atomically(copy, git::blob_content(repo_.get(), *git_tree_entry_id(raw), path));
    if (git_tree_entry_filemode(raw) == GIT_FILEMODE_BLOB_EXECUTABLE)
      fs::permissions(copy, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec, ec);
  }
  return copy;
}

std::optional<Actor> Repository::git_identity() const {
  git_signature* sig = nullptr;
  if (git_signature_default(&sig, repo_.get()) < 0) return std::nullopt;
  git::SignaturePtr owner(sig);
  Actor actor{sig->name, sig->email};
  // libgit2 writes a name with a line break into a commit that 'git fsck'
  // then calls malformed.
  require_valid_identity(actor, "git's user.name and user.email",
                         "correct them with 'git config user.name \"NAME\"' and 'git config user.email EMAIL'");
  return actor;
}

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

std::optional<std::string> Repository::current_incident() const {
  const auto text = read_private("current");
  if (!text) return std::nullopt;
  std::string id = text->substr(0, text->find_first_of("\r\n"));
  if (id.empty()) return std::nullopt;
  if (!is_incident_id(id))
    throw Error(Errc::data, (git_dir() / "irctl" / "current").string() + " holds " + quote(id) +
                                ", which is not an incident ID",
                "choose the current incident again with 'irctl use ID'");
  return id;
}

void Repository::set_current_incident(const std::optional<std::string>& id) {
  const fs::path p = git_dir() / "irctl" / "current";
  if (id) {
    write_private("current", *id + "\n");
  } else {
    std::error_code ignored;
    fs::remove(p, ignored);
  }
}

}  // namespace irctl
