#include "core/store/timelines.hpp"

#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/model/event_binary.hpp"

namespace irctl {
namespace {

std::string prefix(const std::string& id) { return "timeline." + id + "."; }

std::string file_name(const std::string& id, const git_oid& blob) { return prefix(id) + git::oid_hex(blob); }

// The other versions' entries: the next write reads this version (or one
// that is not cached), so two entries at most stay per incident: this one and
// the one its write adds.
void forget_other_versions(const Repository& repo, const std::string& id, const std::string& kept) {
  std::error_code ec;
  const std::string start = prefix(id);
  for (const auto& entry : std::filesystem::directory_iterator(repo.git_dir() / "irctl", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(start, 0) == 0 && name != kept) std::filesystem::remove(entry.path(), ec);
  }
}

}  // namespace

std::optional<CachedTimeline> cached_timeline(const Repository& repo, const std::string& id, const git_oid& blob) {
  const std::string name = file_name(id, blob);
  forget_other_versions(repo, id, name);
  try {
    const MappedFile mapped = repo.map_private(name);
    const std::string_view bytes = mapped.bytes();
    uint64_t offset = 0;
    if (bytes.size() < sizeof offset) return std::nullopt;
    std::memcpy(&offset, bytes.data(), sizeof offset);
    return CachedTimeline{static_cast<size_t>(offset), decode_events(bytes.substr(sizeof offset))};
  } catch (const Error&) {
    return std::nullopt;  // unreadable or damaged: the file is read whole
  }
}

void remember_timeline(const Repository& repo, const std::string& id, const git_oid& blob, size_t timeline_offset,
                       const std::vector<Event>& timeline) {
  const uint64_t offset = timeline_offset;
  const std::string events = encode_events(timeline);
  try {
    repo.write_private(file_name(id, blob),
                       {std::string_view(reinterpret_cast<const char*>(&offset), sizeof offset), events});
  } catch (const Error&) {
    // Not kept (a full disk, a read-only git directory): the next write reads the file whole.
  }
}

}  // namespace irctl
