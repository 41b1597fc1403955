#pragma once
// Merging two versions of the repository's files by what they mean rather
// than by their lines. Incident files are united event by event; the result
// depends only on the two versions and their common ancestor, never on which
// clone merges, so clones that merge the same histories converge.

#include <optional>
#include <string>
#include <vector>

namespace irctl {

struct MergedText {
  std::string text;
  /// The fields both sides changed to different values, as "field: A | B -> C";
  /// each is also recorded on the incident by a "merge" event.
  std::vector<std::string> conflicts;
};

/// Three-way merge of an incident file. The timelines are united by event id,
/// in time order; each field takes the side that changed it, and a field both
/// sides changed takes the value its latest event gave it (lists are united;
/// the times a stage was first reached, such as acknowledged_at, the earlier),
/// recorded by a "merge" event whose id and time come from the merged events,
/// so that every clone makes the same one. `base` may be absent (or not parse).
/// Throws Error(Errc::data) naming the side ("ours"/"theirs") that does not
/// parse.
MergedText merge_incident(const std::optional<std::string>& base, const std::string& ours, const std::string& theirs,
                          const std::string& path);

/// Registers the merge driver for incident files in the repository's own git
/// configuration (merge.irctl.name and merge.irctl.driver), so that plain
/// 'git merge' and 'git pull' merge incidents as irctl sync does. `program`
/// is the irctl to run. Returns the driver command line.
class Repository;
std::string install_merge_driver(Repository& repo, const std::string& program);
/// The same in the user's global git configuration, for every clone; sets
/// `config_file` to the file written (~/.gitconfig, or git's XDG file when
/// only that exists).
std::string install_merge_driver_globally(const std::string& program, std::string& config_file);
/// What a plain 'git clone' lacks: when .gitattributes routes incident files
/// to the driver and no git configuration defines it, defines it as
/// install_merge_driver does (as git-lfs installs its hooks) and returns the
/// driver; nullopt when there was nothing to do.
std::optional<std::string> configure_missing_merge_driver(Repository& repo, const std::string& program);

/// The .gitattributes line that routes incident files to that driver.
constexpr const char* kMergeAttributes = "incidents/**/*.toml merge=irctl\n";
/// Whether the committed .gitattributes has that line.
bool routes_incidents_to_driver(const Repository& repo);

}  // namespace irctl
