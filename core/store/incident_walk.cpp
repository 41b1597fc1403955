// The incident files of a repository, found by walking exactly the shape
// incidents/YYYY/MM/INC-….toml: in git's tree in the branch layout, in the
// work tree in the checkout layout (with the index saying which files it
// need not read).

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/store/git_index.hpp"
#include "core/store/repository.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

// Calls `visit` with the path (prefixed with `prefix`) and entry of every
// blob under `tree`, descending `depth` levels at most; a folder below that
// is passed to `visit` too, and not entered.
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

[[noreturn]] void refuse_linked_folder(const std::string& dir) {
  throw Error(Errc::data, dir + " is a symbolic link: irctl reads incident files only where git keeps them",
              "replace the link with the folder itself ('git rm " + dir + "', then move the folder there and 'git add' it)");
}

// Calls `visit` with every entry of the folder `name` in `parent_fd` (and the
// folder's own fd, for fstatat), skipping "." and ".."; nothing when it cannot
// be opened. A folder given by a symbolic link is refused (named as `shown`),
// not followed: it could lead anywhere on this machine.
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

void Repository::visit_incident_files(const IncidentFileVisitor& visit, StatData stat_data) const {
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
        if (stat_data == StatData::skipped)
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
      StatData::skipped);
  std::sort(ids.begin(), ids.end());
  return ids;
}

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
          if (e && git::unchanged_since_staged(*e, *st, index_st.st_mtim)) b.oid = e->id;
        }
        out.push_back(std::move(b));
      },
      entries || index ? StatData::read : StatData::skipped);
  if (index) git_index_free(index);
  std::sort(out.begin(), out.end(), [](const IncidentBlob& a, const IncidentBlob& b) { return a.id < b.id; });
  return out;
}

}  // namespace irctl
