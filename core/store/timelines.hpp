#pragma once
// Where an incident file irctl wrote splits into its state and its timeline,
// the timeline's events, and the timeline's text deflated, kept in the git
// directory for each version of the file (by its blob id), so that a write
// to a long incident reads neither its timeline's TOML nor more than the
// state keys (IncidentFile::from_split_encoded), decodes no event it does
// not need, and deflates little more than what it adds (deflated.hpp).
//
// A timeline only grows, so each version's events and deflated text are a
// start of the next one's: the cache of an incident is a log that a write
// appends to (.git/irctl/timeline.ID.text, .events, .deflated, .headers and
// .versions), not a copy of it all; in the branch layout, a write reads the
// file from it rather than out of git (inflated and hash-checked). Like the
// summary cache, an optimisation only: delete the files at any time, and the
// next write reads the file whole.

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/store/deflated.hpp"
#include "core/store/repository.hpp"

namespace irctl {

struct CachedTimeline {
  size_t timeline_offset = 0;  ///< IncidentFile::timeline_offset of the file
  std::string header;          ///< the file's text before it
  std::string_view timeline;   ///< the file's text from it on, in `storage`
  size_t event_count = 0;
  std::string_view encoded_events;  ///< encode_events of them all, in `storage`
  /// The timeline's text deflated (FileWrite::deflated), in `storage`.
  DeflatedSpan deflated;
  size_t header_end = 0;  ///< where its header ends in the log's .headers
  uint32_t deflated_bytes_adler = 1;  ///< of deflated.bytes themselves (checked when read)
  std::shared_ptr<const void> storage;
  size_t version = 0;  ///< its place in the log
};

/// What remember_timeline kept for the file of incident `id` whose blob id is
/// `blob`; nullopt when nothing (or something damaged) is kept.
std::optional<CachedTimeline> cached_timeline(const Repository& repo, const std::string& id, const git_oid& blob);

/// What a version of the file holds, for remember_timeline: `text` split
/// at `timeline_offset`, its `event_count` events, and its timeline's text
/// deflated: the Adler-32 and size of all of it, and the bytes that follow
/// the base version's (all of them without a base).
struct TimelineVersion {
  git_oid blob;
  std::string_view text;
  size_t timeline_offset;
  size_t event_count;
  uint32_t deflated_adler;
  uint64_t deflated_size;
  std::string_view deflated_after;
};

/// Drops what is kept for incident `id` (the next write starts anew).
void forget_timeline(const Repository& repo, const std::string& id);

/// Keeps `version` of incident `id`'s file: the version `base` (from
/// cached_timeline) and then the events `events_after` (encode_events of
/// those after base's), or, with no base, a log that starts anew with
/// `events_after` as every event. Versions after base in the log (of a
/// history that was left: a reset) are dropped. When it cannot keep it,
/// nothing is said (an optimisation).
void remember_timeline(const Repository& repo, const std::string& id, const CachedTimeline* base,
                       const TimelineVersion& version, std::string_view events_after);

}  // namespace irctl
