#include <doctest/doctest.h>

#include "core/store/merge_text.hpp"

namespace test_merge_text {

using namespace irctl;

namespace {

// A postmortem as irctl renders it, with `status` in the table, `rows` in the
// timeline and `went_well` under its heading.
std::string document(const std::string& status, const std::string& rows, const std::string& went_well) {
  return "# Postmortem: Disk full\n"
         "\n"
         "| Status | " +
         status +
         " |\n"
         "\n"
         "## Impact\n"
         "\n"
         "Checkout failed for some.\n"
         "\n"
         "## Timeline\n"
         "\n"
         "| Time | What |\n"
         "|---|---|\n"
         "| 16:00 | declared |\n" +
         rows +
         "\n"
         "## Lessons learned\n"
         "\n"
         "### What went well\n"
         "\n" +
         went_well +
         "\n"
         "### What went wrong\n"
         "\n"
         "_Write here._\n";
}

const std::string kBase = document("open", "", "_Write here._\n");
const std::string kTheirs = document("resolved", "| 16:30 | resolved |\n", "_Write here._\n");

std::string crlf(const std::string& text) {
  std::string out;
  for (const char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

}  // namespace

TEST_SUITE("merge_text") {
  TEST_CASE("an edit in a generated section is kept while another generated line changes") {
    std::string ours = kBase;
    ours.replace(ours.find("Checkout failed for some."), 25, "Checkout failed for a third of requests.");
    std::string expected = kTheirs;
    expected.replace(expected.find("Checkout failed for some."), 25, "Checkout failed for a third of requests.");
    CHECK(merge_texts(kBase, ours, kTheirs) == TextMerge{expected, {}});
  }

  TEST_CASE("prose typed under a heading is kept, the placeholder replaced or not") {
    const std::string prose = "The rollback took ten minutes.\n\n- The alert fired early.\n";
    // typed over the placeholder
    CHECK(merge_texts(kBase, document("open", "", prose), kTheirs) ==
          TextMerge{document("resolved", "| 16:30 | resolved |\n", prose), {}});
    // typed under it, and a line added under the last heading
    const std::string ours = document("open", "", "_Write here._\n" + prose) + "Luck: not Black Friday.\n";
    CHECK(merge_texts(kBase, ours, kTheirs) ==
          TextMerge{
              document("resolved", "| 16:30 | resolved |\n", "_Write here._\n" + prose) + "Luck: not Black Friday.\n",
              {}});
  }

  TEST_CASE("nothing new to render leaves the document as it is; the same change on both sides is no conflict") {
    const std::string ours = document("mitigated", "| 16:20 | by hand |\n", "Fast.\n");
    CHECK(merge_texts(kBase, ours, kBase) == TextMerge{ours, {}});
    CHECK(merge_texts(kBase, kTheirs, kTheirs) == TextMerge{kTheirs, {}});
  }

  TEST_CASE("a hand edit of a line the rendering changes is a conflict, told by its lines in ours") {
    const std::string ours = document("mitigated", "", "Fast.\n");
    const TextMerge m = merge_texts(kBase, ours, kTheirs, {MergeFavor::none, "doc.md", "new rendering"});
    CHECK(m.conflicts == std::vector<LineRange>{{3, 3}});
    // the other hunks merged all the same: the row, and the prose
    const std::string merged = document("resolved", "| 16:30 | resolved |\n", "Fast.\n");
    CHECK(m.text ==
          "# Postmortem: Disk full\n"
          "\n"
          "<<<<<<< doc.md\n"
          "| Status | mitigated |\n"
          "=======\n"
          "| Status | resolved |\n"
          ">>>>>>> new rendering\n" +
              merged.substr(merged.find("\n## Impact")));
  }

  TEST_CASE("--theirs and --ours decide only the conflicts; everything else merges") {
    const std::string ours = document("mitigated", "", "Fast.\n");
    CHECK(merge_texts(kBase, ours, kTheirs, {MergeFavor::theirs}) ==
          TextMerge{document("resolved", "| 16:30 | resolved |\n", "Fast.\n"), {{3, 3}}});
    CHECK(merge_texts(kBase, ours, kTheirs, {MergeFavor::ours}) ==
          TextMerge{document("mitigated", "| 16:30 | resolved |\n", "Fast.\n"), {{3, 3}}});
  }

  TEST_CASE("a hand edit of the row next to where the rendering adds one conflicts; line numbers follow ours") {
    // two lines typed at the top shift every line of ours by two; the status
    // line, which only the rendering changed, merges
    std::string ours = "Draft, do not share.\n\n" + kBase;
    ours.replace(ours.find("| 16:00 | declared |"), 20, "| 16:00 | declared (SEV2) |");
    const TextMerge m = merge_texts(kBase, ours, kTheirs);
    CHECK(m.conflicts == std::vector<LineRange>{{15, 15}});
    CHECK(m.text.find("| Status | resolved |\n") != std::string::npos);
    // a deletion by hand where the rendering changes the line: after the line before
    std::string deleted = kBase;
    deleted.erase(deleted.find("| Status | open |\n"), 18);
    CHECK(merge_texts(kBase, deleted, kTheirs).conflicts == std::vector<LineRange>{{3, 2}});
  }

  TEST_CASE("a document with CRLF line endings merges line by line, untouched lines byte for byte") {
    const std::string ours = crlf(document("open", "", "Written on Windows.\n"));
    const TextMerge m = merge_texts(crlf(kBase), ours, crlf(kTheirs));
    CHECK(m == TextMerge{crlf(document("resolved", "| 16:30 | resolved |\n", "Written on Windows.\n")), {}});
    // with LF on the other sides every line differs: all of it conflicts
    CHECK_FALSE(merge_texts(kBase, ours, kTheirs).conflicts.empty());
  }

  TEST_CASE("with an empty base (nothing known of the last rendering) every difference is a conflict, nothing else") {
    const std::string ours = document("open", "", "Fast.\n");
    const TextMerge m = merge_texts("", ours, kTheirs);
    CHECK(m.conflicts == std::vector<LineRange>{{3, 3}, {14, 13}, {19, 19}});
    CHECK(merge_texts("", ours, kTheirs, {MergeFavor::ours}).text == ours);
    CHECK(merge_texts("", ours, kTheirs, {MergeFavor::theirs}).text == kTheirs);
    CHECK(merge_texts("", ours, ours) == TextMerge{ours, {}});
  }
}

}  // namespace test_merge_text
