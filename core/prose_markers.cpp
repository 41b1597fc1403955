// The prose markers ("<!-- irctl:prose NAME -->" ... "<!-- irctl:end -->")
// that earlier versions of irctl put around the text people wrote. A
// rendering is now merged with the committed document (postmortem_merge.cpp),
// so they protect nothing: irctl leaves their lines out of what it renders
// and of the documents it merges, so that a document written with them
// merges like any other (their lines, beside the prose, would otherwise
// touch every edit and make it a conflict). The incident's own texts are
// defused, so that no line of a note is taken for a marker and left out.

#include <algorithm>
#include <cctype>
#include <string_view>

#include "core/postmortem_internal.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

constexpr std::string_view kProseOpen = "<!-- irctl:prose ";
constexpr std::string_view kProseEnd = "<!-- irctl:end -->";

bool is_region_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// A line that is a marker and nothing else ("\r\n" or "\n" ending it).
bool is_marker_line(std::string_view line) {
  if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line == kProseEnd) return true;
  if (line.substr(0, kProseOpen.size()) != kProseOpen || line.size() < kProseOpen.size() + 5) return false;
  const std::string_view name = line.substr(kProseOpen.size(), line.size() - kProseOpen.size() - 4);
  if (line.substr(line.size() - 4) != " -->") return false;
  for (const char c : name)
    if (!is_region_name_char(c)) return false;
  return true;
}

// Whether `text` ends where a marker could begin ("...<!-- irc"), so that
// the text after it in the document (another field: {{a}}{{b}}) could end it.
bool ends_in_marker_start(std::string_view text) {
  const size_t lt = text.rfind('<');
  if (lt == std::string_view::npos) return false;
  std::string_view tail = text.substr(lt);
  constexpr std::string_view kComment = "<!--", kWord = "irctl:";
  if (tail.size() <= kComment.size()) return kComment.substr(0, tail.size()) == tail;
  if (tail.substr(0, kComment.size()) != kComment) return false;
  tail.remove_prefix(std::min(tail.size(), tail.find_first_not_of(" \t\r\n", kComment.size())));
  return tail.size() < kWord.size() && kWord.substr(0, tail.size()) == tail;
}

// The prose markers are the template's, never the incident's: where a text
// of the incident holds one ("<!-- irctl:end -->" in a note), or ends with
// the start of one, its '<' becomes kDefusedLt, which the rendering writes as
// the entity "&lt;" (Markdown shows '<'), so that only the template's lines
// are taken for markers.
std::string defuse_markers(std::string text) {
  for (size_t pos = text.find("<!--"); pos != std::string::npos; pos = text.find("<!--", pos + 1)) {
    const size_t word = text.find_first_not_of(" \t\r\n", pos + 4);
    if (word != std::string::npos && text.compare(word, 6, "irctl:") == 0) text[pos] = kDefusedLt;
  }
  if (ends_in_marker_start(text)) text[text.rfind('<')] = kDefusedLt;
  return text;
}

}  // namespace

void defuse_markers_in(Json& data) {
  // Control characters too: a committed postmortem is read with cat and
  // 'git show', and an escape sequence in a note must not drive a terminal.
  // A text typed on Windows has CRLF line endings: one line break each.
  if (data.is_string())
    data = defuse_markers(printable_text(with_lf_line_endings(data.get<std::string>())));
  else if (data.is_structured())
    for (auto& item : data) defuse_markers_in(item);
}

std::string without_prose_markers(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t start = 0; start < text.size();) {
    const size_t nl = text.find('\n', start);
    const size_t end = nl == std::string::npos ? text.size() : nl + 1;
    const std::string_view line(text.data() + start, end - start);
    if (!is_marker_line(line)) out += line;
    start = end;
  }
  return out;
}

}  // namespace irctl
