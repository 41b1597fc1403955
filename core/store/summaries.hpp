#pragma once
// What list, stats, gate, the follow-up list and ingest's lookup need of every
// incident, without parsing every file each time.
//
// Parsing a file is what costs (toml11 takes milliseconds for one): at 10,000
// incidents a full read takes half a minute. So each file's summary is kept
// in .git/irctl/summaries (and what list --json prints of it in
// .git/irctl/documents), keyed by the file's git blob id and path, and a
// file is parsed again only when its blob id is one the cache has not seen.
// Blob ids come from git itself (the tree, or the index when the file's stat
// data is unchanged), so the cache needs no invalidation of its own: a
// changed file has another id. It is never committed, and deleting it only
// costs one slow read.

#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "core/model/incident.hpp"

namespace irctl {

class Repository;

struct IncidentSummary {
  /// The typed state, but for the timeline, the playbook's tasks and the
  /// curation of the timeline, which only show needs (they are left empty).
  Incident incident;
  size_t events = 0;  ///< how many entries the timeline has
  std::string path;
  /// The file as JSON (IncidentFile::to_json) without the timeline, indented
  /// as Json::dump(2) would; empty unless asked for. It points into the
  /// storage of the SummaryRead (or ListResult) it came in, and lives as long.
  std::string_view document;
};

struct FileProblem {
  std::string path;
  std::string message;
};

struct SummaryRead {
  std::vector<IncidentSummary> incidents;  ///< in ID order
  std::vector<FileProblem> problems;       ///< files that could not be read
  size_t parsed = 0;                       ///< how many files had to be parsed (cache misses)
  std::shared_ptr<const void> storage;     ///< what the documents point into
};

/// Whether read_summaries fills IncidentSummary::document (list --json).
enum class SummaryDocuments { leave_out, include };
/// The summaries of every incident file, from the cache where it has them;
/// the cache is brought up to date when anything was parsed.
SummaryRead read_summaries(Repository& repo, SummaryDocuments documents);

/// The summary of one parsed file (what the cache keeps).
IncidentSummary summarize_incident(const IncidentFile& file);

}  // namespace irctl
