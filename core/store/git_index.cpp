#include "core/store/git_index.hpp"

#include "core/store/git.hpp"

#include <algorithm>
#include <cstring>
#include <set>

// The format: git's Documentation/gitformat-index.txt. Version 2 and 3
// entries are 62 bytes of fixed fields (times, dev, ino, mode, uid, gid,
// size, object id, flags), 2 more of extended flags in version 3 when the
// flags say so, then the path and 1 to 8 NULs to a multiple of 8 bytes.

namespace irctl::git {
namespace {

constexpr size_t kFixed = 62;
constexpr size_t kChecksum = 20;
constexpr uint16_t kExtendedFlag = 0x4000;
constexpr uint16_t kStageMask = 0x3000;
constexpr uint16_t kNameMask = 0x0FFF;

struct Damaged {};

uint32_t be32(std::string_view b, size_t at) {
  if (at + 4 > b.size()) throw Damaged{};
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
uint16_t be16(std::string_view b, size_t at) {
  if (at + 2 > b.size()) throw Damaged{};
  const auto* p = reinterpret_cast<const unsigned char*>(b.data() + at);
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
void put_be32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}
void put_be16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xFF));
}

// git orders entries by path (bytes, unsigned), then by stage; so does
// string_view, whose char_traits<char> compares as unsigned char (memcmp).
bool name_before(std::string_view a, std::string_view b) { return a < b; }

struct Entry {
  size_t at = 0, size = 0;  ///< its bytes in the old index
  std::string_view name;
  uint16_t flags = 0;
  std::string replacement;  ///< new bytes, for an entry staged now
};

std::vector<Entry> read_entries(std::string_view b, uint32_t version, uint32_t count, size_t& end) {
  std::vector<Entry> entries;
  entries.reserve(count);
  size_t at = 12;
  for (uint32_t i = 0; i < count; ++i) {
    Entry e;
    e.at = at;
    e.flags = be16(b, at + 60);
    const bool extended = e.flags & kExtendedFlag;
    if (extended && version < 3) throw Damaged{};
    const size_t name_at = at + kFixed + (extended ? 2 : 0);
    const size_t nul = b.find('\0', name_at);
    if (nul == std::string_view::npos) throw Damaged{};
    e.name = b.substr(name_at, nul - name_at);
    const size_t unpadded = name_at - at + e.name.size();
    e.size = (unpadded + 8) & ~size_t{7};
    if (at + e.size > b.size() - kChecksum) throw Damaged{};
    // Sorted, as git writes it; finding a path relies on that.
    if (!entries.empty() && name_before(e.name, entries.back().name)) throw Damaged{};
    at += e.size;
    entries.push_back(e);
  }
  end = at;
  return entries;
}

// An entry as the index file holds it, at stage 0 with no other flag.
std::string entry_bytes(const StagedFile& f) {
  const git_index_entry e = index_entry_for(f);
  std::string out;
  for (const git_index_time& t : {e.ctime, e.mtime}) {
    put_be32(out, static_cast<uint32_t>(t.seconds));
    put_be32(out, t.nanoseconds);
  }
  for (const uint32_t field : {e.dev, e.ino, e.mode, e.uid, e.gid, e.file_size}) put_be32(out, field);
  out.append(reinterpret_cast<const char*>(e.id.id), GIT_OID_RAWSZ);
  put_be16(out, static_cast<uint16_t>(f.path.size()));
  out += f.path;
  out.append(8 - (out.size() % 8), '\0');
  return out;
}

// The cache-tree extension, depth first: a folder's name, NUL, its entry
// count (-1: invalid), a space, its subtree count, a newline, then its tree's
// id when valid, then its subtrees. Copies it, invalidating `folders`.
size_t copy_tree_node(std::string_view data, size_t at, const std::string& parent, const std::set<std::string>& folders,
                      std::string& out, int depth) {
  if (depth > 4096) throw Damaged{};
  const size_t nul = data.find('\0', at);
  if (nul == std::string_view::npos) throw Damaged{};
  const std::string_view name = data.substr(at, nul - at);
  const std::string path = parent.empty() ? std::string(name) : parent + "/" + std::string(name);
  const size_t space = data.find(' ', nul + 1);
  const size_t newline = data.find('\n', nul + 1);
  if (space == std::string_view::npos || newline == std::string_view::npos || space > newline) throw Damaged{};
  const std::string count(data.substr(nul + 1, space - nul - 1));
  const std::string subtrees(data.substr(space + 1, newline - space - 1));
  if (count.empty() || subtrees.empty() || subtrees.find_first_not_of("0123456789") != std::string::npos ||
      count.find_first_not_of("-0123456789") != std::string::npos || subtrees.size() > 9)
    throw Damaged{};
  const bool valid = count[0] != '-';
  size_t next = newline + 1 + (valid ? GIT_OID_RAWSZ : 0);
  if (next > data.size()) throw Damaged{};
  const bool invalidate = folders.count(path) > 0;
  out.append(name);
  out.push_back('\0');
  out += invalidate ? std::string("-1") : count;
  out += " " + subtrees + "\n";
  if (valid && !invalidate) out.append(data.substr(newline + 1, GIT_OID_RAWSZ));
  for (unsigned long i = 0, n = std::stoul(subtrees); i < n; ++i)
    next = copy_tree_node(data, next, path, folders, out, depth + 1);
  return next;
}

std::string invalidated_tree(std::string_view data, const std::set<std::string>& folders) {
  std::string out;
  size_t at = 0;
  while (at < data.size()) at = copy_tree_node(data, at, "", folders, out, 0);
  return out;
}

// The header and checksum checks every reader of the index starts with;
// false for what this file leaves to libgit2.
enum class Checksum { verify, skip };

bool readable_index(std::string_view b, uint32_t& version, Checksum checksum = Checksum::verify) {
  if (b.size() < 12 + kChecksum || b.substr(0, 4) != "DIRC") return false;
  version = be32(b, 4);
  if (version != 2 && version != 3) return false;
  return checksum == Checksum::skip || sha1({b.substr(0, b.size() - kChecksum)}) == b.substr(b.size() - kChecksum);
}

// Extensions start with an upper-case letter when git may ignore them; any
// other (split or sparse index) changes what the entries mean.
bool only_optional_extensions(std::string_view b, size_t at) {
  while (at < b.size() - kChecksum) {
    const uint32_t size = be32(b, at + 4);
    if (at + 8 + size > b.size() - kChecksum || b[at] < 'A' || b[at] > 'Z') return false;
    at += 8 + size;
  }
  return true;
}

}  // namespace

std::optional<IndexEntries> IndexEntries::parse(std::string index) {
  IndexEntries out;
  out.bytes_ = std::make_unique<const std::string>(std::move(index));
  const std::string_view b = *out.bytes_;
  try {
    uint32_t version = 0;
    if (!readable_index(b, version)) return std::nullopt;
    size_t end = 0;
    const std::vector<Entry> entries = read_entries(b, version, be32(b, 8), end);
    if (!only_optional_extensions(b, end)) return std::nullopt;
    out.entries_.reserve(entries.size());
    for (const auto& e : entries) out.entries_.push_back({e.at, e.name, (e.flags & kStageMask) == 0});
    return out;
  } catch (const Damaged&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<git_index_entry> IndexEntries::find(std::string_view path) const {
  const std::string_view b = *bytes_;
  auto it = std::lower_bound(entries_.begin(), entries_.end(), path,
                             [](const Located& e, std::string_view p) { return name_before(e.name, p); });
  for (; it != entries_.end() && it->name == path; ++it) {
    if (!it->stage0) continue;
    git_index_entry e{};
    e.ctime = {static_cast<int32_t>(be32(b, it->at)), be32(b, it->at + 4)};
    e.mtime = {static_cast<int32_t>(be32(b, it->at + 8)), be32(b, it->at + 12)};
    e.dev = be32(b, it->at + 16);
    e.ino = be32(b, it->at + 20);
    e.mode = be32(b, it->at + 24);
    e.uid = be32(b, it->at + 28);
    e.gid = be32(b, it->at + 32);
    e.file_size = be32(b, it->at + 36);
    std::memcpy(e.id.id, b.data() + it->at + 40, GIT_OID_RAWSZ);
    e.flags = be16(b, it->at + 60);
    return e;
  }
  return std::nullopt;
}

std::optional<bool> index_has_conflicts(std::string_view b) {
  try {
    uint32_t version = 0;
    // Only the stage bits are read, and a damaged index fails the write's
    // own patch (which checks the sum) a moment later: one SHA-1 a write.
    if (!readable_index(b, version, Checksum::skip)) return std::nullopt;
    size_t entries_end = 0;
    const std::vector<Entry> entries = read_entries(b, version, be32(b, 8), entries_end);
    return std::any_of(entries.begin(), entries.end(), [](const Entry& e) { return (e.flags & kStageMask) != 0; });
  } catch (const Damaged&) {
    return std::nullopt;
  }
}

git_index_entry index_entry_for(const StagedFile& file) {
  const struct stat& st = file.st;
  git_index_entry e{};
  e.ctime.seconds = static_cast<int32_t>(st.st_ctim.tv_sec);
  e.ctime.nanoseconds = static_cast<uint32_t>(st.st_ctim.tv_nsec);
  e.mtime.seconds = static_cast<int32_t>(st.st_mtim.tv_sec);
  e.mtime.nanoseconds = static_cast<uint32_t>(st.st_mtim.tv_nsec);
  e.dev = static_cast<uint32_t>(st.st_dev);
  e.ino = static_cast<uint32_t>(st.st_ino);
  e.mode = file.mode != 0 ? file.mode : (st.st_mode & S_IXUSR) ? 0100755 : 0100644;
  e.uid = static_cast<uint32_t>(st.st_uid);
  e.gid = static_cast<uint32_t>(st.st_gid);
  e.file_size = static_cast<uint32_t>(st.st_size);
  e.id = file.id;
  e.path = file.path.c_str();
  return e;
}

bool is_racy(const git_index_time& entry_mtime, const struct timespec& index_mtime) {
  const auto entry_s = static_cast<uint32_t>(entry_mtime.seconds);
  const auto index_s = static_cast<uint32_t>(index_mtime.tv_sec);
  const auto index_ns = static_cast<uint32_t>(index_mtime.tv_nsec);
  return entry_s > index_s || (entry_s == index_s && entry_mtime.nanoseconds >= index_ns);
}

bool unchanged_since_staged(const git_index_entry& entry, const struct stat& file,
                            const struct timespec& index_mtime) {
  const auto same_time = [](const git_index_time& t, const struct timespec& ts) {
    return t.seconds == static_cast<int32_t>(ts.tv_sec) && t.nanoseconds == static_cast<uint32_t>(ts.tv_nsec);
  };
  return !is_racy(entry.mtime, index_mtime) && S_ISREG(file.st_mode) && same_time(entry.mtime, file.st_mtim) &&
         same_time(entry.ctime, file.st_ctim) && entry.file_size == static_cast<uint32_t>(file.st_size) &&
         entry.ino == static_cast<uint32_t>(file.st_ino);
}

std::optional<std::string> index_with_files(std::string_view b, const std::vector<StagedFile>& files,
                                            const struct timespec& index_mtime) {
  try {
    uint32_t version = 0;
    if (!readable_index(b, version)) return std::nullopt;
    size_t entries_end = 0;
    std::vector<Entry> entries = read_entries(b, version, be32(b, 8), entries_end);
    if (!only_optional_extensions(b, entries_end)) return std::nullopt;

    std::set<std::string> folders = {""};  // the root, and every folder above a staged file
    for (const auto& f : files) {
      if (f.path.empty() || f.path.size() >= kNameMask) return std::nullopt;
      for (size_t slash = f.path.find('/'); slash != std::string::npos; slash = f.path.find('/', slash + 1))
        folders.insert(f.path.substr(0, slash));
      const auto first = std::lower_bound(entries.begin(), entries.end(), f.path,
                                          [](const Entry& e, const std::string& p) { return name_before(e.name, p); });
      auto it = first;
      bool staged = false;
      for (; it != entries.end() && it->name == f.path; ++it) {
        if ((it->flags & kStageMask) != 0 || (it->flags & kExtendedFlag)) return std::nullopt;  // a conflict; skip-worktree, intent-to-add
        it->replacement = entry_bytes(f);
        staged = true;
      }
      if (!staged) {
        Entry e;
        e.replacement = entry_bytes(f);
        e.name = f.path;  // views the caller's string, which outlives this call
        entries.insert(first, e);
      }
    }

    std::string out;
    out.reserve(b.size() + 256 * files.size());
    out.append(b.substr(0, 8));
    put_be32(out, static_cast<uint32_t>(entries.size()));
    for (const auto& e : entries) {
      if (!e.replacement.empty()) {
        out += e.replacement;
        continue;
      }
      const size_t at = out.size();
      out.append(b.substr(e.at, e.size));
      // Racily clean: smudged (size 0), as git does, so that a reader
      // compares the content instead of trusting the stat data.
      const git_index_time mtime{static_cast<int32_t>(be32(b, e.at + 8)), be32(b, e.at + 12)};
      if (is_racy(mtime, index_mtime)) std::memset(out.data() + at + 36, 0, 4);
    }

    for (size_t at = entries_end; at < b.size() - kChecksum;) {
      const std::string_view signature = b.substr(at, 4);
      const uint32_t size = be32(b, at + 4);  // checked by only_optional_extensions
      const std::string_view data = b.substr(at + 8, size);
      if (signature == "TREE") {
        const std::string tree = invalidated_tree(data, folders);
        out += "TREE";
        put_be32(out, static_cast<uint32_t>(tree.size()));
        out += tree;
      } else if (signature == "REUC") {
        out.append(b.substr(at, 8 + size));
      }
      // Other optional extensions (offset tables, the untracked cache, the
      // fsmonitor's bitmap) would no longer match the entries: left out, as
      // libgit2 leaves out what it does not know; git rebuilds them.
      at += 8 + size;
    }
    out += sha1({out});
    return out;
  } catch (const Damaged&) {
    return std::nullopt;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace irctl::git
