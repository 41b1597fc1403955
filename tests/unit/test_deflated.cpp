#include <doctest/doctest.h>
#include <zlib.h>

#include <string>

#include "core/store/deflated.hpp"

namespace test_deflated {

using namespace irctl;

namespace {

// What zlib itself inflates the stream to; "" with a note when it refuses.
std::string inflated(const std::string& stream, size_t size) {
  std::string out(size + 1, '\0');  // one byte more: a longer result shows
  uLongf out_size = out.size();
  const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &out_size,
                            reinterpret_cast<const Bytef*>(stream.data()), stream.size());
  if (rc != Z_OK) return "zlib refused the stream: " + std::to_string(rc);
  out.resize(out_size);
  return out;
}

// Text much like a timeline: repeated keys, varying values.
std::string timeline_text(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i)
    out += "\n[[timeline]]\nid = \"E" + std::to_string(100000 + i) + "\"\ntype = \"note\"\ntext = \"Note number " +
           std::to_string(i * 7919 % 1000) + "\"\n";
  return out;
}

}  // namespace

TEST_SUITE("deflated") {
  TEST_CASE("pieces joined are one zlib stream of what they hold, in order") {
    const std::string head = "blob 1234";
    const std::string body = timeline_text(0, 2000);  // more than deflate's 32 KiB window
    const std::string tail = timeline_text(2000, 2003);
    const DeflatedPiece a = deflate_piece(head);
    const DeflatedPiece b = deflate_piece(body);
    const DeflatedPiece c = deflate_piece(tail, body);  // may refer back into the body
    CHECK(b.size == body.size());
    CHECK(b.adler == deflate_checksum(body));
    CHECK(inflated(ZlibStream({span_of(a), span_of(b), span_of(c)}).joined(), head.size() + body.size() + tail.size()) == head + body + tail);
    // What refers back stays small: the tail alone would not compress as well.
    CHECK(c.bytes.size() < deflate_piece(tail).bytes.size());
  }

  TEST_CASE("kept bytes that grow as the timeline cache grows them stay the deflated text they cover, behind any header") {
    std::string timeline = timeline_text(0, 10);
    DeflatedPiece kept = deflate_piece(timeline);
    for (int write = 0; write < 30; ++write) {
      // As a write stores it (store_appended_blob), then keeps it (remember_written).
      const std::string added = timeline_text(10 + write, 11 + write);
      const std::string header = "status = \"write " + std::to_string(write) + "\"\n";
      const DeflatedPiece head = deflate_piece(header);
      const DeflatedPiece rest = deflate_piece(added, timeline);
      timeline += added;
      REQUIRE(inflated(ZlibStream({span_of(head), span_of(kept), span_of(rest)}).joined(),
                       header.size() + timeline.size()) == header + timeline);
      kept.bytes += rest.bytes;
      kept.adler = combined_checksum(kept.adler, rest.adler, rest.size);
      kept.size += rest.size;
    }
    CHECK(kept.size == timeline.size());
    CHECK(kept.adler == deflate_checksum(timeline));
  }

  TEST_CASE("nothing deflated is an empty piece, and joins as nothing") {
    const DeflatedPiece empty = deflate_piece("");
    CHECK(empty.size == 0);
    CHECK(empty.adler == 1);
    const DeflatedPiece none;
    const DeflatedPiece text = deflate_piece("text");
    CHECK(inflated(ZlibStream({span_of(none), span_of(empty), span_of(text)}).joined(), 4) == "text");
    CHECK(inflated(ZlibStream({}).joined(), 0) == "");
  }
}

}  // namespace test_deflated
