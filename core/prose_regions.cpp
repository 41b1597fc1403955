// The prose regions of a postmortem ("<!-- irctl:prose NAME -->" ...
// "<!-- irctl:end -->"): finding them, keeping what people wrote in them
// when the document is rendered again (keep_prose), refusing a rendering
// whose markers do not pair, and defusing markers in the incident's own text.

#include <map>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/postmortem_internal.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

struct ProseRegion {
  std::string name;
  std::string prose;
  size_t begin = 0;  ///< where its opening marker starts
  size_t end = 0;    ///< just after its closing marker
};

constexpr std::string_view kProseOpen = "<!-- irctl:prose ";
constexpr std::string_view kProseEnd = "<!-- irctl:end -->";

bool is_region_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
}

// The regions "<!-- irctl:prose NAME -->" (ending its line) ... "<!--
// irctl:end -->" of a document. Read by hand, in one pass: libstdc++'s
// regular expressions recurse once per character matched, and a long
// region ran out of stack. The marker line may end in CRLF (a document
// edited on Windows); the prose is kept byte for byte, line endings and all.
std::vector<ProseRegion> prose_regions(const std::string& doc) {
  std::vector<ProseRegion> regions;
  for (size_t pos = doc.find(kProseOpen); pos != std::string::npos; pos = doc.find(kProseOpen, pos)) {
    const size_t name = pos + kProseOpen.size();
    size_t name_end = name;
    while (name_end < doc.size() && is_region_name_char(doc[name_end])) ++name_end;
    size_t line_end = name_end + 4;  // " -->"
    const bool marker = name_end > name && doc.compare(name_end, 4, " -->") == 0;
    if (marker && line_end < doc.size() && doc[line_end] == '\r') ++line_end;
    if (!marker || line_end >= doc.size() || doc[line_end] != '\n') {
      ++pos;
      continue;
    }
    const size_t end = doc.find(kProseEnd, line_end + 1);
    if (end == std::string::npos) break;  // no later region can be closed either
    regions.push_back(
        {doc.substr(name, name_end - name), doc.substr(line_end + 1, end - line_end - 1), pos, end + kProseEnd.size()});
    pos = end + kProseEnd.size();
  }
  return regions;
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
// the entity "&lt;" (Markdown shows '<'), so that a rendering again finds
// only the template's markers.
std::string defuse_markers(std::string text) {
  for (size_t pos = text.find("<!--"); pos != std::string::npos; pos = text.find("<!--", pos + 1)) {
    const size_t word = text.find_first_not_of(" \t\r\n", pos + 4);
    if (word != std::string::npos && text.compare(word, 6, "irctl:") == 0) text[pos] = kDefusedLt;
  }
  if (ends_in_marker_start(text)) text[text.rfind('<')] = kDefusedLt;
  return text;
}

size_t occurrences(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string_view::npos; pos = text.find(what, pos + what.size())) ++n;
  return n;
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

// Each region's name once: the template's check of unique names cannot see
// a name a tag fills in. And an opening marker that opens no region (not on a line of its own, or never
// closed) would, on the next rendering, take in text that follows it (the
// "Kept from an earlier version" block): every rendering would then grow the
// postmortem. The incident's own text cannot open one (defuse_markers), so
// such a marker is the template's. A stray end marker is harmless: regions
// are found from their opening.
void require_paired_markers(const std::string& rendered, const std::string& template_name) {
  const auto found = prose_regions(rendered);
  std::set<std::string> names;
  for (const auto& region : found)
    // Two regions of one name would both take the one kept text.
    if (!names.insert(region.name).second)
      throw Error(Errc::data, template_name + ": the prose region " + quote(region.name) + " appears twice",
                  "give each region of the template a name of its own");
  const size_t regions = found.size();
  if (occurrences(rendered, kProseOpen) != regions)
    throw Error(Errc::data,
                template_name + ": a prose marker opens no region: each '" + std::string(kProseOpen) +
                    "NAME -->' must end its line and be closed by a later '" + std::string(kProseEnd) + "'",
                "fix the template; irctl-templates(5) describes the prose regions");
}

std::string keep_prose(const std::string& rendered, const std::string& previous) {
  std::map<std::string, std::string> kept;
  std::vector<std::string> order;
  for (auto& region : prose_regions(previous)) {
    kept[region.name] = std::move(region.prose);
    order.push_back(region.name);
  }
  std::string out;
  std::set<std::string> used;
  size_t last = 0;
  for (const auto& region : prose_regions(rendered)) {
    out.append(rendered, last, region.begin - last);
    const auto found = kept.find(region.name);
    out += std::string(kProseOpen) + region.name + " -->\n" + (found != kept.end() ? found->second : region.prose) +
           std::string(kProseEnd);
    used.insert(region.name);
    last = region.end;
  }
  out.append(rendered, last);
  std::string orphans;
  for (const auto& name : order)
    if (!used.count(name)) orphans += "<!-- irctl:prose " + name + " -->\n" + kept[name] + "<!-- irctl:end -->\n\n";
  if (!orphans.empty())
    out +=
        "\n## Kept from an earlier version\n\nThe template no longer has these sections; what was written in "
        "them is kept here.\n\n" +
        orphans;
  return out;
}

}  // namespace irctl
