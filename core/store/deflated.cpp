#include "core/store/deflated.hpp"

#include <zlib.h>

#include <algorithm>

#include "core/error.hpp"

namespace irctl {
namespace {

// Deflate looks back at most this far (RFC 1951).
constexpr size_t kWindow = 32 * 1024;

struct RawDeflate {
  z_stream z{};
  RawDeflate() {
    // Negative window bits: raw deflate, without zlib's header and trailer,
    // which ZlibStream writes once around all the pieces.
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw Error(Errc::failure, "zlib could not start deflating (out of memory?)");
  }
  ~RawDeflate() { deflateEnd(&z); }
  RawDeflate(const RawDeflate&) = delete;
  RawDeflate& operator=(const RawDeflate&) = delete;
};

}  // namespace

uint32_t deflate_checksum(std::string_view data) {
  uLong a = adler32(0L, Z_NULL, 0);
  // adler32 takes a uInt length: feed a large text in parts.
  for (size_t at = 0; at < data.size();) {
    const auto n = static_cast<uInt>(std::min<size_t>(data.size() - at, 1u << 30));
    a = adler32(a, reinterpret_cast<const Bytef*>(data.data() + at), n);
    at += n;
  }
  return static_cast<uint32_t>(a);
}

namespace {

void put_big_endian(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

}  // namespace

DeflatedPiece deflate_piece(std::string_view data, std::string_view preceding) {
  // One stream, reset for each piece: its tables are a quarter of a megabyte.
  thread_local RawDeflate d;
  if (deflateReset(&d.z) != Z_OK) throw Error(Errc::failure, "zlib could not start deflating");
  if (preceding.size() > kWindow) preceding.remove_prefix(preceding.size() - kWindow);
  const auto* dictionary = reinterpret_cast<const Bytef*>(preceding.data());
  if (!preceding.empty() && deflateSetDictionary(&d.z, dictionary, static_cast<uInt>(preceding.size())) != Z_OK)
    throw Error(Errc::failure, "zlib refused a deflate dictionary");
  DeflatedPiece out;
  out.size = data.size();
  out.adler = deflate_checksum(data);
  // A sync flush at the end: it ends the piece on a byte boundary with a
  // block that is not the last, so that more pieces may follow.
  out.bytes.resize(deflateBound(&d.z, static_cast<uLong>(data.size())) + 16);
  d.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  d.z.avail_in = static_cast<uInt>(data.size());
  d.z.next_out = reinterpret_cast<Bytef*>(out.bytes.data());
  d.z.avail_out = static_cast<uInt>(out.bytes.size());
  if (deflate(&d.z, Z_SYNC_FLUSH) != Z_OK || d.z.avail_in != 0 || d.z.avail_out == 0)
    throw Error(Errc::failure, "zlib could not deflate " + std::to_string(data.size()) + " bytes");
  out.bytes.resize(out.bytes.size() - d.z.avail_out);
  return out;
}

uint32_t combined_checksum(uint32_t first, uint32_t then, uint64_t then_size) {
  return static_cast<uint32_t>(adler32_combine(first, then, static_cast<z_off_t>(then_size)));
}

ZlibStream::ZlibStream(std::initializer_list<DeflatedSpan> pieces) {
  static constexpr std::string_view kHeader = "\x78\x9c";  // deflate, a 32 KiB window, the default level
  parts_.push_back(kHeader);
  uint32_t adler = 1;
  for (const DeflatedSpan& p : pieces) {
    parts_.push_back(p.bytes);
    adler = combined_checksum(adler, p.adler, p.size);
  }
  trailer_.assign("\x03\x00", 2);  // an empty last block (fixed codes): the end of the data
  put_big_endian(trailer_, adler);
  parts_.push_back(trailer_);
}

std::string ZlibStream::joined() const {
  std::string out;
  for (const auto part : parts_) out += part;
  return out;
}

}  // namespace irctl
