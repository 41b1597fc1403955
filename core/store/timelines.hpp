#pragma once
// Where an incident file irctl wrote splits into its state and its timeline,
// and the timeline's events, cached in the git directory by the file's blob
// id (.git/irctl/timeline.ID.BLOB), so that a write to a long incident reads
// neither its timeline's TOML nor more than the state keys
// (IncidentFile::from_split). Like the summary cache, an optimisation only:
// delete the files at any time, and the next write reads the file whole.

#include <optional>
#include <string>
#include <vector>

#include "core/model/incident.hpp"
#include "core/store/repository.hpp"

namespace irctl {

struct CachedTimeline {
  size_t timeline_offset = 0;  ///< IncidentFile::timeline_offset of the file
  std::vector<Event> timeline;
};

/// What remember_timeline kept for the file of incident `id` whose blob id is
/// `blob`; nullopt when nothing (or something damaged) is kept. Removes what
/// is kept for the incident's other versions but this one.
std::optional<CachedTimeline> cached_timeline(const Repository& repo, const std::string& id, const git_oid& blob);

/// Keeps the split of the file of incident `id` whose blob id is `blob`;
/// when it cannot, nothing is kept and nothing is said (an optimisation).
void remember_timeline(const Repository& repo, const std::string& id, const git_oid& blob, size_t timeline_offset,
                       const std::vector<Event>& timeline);

}  // namespace irctl
