#include "core/repository.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/ids.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(Errc::failure, "cannot read " + p.string() + ": " + std::strerror(errno));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes through a temporary file and a rename, so that a reader (or a crash)
// sees either the old file or the new one, never half of one.
void write_file_atomically(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  const fs::path tmp = p.string() + ".irctl-tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      throw Error(Errc::failure, "cannot write " + p.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(Errc::failure, "cannot write " + p.string() + ": " + ec.message());
  }
}

Timestamp to_timestamp(git_time_t t) { return Timestamp{Seconds{t}}; }

double lock_timeout_seconds() {
  if (const char* env = std::getenv("IRCTL_LOCK_TIMEOUT")) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (end != env && v >= 0) return v;
  }
  return 10.0;
}

std::string subject_of(const std::string& message) { return message.substr(0, message.find('\n')); }

}  // namespace

void RepositoryLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
  fd_ = -1;
}

Repository::Repository(git::RepositoryPtr repo, fs::path root) : repo_(std::move(repo)), root_(std::move(root)) {}

Repository Repository::discover(const fs::path& start) {
  git::ensure_initialised();
  std::error_code ec;
  if (!fs::is_directory(start, ec))
    throw Error(Errc::usage, "no such directory " + quote(start.string()), "check the path given to -C or IRCTL_DIR");
  git_repository* raw = nullptr;
  const int rc = git_repository_open_ext(&raw, start.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND)
    throw Error(Errc::not_found, "not in an incident repository (searched " + fs::absolute(start).string() + " and its parents)",
                "create one with 'irctl init DIR', or name one with -C DIR or IRCTL_DIR");
  git::check(rc, "cannot open the repository at " + start.string());
  git::RepositoryPtr repo(raw);
  if (git_repository_is_bare(raw))
    throw Error(Errc::not_found, fs::absolute(start).string() + " is a bare git repository",
                "run irctl in a clone with a work tree ('git clone " + fs::absolute(start).string() + "')");
  fs::path root = fs::path(git_repository_workdir(raw)).lexically_normal();
  if (root.has_filename() == false) root = root.parent_path();
  Repository r(std::move(repo), root);
  if (!r.is_initialised())
    throw Error(Errc::not_found, root.string() + " is a git repository but not an incident repository",
                "run 'irctl init' there to add " + std::string(kConfigPath));
  return r;
}

Repository Repository::open_or_create(const fs::path& dir, bool& created) {
  git::ensure_initialised();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(Errc::failure, "cannot create " + quote(dir.string()) + ": " + ec.message());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  created = false;
  if (rc == GIT_ENOTFOUND) {
    rc = git_repository_init(&raw, dir.c_str(), 0);
    created = true;
  }
  git::check(rc, "cannot open or create a git repository at " + dir.string());
  git::RepositoryPtr repo(raw);
  if (git_repository_is_bare(raw))
    throw Error(Errc::usage, dir.string() + " is a bare git repository", "run 'irctl init' in a clone with a work tree");
  fs::path root = fs::path(git_repository_workdir(raw)).lexically_normal();
  if (!root.has_filename()) root = root.parent_path();
  return Repository(std::move(repo), root);
}

fs::path Repository::git_dir() const { return fs::path(git_repository_path(repo_.get())); }

bool Repository::is_initialised() const {
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

std::optional<std::string> Repository::read(const std::string& path) const {
  std::error_code ec;
  const fs::path p = root_ / path;
  if (!fs::exists(p, ec)) return std::nullopt;
  return read_file(p);
}

bool Repository::committed(const std::string& path) const {
  git_object* head = nullptr;
  if (git_revparse_single(&head, repo_.get(), "HEAD^{tree}") != 0) return false;
  git::TreePtr tree(reinterpret_cast<git_tree*>(head));
  git_tree_entry* entry = nullptr;
  if (git_tree_entry_bypath(&entry, tree.get(), path.c_str()) != 0) return false;
  git_tree_entry_free(entry);
  return true;
}

std::optional<std::string> Repository::read_committed(const std::string& path) const {
  git_object* head = nullptr;
  if (git_revparse_single(&head, repo_.get(), "HEAD^{tree}") != 0) return std::nullopt;
  git::TreePtr tree(reinterpret_cast<git_tree*>(head));
  git_tree_entry* raw_entry = nullptr;
  if (git_tree_entry_bypath(&raw_entry, tree.get(), path.c_str()) != 0) return std::nullopt;
  git::TreeEntryPtr entry(raw_entry);
  if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) return std::nullopt;
  git_blob* raw_blob = nullptr;
  git::check(git_blob_lookup(&raw_blob, repo_.get(), git_tree_entry_id(entry.get())),
             "cannot read " + path + " in HEAD");
  const git::Owner<git_blob, git_blob_free> blob(raw_blob);
  const auto* data = static_cast<const char*>(git_blob_rawcontent(blob.get()));
  return std::string(data, static_cast<size_t>(git_blob_rawsize(blob.get())));
}

std::optional<std::string> Repository::unwritable_reason(const std::string& path) const {
  if (path.empty()) return "the path is empty";
  if (path.back() == '/') return "it ends with '/': that names a folder, not a file";
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

std::vector<std::string> Repository::incident_ids() const {
  std::vector<std::string> ids;
  std::error_code ec;
  const fs::path top = root_ / "incidents";
  // incidents/YYYY/MM/INC-….toml: walk exactly that shape and nothing else.
  for (const auto& year : fs::directory_iterator(top, ec)) {
    if (!year.is_directory(ec)) continue;
    for (const auto& month : fs::directory_iterator(year.path(), ec)) {
      if (!month.is_directory(ec)) continue;
      for (const auto& file : fs::directory_iterator(month.path(), ec)) {
        const fs::path& p = file.path();
        if (p.extension() != ".toml") continue;
        const std::string id = p.stem().string();
        if (is_incident_id(id)) ids.push_back(id);
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  return ids;
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
      throw Error(Errc::conflict, "the repository is busy: another irctl process is writing to it",
                  "run the command again in a moment (IRCTL_LOCK_TIMEOUT sets how many seconds to wait)");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return lock;
}

void Repository::require_clean(const std::string& path) const {
  unsigned int flags = 0;
  const int rc = git_status_file(&flags, repo_.get(), path.c_str());
  if (rc == GIT_ENOTFOUND || (rc == 0 && flags == GIT_STATUS_CURRENT)) return;
  git::check(rc, "cannot check the status of " + path);
  const std::string fix = "commit your edits ('git commit " + path + "') or discard them ('git checkout HEAD -- " +
                          path + "'), then run the command again";
  if (flags & GIT_STATUS_IGNORED)
    throw Error(Errc::conflict, path + " is ignored by git, so irctl cannot commit it",
                "remove the rule that ignores it from .gitignore");
  if (flags & GIT_STATUS_WT_NEW)
    throw Error(Errc::conflict, path + " is untracked: it exists but was never committed",
                "commit it ('git add " + path + "' and 'git commit') or remove it, then run the command again");
  if (flags & GIT_STATUS_WT_DELETED)
    throw Error(Errc::conflict, path + " was deleted, and the deletion is not committed",
                "bring it back ('git checkout HEAD -- " + path + "') or commit the deletion ('git rm " + path + "')");
  throw Error(Errc::conflict, path + " has changes that are not committed", fix);
}

std::string Repository::commit(const std::vector<FileWrite>& files, const std::string& message, const Actor& author,
                               Timestamp author_time) {
  // Checked before anything is committed: writing through a symbolic link
  // could reach outside the repository, and a folder in the way would fail
  // only after the commit is made.
  for (const auto& f : files)
    if (const auto why = unwritable_reason(f.path))
      throw Error(Errc::conflict, "cannot write " + f.path + ": " + *why,
                  "irctl writes only real files and folders of the work tree; move what is in the way, then run the "
                  "command again");
  git_repository* repo = repo_.get();
  git::CommitPtr parent;
  git::TreePtr tree;
  git_oid parent_id;
  const int rc = git_reference_name_to_id(&parent_id, repo, "HEAD");
  if (rc == 0) {
    git_commit* p = nullptr;
    git::check(git_commit_lookup(&p, repo, &parent_id), "cannot read HEAD");
    parent.reset(p);
    git_tree* t = nullptr;
    git::check(git_commit_tree(&t, p), "cannot read HEAD's tree");
    tree.reset(t);
  } else if (rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) {
    git::fail(rc, "cannot read HEAD");
  }

  // The new tree is HEAD's with our files replaced, not the index's: changes
  // someone staged by hand stay staged and out of irctl's commit.
  for (const auto& f : files) {
    git_oid blob;
    git::check(git_blob_create_from_buffer(&blob, repo, f.content.data(), f.content.size()), "cannot store " + f.path);
    const git_oid tree_id = git::tree_with_file(repo, tree.get(), f.path, blob);
    git_tree* t = nullptr;
    git::check(git_tree_lookup(&t, repo, &tree_id), "cannot read the new tree");
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
  const git_commit* parents[] = {parent.get()};
  // Updating HEAD succeeds only if it still points at `parent`: a
  // compare-and-swap that refuses to lose a commit made meanwhile.
  git::check(git_commit_create(&commit_id, repo, "HEAD", author_sig.get(), committer_sig.get(), nullptr,
                               message.c_str(), tree.get(), parent ? 1 : 0, parents),
             "cannot commit");

  // The commit is made; now bring the work tree and the index in step with it.
  std::string paths;
  for (const auto& f : files) paths += " " + f.path;
  try {
    git_index* index = nullptr;
    git::check(git_repository_index(&index, repo), "cannot read the index");
    git::IndexPtr index_owner(index);
    git::check(git_index_read(index, 0), "cannot read the index");
    for (const auto& f : files) {
      write_file_atomically(root_ / f.path, f.content);
      git::check(git_index_add_bypath(index, f.path.c_str()), "cannot stage " + f.path);
    }
    git::check(git_index_write(index), "cannot write the index");
  } catch (const std::exception& e) {
    throw Error(Errc::failure, std::string(e.what()) + " (the commit " + git::oid_hex(commit_id) + " was made)",
                "bring the work tree in step with it: git checkout HEAD --" + paths);
  }
  return git::oid_hex(commit_id);
}

std::optional<Actor> Repository::git_identity() const {
  git_signature* sig = nullptr;
  if (git_signature_default(&sig, repo_.get()) < 0) return std::nullopt;
  git::SignaturePtr owner(sig);
  return Actor{sig->name, sig->email};
}

std::vector<CommitInfo> Repository::history(const std::string& path) const {
  std::vector<CommitInfo> out;
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo_.get()), "cannot walk the history");
  git::RevwalkPtr walk(raw);
  git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  const int rc = git_revwalk_push_head(raw);
  if (rc == GIT_ENOTFOUND || rc == GIT_EUNBORNBRANCH) return out;
  git::check(rc, "cannot walk the history");

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
  const auto text = [&]() -> std::optional<std::string> {
    std::error_code ec;
    const fs::path p = git_dir() / "irctl" / "current";
    if (!fs::exists(p, ec)) return std::nullopt;
    return read_file(p);
  }();
  if (!text) return std::nullopt;
  std::string id = text->substr(0, text->find_first_of("\r\n"));
  if (id.empty()) return std::nullopt;
  return id;
}

void Repository::set_current_incident(const std::optional<std::string>& id) {
  const fs::path p = git_dir() / "irctl" / "current";
  if (id) {
    write_file_atomically(p, *id + "\n");
  } else {
    std::error_code ignored;
    fs::remove(p, ignored);
  }
}

}  // namespace irctl
