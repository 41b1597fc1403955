// A folder of static files built in place; see static_site.hpp.
#include "core/static_site.hpp"

#include <algorithm>
#include <sstream>
#include <system_error>

#include "core/error.hpp"
#include "core/model/embedded.hpp"
#include "core/postmortem.hpp"
#include "core/store/repository.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

// Where a manifest's path may lead: inside the folder, never up or out (the
// manifest is a file in a folder anyone may have written to).
bool stays_inside(const std::string& path) {
  if (path.empty() || path.front() == '/') return false;
  for (const auto& part : fs::path(path))
    if (part == "..") return false;
  return true;
}

// Whether `p` is a file of its own, not a symbolic link: a link planted in
// the folder is neither read nor kept as a page.
bool is_plain_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(fs::symlink_status(p, ec));
}

// The first folder on the way from `root` to `path` (a path inside it) that
// is a symbolic link, or an empty path: a build writes and removes only
// through folders of the site's own, never through a link to elsewhere.
fs::path link_on_the_way(const fs::path& root, const std::string& path) {
  fs::path at = root;
  const fs::path folders = fs::path(path).parent_path();
  for (const auto& part : folders) {
    at /= part;
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(at, ec))) return at;
  }
  return {};
}

// Whether `path` is `folder` or inside it (both canonical).
bool is_within(const fs::path& path, const fs::path& folder) {
  const auto [end, _] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return end == folder.end();
}

// Whether a site built into `target` could replace or remove the
// repository's files: it holds the work tree, or is in one of irctl's own
// folders there (the ones no postmortem is written to either).
bool holds_repository_or_its_files(const fs::path& root, const fs::path& target) {
  if (is_within(root, target)) return true;
  for (const char* own : {".irctl", "incidents", "evidence"})
    if (is_within(target, root / own)) return true;
  return false;
}

}  // namespace

// "PATH\tSIZE\tKEY" lines, or a bare "PATH" (a manifest of an earlier
// irctl, or a file built from no key).
std::map<std::string, SiteFolder::Built> SiteFolder::read_manifest(const fs::path& file) {
  std::map<std::string, Built> out;
  std::istringstream in(read_file(file));
  for (std::string line; std::getline(in, line);) {
    const size_t tab = line.find('\t');
    const std::string path = line.substr(0, tab);
    if (!stays_inside(path)) continue;
    Built b;
    if (tab != std::string::npos) {
      const size_t second = line.find('\t', tab + 1);
      b.size = std::strtoull(line.c_str() + tab + 1, nullptr, 10);
      if (second != std::string::npos) b.key = line.substr(second + 1);
    }
    out[path] = b;
  }
  return out;
}

SiteFolder::SiteFolder(fs::path dir, std::string manifest_name)
    : root_(std::move(dir)), manifest_name_(std::move(manifest_name)) {
  std::error_code ec;
  if (!fs::exists(root_, ec)) {
    if (fs::is_symlink(fs::symlink_status(root_, ec)))
      throw Error(Errc::usage,
                  root_.string() + " is a symbolic link to " + fs::read_symlink(root_, ec).string() +
                      ", which does not exist",
                  "make the folder it points to, or name a new or empty directory");
    return;
  }
  if (!fs::is_directory(root_, ec))
    throw Error(Errc::usage, root_.string() + " is not a directory",
                "name a new or empty directory, or one irctl built before");
  const fs::path manifest = root_ / manifest_name_;
  // A link in its place is no manifest irctl wrote, and would have it read elsewhere.
  const fs::file_status manifest_status = fs::symlink_status(manifest, ec);
  if (fs::exists(manifest_status) && !fs::is_symlink(manifest_status)) {
    before_ = read_manifest(manifest);
    return;
  }
  if (fs::directory_iterator(root_, ec) != fs::directory_iterator())
    throw Error(Errc::conflict, root_.string() + " is not empty and was not built by irctl",
                "name a new or empty directory: irctl replaces and removes the files it built there");
}

bool SiteFolder::holds(const std::string& path, const std::string& key) const {
  const auto it = before_.find(path);
  if (it == before_.end() || key.empty() || it->second.key != key) return false;
  std::error_code ec;
  if (!is_plain_file(root_ / path) || !link_on_the_way(root_, path).empty()) return false;
  const auto size = fs::file_size(root_ / path, ec);
  return !ec && size == it->second.size;
}

void SiteFolder::keep(const std::string& path) {
  now_[path] = before_.at(path);
  ++counts_.unchanged;
}

void SiteFolder::put(const std::string& path, const std::string& content, const std::string& key) {
  const fs::path p = root_ / path;
  if (const fs::path link = link_on_the_way(root_, path); !link.empty())
    throw Error(Errc::conflict, "irctl will not write " + p.string() + ": " + link.string() + " is a symbolic link",
                "remove the link: irctl builds the site in folders of its own, never through a link to elsewhere");
  std::error_code ec;
  const bool same = is_plain_file(p) && fs::file_size(p, ec) == content.size() && read_file(p) == content;
  if (!same) write_file_atomically(p, content);
  const std::lock_guard<std::mutex> hold(putting_);
  now_[path] = {key, content.size()};
  ++(same ? counts_.unchanged : counts_.written);
}

SiteWrite SiteFolder::finish() {
  std::error_code ec;
  for (const auto& [path, built] : before_)
    if (!now_.count(path) && link_on_the_way(root_, path).empty() && fs::remove(root_ / path, ec)) ++counts_.removed;
  std::string listed;
  for (const auto& [path, built] : now_)
    listed += path + '\t' + std::to_string(built.size) + '\t' + built.key + '\n';
  write_file_atomically(root_ / manifest_name_, listed);
  return counts_;
}

SiteWrite write_site(const std::string& dir, const std::vector<SiteFile>& files, const std::string& manifest_name) {
  SiteFolder folder(dir, manifest_name);
  for (const auto& f : files) folder.put(f.path, f.content);
  return folder.finish();
}

Template site_template(const Repository& repo, const std::string& file) {
  const std::string own = ".irctl/templates/" + file;
  if (auto text = repo.read(own)) return {own, *text, TemplateFormat::html};
  return {file + " (built-in)", *embedded::find("templates/" + file), TemplateFormat::html};
}

std::string site_asset(const Repository& repo, const std::string& file) {
  if (auto text = repo.read(".irctl/templates/" + file)) return *text;
  return *embedded::find("templates/" + file);
}

void refuse_site_in_repository(const Repository& repo, const std::string& dir, const std::string& what) {
  std::error_code ec;
  const fs::path target = fs::weakly_canonical(fs::absolute(dir), ec);
  const fs::path root = fs::weakly_canonical(repo.root(), ec);
  if (is_within(target, fs::weakly_canonical(repo.git_dir(), ec)) || target == root)
    throw Error(Errc::usage, "irctl will not build " + what + " into " + dir + ": it is the repository or its git folder",
                "name a folder of its own, such as public/ or /srv/status");
  // A manifest there (stale, or planted) could name the repository's files
  // for the build to remove.
  if (holds_repository_or_its_files(root, target))
    throw Error(Errc::usage,
                "irctl will not build " + what + " into " + dir + ": it holds the repository or is one of irctl's own "
                "folders in it",
                "name a folder of its own, such as public/ or /srv/status");
}

}  // namespace irctl
