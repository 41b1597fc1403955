#pragma once
// A folder of static files that irctl builds and rebuilds in place (the
// status page, the incident site): each file written only when its bytes
// changed, so that a deploy by rsync or a git push of the folder moves only
// what changed, and the files an earlier build made and this one does not
// removed. A manifest in the folder lists what irctl built there; a folder
// with no manifest is irctl's only when it is new or empty, so that a typo
// in DIR never has irctl replace someone's files.

#include <cstddef>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace irctl {

class Repository;
struct Template;

struct SiteFile {
  std::string path;  ///< relative to the site's folder, with '/'
  std::string content;
};

struct SiteWrite {
  size_t written = 0;    ///< new or changed
  size_t unchanged = 0;  ///< the same bytes were there (or kept): not touched
  size_t removed = 0;    ///< built before, not any more (an incident voided)
};

/// One build into a folder. The manifest (`manifest_name` in the folder)
/// also records, for a file built from a key (a digest of everything it was
/// rendered from), that key: a build that renders a file only when its
/// inputs changed asks holds() first and keep()s what it did not render.
class SiteFolder {
 public:
  /// Opens `dir` (made on the first put) for a build. Refuses a path that is
  /// not a directory or a symbolic link to nothing (Errc::usage), and a folder
  /// that is not empty and holds no manifest of this name (Errc::conflict; a
  /// symbolic link in the manifest's place is none).
  SiteFolder(std::filesystem::path dir, std::string manifest_name);

  /// Whether the last build wrote `path` from `key` and the file is still
  /// there, a file of its own (not a symbolic link) of the size it was
  /// written with.
  bool holds(const std::string& path, const std::string& key) const;
  /// Keeps the file the last build wrote (holds() was true): it counts as unchanged.
  void keep(const std::string& path);
  /// Writes the file, unless the folder has these bytes there already.
  /// `key`: what it was built from, for the next build's holds(); empty: none.
  /// Refuses (Errc::conflict) to write through a folder of `dir` that is a
  /// symbolic link; a link where the file goes is replaced, never read.
  /// Several threads may put at once (each its own paths), so that pages
  /// are written where they are rendered.
  void put(const std::string& path, const std::string& content, const std::string& key = {});
  /// Removes what the last build wrote and this one neither put nor kept
  /// (only files the manifest names, never anything else, never through a
  /// folder that is a symbolic link), then writes the
  /// manifest. A build that throws before finish() leaves the last manifest.
  SiteWrite finish();

 private:
  struct Built {
    std::string key;
    size_t size = 0;
  };
  static std::map<std::string, Built> read_manifest(const std::filesystem::path& file);
  std::filesystem::path root_;
  std::string manifest_name_;
  std::map<std::string, Built> before_;  ///< from the manifest
  std::map<std::string, Built> now_;     ///< this build's
  SiteWrite counts_;
  std::mutex putting_;  ///< over now_ and counts_
};

/// The files, put into `dir` in one build (what the status page does).
SiteWrite write_site(const std::string& dir, const std::vector<SiteFile>& files, const std::string& manifest_name);

/// A template of a site's pages: the repository's .irctl/templates/FILE, else
/// the built-in templates/FILE; rendered as HTML (its values escaped so).
Template site_template(const Repository& repo, const std::string& file);
/// A file served as it is (a stylesheet, a script), overridable the same way.
std::string site_asset(const Repository& repo, const std::string& file);

/// Refuses (Errc::usage) to build `what` ("the status page") into the
/// repository's work tree root or its git folder, where a rebuild would
/// replace or remove the repository's own files.
void refuse_site_in_repository(const Repository& repo, const std::string& dir, const std::string& what);

}  // namespace irctl
