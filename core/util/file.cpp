#include "core/util/file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <istream>

namespace irctl {
namespace fs = std::filesystem;

namespace {

// A descriptor opened for reading, closed when it goes out of scope.
class ReadDescriptor {
 public:
  // Not blocking: opening a FIFO put where a file belongs would wait forever.
  // Anything but a regular file is refused once open.
  ReadDescriptor(const fs::path& path, struct stat& st) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_ < 0) throw ReadFailure(path, errno);
    st = {};
    if (::fstat(fd_, &st) == 0 && !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw ReadFailure(path, 0);
    }
  }
  ReadDescriptor(const ReadDescriptor&) = delete;
  ReadDescriptor& operator=(const ReadDescriptor&) = delete;
  ~ReadDescriptor() { ::close(fd_); }

  // Up to `size` bytes into `into`; 0 at the end of the file.
  size_t read_some(char* into, size_t size) {
    while (true) {
      const ssize_t n = ::read(fd_, into, size);
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) throw ReadFailure(path_, errno);
    }
  }

 private:
  const fs::path& path_;
  int fd_ = -1;
};

}  // namespace

ReadFailure::ReadFailure(const fs::path& path, int error)
    : Error(error == 0 ? Errc::data : Errc::failure,
            "cannot read " + path.string() + ": " +
                (error == 0 ? std::string("it is not a regular file") : std::string(std::strerror(error))),
            error == 0 ? "remove it, or put the file it should be in its place" : ""),
      error_(error) {}

std::string ReadFailure::reason() const {
  return not_regular() ? "it is not a regular file" : std::strerror(error_);
}

std::string read_file(const fs::path& path, struct stat* stat_out, size_t room) {
  struct stat st {};
  ReadDescriptor file(path, st);
  if (stat_out) *stat_out = st;
  // Read straight into the string, sized by fstat: the summary cache is
  // megabytes, and a stream would copy it several times over. One byte more
  // than the size, so that the read that finds the end needs no room.
  const size_t size = st.st_size > 0 ? static_cast<size_t>(st.st_size) + 1 : 4096;
  std::string out;
  out.reserve(size + room);
  out.resize(size);
  size_t filled = 0;
  while (true) {
    if (filled == out.size()) out.resize(out.size() * 2);
    const size_t n = file.read_some(out.data() + filled, out.size() - filled);
    if (n == 0) break;
    filled += n;
  }
  out.resize(filled);
  return out;
}

void read_file_in_pieces(const fs::path& path, const std::function<void(std::string_view)>& take,
                         struct stat* stat_out) {
  struct stat st {};
  ReadDescriptor file(path, st);
  if (stat_out) *stat_out = st;
  std::string buffer(1 << 16, '\0');
  while (const size_t n = file.read_some(buffer.data(), buffer.size())) take(std::string_view(buffer.data(), n));
}

std::optional<std::string> read_at_most(std::istream& in, size_t limit) {
  std::string text(limit + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) return std::nullopt;
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

fs::path temporary_path_for(const fs::path& path) {
  return path.string() + std::string(kTemporaryMarker) + std::to_string(::getpid());
}

void write_file_atomically(const fs::path& path, const std::vector<std::string_view>& pieces, mode_t perms,
                           Durability durability) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw Error(Errc::failure, "cannot create " + path.parent_path().string() + ": " + ec.message());
  const fs::path tmp = temporary_path_for(path);
  ::unlink(tmp.c_str());
  // POSIX calls rather than a stream, so that a full disk is named as such.
  const int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, perms);
  bool written = fd >= 0;
  for (const auto piece : pieces) written = written && write_all(fd, piece);
  if (durability == Durability::synced && written) written = ::fsync(fd) == 0;
  if (fd >= 0 && ::close(fd) != 0) written = false;
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    throw Error(Errc::failure, "cannot write " + path.string() + ": " + std::strerror(error));
  }
  if (durability == Durability::synced) {
    // The rename is durable once the folder that holds the name is.
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const bool synced = dir >= 0 && ::fsync(dir) == 0;
    const int error = errno;
    if (dir >= 0) ::close(dir);
    if (!synced) throw Error(Errc::failure, "cannot sync " + path.parent_path().string() + ": " + std::strerror(error));
  }
}

void write_file_atomically(const fs::path& path, std::string_view content, mode_t perms, Durability durability) {
  write_file_atomically(path, std::vector<std::string_view>{content}, perms, durability);
}

void overwrite_file(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, kDefaultFilePerms);
  bool written = fd >= 0 && write_all(fd, content);
  int error = errno;  // of the open or the write, when one failed
  if (fd >= 0 && ::close(fd) != 0 && written) {
    written = false;
    error = errno;
  }
  if (!written) throw Error(Errc::failure, "cannot write " + path.string() + ": " + std::strerror(error));
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<void*>(data_), size_);
}

MappedFile map_file(const fs::path& path) {
  // Not blocking, as read_file: a FIFO in the way is simply not mapped.
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return {};
  struct stat st {};
  void* data = MAP_FAILED;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    data = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (data == MAP_FAILED) return {};
  return MappedFile(data, static_cast<size_t>(st.st_size));
}

}  // namespace irctl
