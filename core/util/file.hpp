#pragma once
// Whole files, read and written the one way irctl does it: the reader never
// blocks on a FIFO put where a file belongs and reads regular files only; the
// writer goes through a temporary file and a rename, so that a reader (or a
// crash) sees the old file or the new one, never half of one.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace irctl {

/// What the readers throw: an Error naming the file and why it cannot be
/// read. Errc::data, with a hint, for a file that is not a regular file (a
/// FIFO, a folder, a device); Errc::failure with errno's text otherwise.
/// Callers that say it in their own words catch it for reason().
class ReadFailure : public Error {
 public:
  /// `error` is errno; 0 for a file that is not a regular file.
  ReadFailure(const std::filesystem::path& path, int error);
  int error() const { return error_; }
  bool not_regular() const { return error_ == 0; }
  /// "it is not a regular file", or errno's text.
  std::string reason() const;

 private:
  int error_;
};

/// The whole content of the regular file `path`. `stat_out`, when given,
/// receives the stat data of the file that was read.
/// `room`: bytes of capacity beyond the file's, for a caller that will grow
/// the text in place (IncidentFile::take_render), which then copies nothing.
std::string read_file(const std::filesystem::path& path, struct stat* stat_out = nullptr, size_t room = 0);

/// The same, handed to `take` a piece at a time, for a file that need not fit
/// in memory (evidence is hashed this way).
void read_file_in_pieces(const std::filesystem::path& path, const std::function<void(std::string_view)>& take,
                         struct stat* stat_out = nullptr);

/// At most `limit` + 1 bytes of `in`: one byte past the limit tells a text
/// that is too long from one that fits, without holding more than that (a
/// pipe from /dev/zero never ends). nullopt when the read fails (a folder,
/// an I/O error), which is not an empty text. For standard input and the
/// files that stand in for it, where a named pipe is a fair thing to read;
/// files irctl reads for itself go through read_file.
std::optional<std::string> read_at_most(std::istream& in, size_t limit);

/// Writes all of `data` to `fd`, through short writes and interruptions;
/// false, with errno set, when it cannot.
bool write_all(int fd, std::string_view data);

/// The permission bits a written file gets unless told otherwise (the umask
/// takes more away), as a file made by any program.
constexpr mode_t kDefaultFilePerms = 0666;

/// Where write_file_atomically writes `path` before the rename:
/// "PATH.irctl-tmp-PID".
std::filesystem::path temporary_path_for(const std::filesystem::path& path);
/// What every such temporary file's name holds.
constexpr std::string_view kTemporaryMarker = ".irctl-tmp-";

/// Replaces `path` with the pieces written one after the other, through a
/// temporary file and a rename; the folders above it are created. The
/// temporary file is made anew with `perms` (a killed write's may be in the
/// way), so the content is never more readable than they allow, not even for
/// a moment. Throws Error(Errc::failure) naming errno's reason (a full disk
/// is named as such).
/// Durability::synced also flushes the file and then its folder to the disk
/// before returning (fsync), so that what was written survives a crash of
/// the machine: what irctl serve promises a sender before it answers.
enum class Durability { cached, synced };
void write_file_atomically(const std::filesystem::path& path, const std::vector<std::string_view>& pieces,
                           mode_t perms = kDefaultFilePerms, Durability durability = Durability::cached);
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t perms = kDefaultFilePerms, Durability durability = Durability::cached);

/// Makes `path`'s content `content`, in the file itself: no new file is
/// made when it exists. Not atomic: for a file whose readers take a torn one
/// for none (the write journal). Throws Error(Errc::failure) as above.
void overwrite_file(const std::filesystem::path& path, std::string_view content);

/// A file mapped into memory read-only: its pages are read when touched,
/// and never copied.
class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(const void* data, size_t size) : data_(data), size_(size) {}
  MappedFile(MappedFile&& other) noexcept : data_(other.data_), size_(other.size_) { other.data_ = nullptr; }
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  const void* data_ = nullptr;
  size_t size_ = 0;
};

/// `path` mapped into memory; empty when it cannot be (missing, empty, not
/// a regular file).
MappedFile map_file(const std::filesystem::path& path);

}  // namespace irctl
