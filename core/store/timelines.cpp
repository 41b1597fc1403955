#include "core/store/timelines.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <type_traits>

#include "core/error.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace {

namespace fs = std::filesystem;

// The first bytes of a .versions file. Changed with any change of the layout
// (the record below, encode_events' bytes, the pieces of deflated.hpp), so
// that an old log is ignored, never misread.
constexpr std::string_view kLayout = "irctl timeline log 3\n";

// One version of the file, as the .versions file keeps it: its blob id and
// how much of the other files it covers: its timeline's text (.text), its
// events (.events), the text deflated (.deflated); its header is in
// .headers, from header_at. `adler` is the timeline's text's Adler-32, and
// `deflated_bytes_adler` that of the deflated bytes themselves: they go into
// git objects as they are, so damage to them must be seen before.
// In the machine's order: the log never leaves it.
struct Version {
  unsigned char blob[GIT_OID_RAWSZ];
  uint32_t adler;
  uint32_t deflated_bytes_adler;
  uint32_t unused;
  uint64_t timeline_offset;
  uint64_t event_count;
  uint64_t text_bytes;
  uint64_t events_bytes;
  uint64_t deflated_bytes;
  uint64_t deflated_size;
  uint64_t header_at;
};
static_assert(std::is_trivially_copyable_v<Version> && sizeof(Version) == 88);

struct LogFiles {
  fs::path text, events, deflated, headers, versions;
  LogFiles(const Repository& repo, const std::string& id) {
    const std::string base = (repo.git_dir() / "irctl" / ("timeline." + id)).string();
    text = base + ".text";
    events = base + ".events";
    deflated = base + ".deflated";
    headers = base + ".headers";
    versions = base + ".versions";
  }
};

}  // namespace

// Every file of the incident's cache, of this layout or an older one.
void forget_timeline(const Repository& repo, const std::string& id) {
  std::error_code ec;
  const std::string start = "timeline." + id + ".";
  for (const auto& entry : fs::directory_iterator(repo.git_dir() / "irctl", ec))
    if (entry.path().filename().string().rfind(start, 0) == 0) fs::remove(entry.path(), ec);
}

namespace {

// `bytes` written at `at`, where the file is cut first: what followed
// belonged to versions that are dropped.
void write_at(const fs::path& path, uint64_t at, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  bool ok = fd >= 0 && ::ftruncate(fd, static_cast<off_t>(at)) == 0 &&
            ::lseek(fd, static_cast<off_t>(at), SEEK_SET) == static_cast<off_t>(at) && write_all(fd, bytes);
  if (fd >= 0 && ::close(fd) != 0) ok = false;
  if (!ok) throw Error(Errc::failure, "cannot write " + path.string() + ": " + std::strerror(errno));
}

std::string_view bytes_of(const Version& v) { return {reinterpret_cast<const char*>(&v), sizeof v}; }

}  // namespace

std::optional<CachedTimeline> cached_timeline(const Repository& repo, const std::string& id, const git_oid& blob) {
  const LogFiles files(repo, id);
  const MappedFile versions = map_file(files.versions);
  std::string_view log = versions.bytes();
  if (log.substr(0, kLayout.size()) != kLayout) return std::nullopt;
  log.remove_prefix(kLayout.size());
  // The newest first: that is the one a write reads, but after a reset. A
  // record cut short by a kill is left out.
  for (size_t i = log.size() / sizeof(Version); i-- > 0;) {
    Version v;
    std::memcpy(&v, log.data() + i * sizeof v, sizeof v);
    if (std::memcmp(v.blob, blob.id, GIT_OID_RAWSZ) != 0) continue;
    // One owner for the two mappings the file's view points into.
    struct Storage {
      MappedFile text, events, deflated;
    };
    auto storage =
        std::make_shared<Storage>(Storage{map_file(files.text), map_file(files.events), map_file(files.deflated)});
    const MappedFile headers = map_file(files.headers);
    const uint64_t header_bytes = v.timeline_offset;
    if (v.text_bytes > storage->text.bytes().size() || v.events_bytes > storage->events.bytes().size() ||
        v.deflated_bytes > storage->deflated.bytes().size() || v.header_at > headers.bytes().size() ||
        header_bytes > headers.bytes().size() - v.header_at || v.event_count == 0 ||
        deflate_checksum(storage->deflated.bytes().substr(0, v.deflated_bytes)) != v.deflated_bytes_adler)
      return std::nullopt;  // damaged
    CachedTimeline out;
    out.timeline_offset = v.timeline_offset;
    out.header = headers.bytes().substr(v.header_at, header_bytes);
    out.timeline = storage->text.bytes().substr(0, v.text_bytes);
    out.event_count = v.event_count;
    out.encoded_events = storage->events.bytes().substr(0, v.events_bytes);
    out.deflated = DeflatedSpan{storage->deflated.bytes().substr(0, v.deflated_bytes), v.adler, v.deflated_size};
    out.header_end = v.header_at + header_bytes;
    out.deflated_bytes_adler = v.deflated_bytes_adler;
    out.storage = std::move(storage);
    out.version = i;
    return out;
  }
  return std::nullopt;
}

void remember_timeline(const Repository& repo, const std::string& id, const CachedTimeline* base,
                       const TimelineVersion& version, std::string_view events_after) {
  const LogFiles files(repo, id);
  const std::string_view header = version.text.substr(0, version.timeline_offset);
  const std::string_view timeline = version.text.substr(version.timeline_offset);
  Version v{};
  std::memcpy(v.blob, version.blob.id, GIT_OID_RAWSZ);
  v.adler = version.deflated_adler;
  v.timeline_offset = version.timeline_offset;
  v.event_count = version.event_count;
  v.text_bytes = timeline.size();
  v.events_bytes = (base ? base->encoded_events.size() : 0) + events_after.size();
  v.deflated_bytes = (base ? base->deflated.bytes.size() : 0) + version.deflated_after.size();
  const uint32_t after_adler = deflate_checksum(version.deflated_after);
  v.deflated_bytes_adler =
      base ? combined_checksum(base->deflated_bytes_adler, after_adler, version.deflated_after.size()) : after_adler;
  v.deflated_size = version.deflated_size;
  v.header_at = base ? base->header_end : 0;
  try {
    if (!base) {
      forget_timeline(repo, id);
      write_file_atomically(files.text, timeline);
      write_file_atomically(files.events, events_after);
      write_file_atomically(files.deflated, version.deflated_after);
      write_file_atomically(files.headers, header);
      write_file_atomically(files.versions, std::vector<std::string_view>{kLayout, bytes_of(v)});
      return;
    }
    // What follows base's bytes in each file: the timeline only grew.
    if (timeline.size() < base->timeline.size() || timeline.compare(0, 14, "\n[[timeline]]\n") != 0)
      throw Error(Errc::failure, "the timeline does not grow");
    write_at(files.text, base->timeline.size(), timeline.substr(base->timeline.size()));
    write_at(files.events, base->encoded_events.size(), events_after);
    write_at(files.deflated, base->deflated.bytes.size(), version.deflated_after);
    write_at(files.headers, base->header_end, header);
    // The record last: until it is there, the log names none of what was added.
    write_at(files.versions, kLayout.size() + (base->version + 1) * sizeof v, bytes_of(v));
  } catch (const Error&) {
    // Not kept (a full disk, a read-only git directory): the next write reads the file whole.
    forget_timeline(repo, id);
  }
}

}  // namespace irctl
