// Opening a repository and telling its layout, its configuration (irctl's
// and git's), and reading its files. The rest of Repository is defined by
// job: incident_walk.cpp, transaction.cpp, work_tree.cpp, history.cpp.

#include "core/store/repository.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

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

Repository::Repository(git::RepositoryPtr repo, fs::path root) : repo_(std::move(repo)), root_(std::move(root)) {}

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
  if (r.write_in_flight()) {
    auto lock = r.lock();  // finishes the interrupted write before anything is read
  }
  return r;
}

OpenedRepository Repository::open_or_create(const fs::path& dir, Search search) {
  git::ensure_initialised();
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(Errc::failure, "cannot create " + quote(dir.string()) + ": " + ec.message());
  git_repository* raw = nullptr;
  int rc = git_repository_open_ext(&raw, dir.c_str(), search == Search::upwards ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
  bool created = false;
  if (rc == GIT_ENOTFOUND) {
    rc = git_repository_init(&raw, dir.c_str(), 0);
    created = true;
  }
  git::check(rc, "cannot open or create a git repository at " + dir.string());
  git::RepositoryPtr repo(raw);
  if (git_repository_is_bare(raw))
    throw Error(Errc::usage, dir.string() + " is a bare git repository", "run 'irctl init' in a clone with a work tree");
  return OpenedRepository{Repository(std::move(repo), work_tree_of(raw)), created};
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
  people_.reset();
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

const People& Repository::people() {
  if (!people_) {
    const auto text = read(kPeoplePath);
    people_ = text ? parse_people(*text, kPeoplePath) : People();
  }
  return *people_;
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
  refuse_outside(path);
  return read_file(p);
}

void Repository::refuse_outside(const std::string& path) const {
  if (const auto why = outside_reason(path))
    throw Error(Errc::data, "irctl will not read " + path + ": " + *why,
                "replace the link with the file itself ('git rm " + path + "', copy the file there, 'git add' it)");
}

bool Repository::committed(const std::string& path) const { return committed_blob(path).has_value(); }

std::optional<git_oid> Repository::committed_blob(const std::string& path) const {
  return git::blob_id_at(tip_tree(), path);
}

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

std::optional<std::string> Repository::read_private(const std::string& name) const {
  std::error_code ec;
  const fs::path p = git_dir() / "irctl" / name;
  if (!fs::exists(p, ec)) return std::nullopt;
  return read_file(p);
}

MappedFile Repository::map_private(const std::string& name) const {
  return map_file(git_dir() / "irctl" / name);
}

void Repository::write_private(const std::string& name, const std::string& content) const {
  write_file_atomically(git_dir() / "irctl" / name, content);
}

void Repository::write_private(const std::string& name, const std::vector<std::string_view>& pieces) const {
  write_file_atomically(git_dir() / "irctl" / name, pieces);
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