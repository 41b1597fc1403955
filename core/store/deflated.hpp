#pragma once
// A zlib stream deflated a piece at a time, so that a write that appends to
// a long file compresses only what it adds. git keeps every version of a
// file as a zlib stream (a loose object), and compressing a 2 MB incident
// file anew took most of a write to it; the pieces of its timeline that
// were deflated before are kept in the timeline cache (timelines.hpp) and
// joined to the new ones as they are (Repository::commit).
//
// Each piece is raw deflate ending on a byte boundary (a sync flush), so
// pieces joined end to end are one valid deflate stream; a piece may refer
// back into what precedes it in the stream only when it was deflated with
// that text as its `preceding` (the last 32 KiB count).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace irctl {

struct DeflatedPiece {
  std::string bytes;   ///< raw deflate, no zlib header, not final
  uint32_t adler = 1;  ///< the Adler-32 of what it inflates to (1: of nothing)
  uint64_t size = 0;   ///< how many bytes it inflates to
};

/// A piece kept elsewhere (the timeline cache's mapped file), used where it is.
struct DeflatedSpan {
  std::string_view bytes;
  uint32_t adler = 1;
  uint64_t size = 0;
};
inline DeflatedSpan span_of(const DeflatedPiece& p) { return {p.bytes, p.adler, p.size}; }

/// `data` deflated at zlib's default level. `preceding` is the text just
/// before it in every stream the piece will be part of: references into its
/// last 32 KiB make a short piece compress as well as in a whole file.
DeflatedPiece deflate_piece(std::string_view data, std::string_view preceding = {});

/// The Adler-32 of `data`, as DeflatedPiece::adler holds it.
uint32_t deflate_checksum(std::string_view data);

/// The Adler-32 of a text whose first part's is `first` and whose second
/// part, of `then_size` bytes, has `then`.
uint32_t combined_checksum(uint32_t first, uint32_t then, uint64_t then_size);

/// The zlib stream (RFC 1950) of the pieces in order, which inflates to the
/// concatenation of what each inflates to, left where they are: parts() are
/// its bytes, to be written one after another, pointing into the pieces.
class ZlibStream {
 public:
  explicit ZlibStream(std::initializer_list<DeflatedSpan> pieces);
  ZlibStream(const ZlibStream&) = delete;  // parts() point into it
  ZlibStream& operator=(const ZlibStream&) = delete;
  const std::vector<std::string_view>& parts() const { return parts_; }
  std::string joined() const;

 private:
  std::string trailer_;  // the last block and the Adler-32
  std::vector<std::string_view> parts_;
};

}  // namespace irctl
