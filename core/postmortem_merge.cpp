// Rendering a postmortem again is a three-way merge, as git merges: the new
// rendering (theirs) into the committed document (ours), from what irctl
// rendered last for that path (the base). Edits anywhere are kept, the
// generated lines that changed are updated, and where both changed the same
// lines the conflict names the section and lines.
//
// The base is not stored: the "postmortem" event records, in
// details.rendered, the blob id of what it rendered; the incident as it was
// just before the commit that recorded the event, rendered again with the
// template the event names, gives it back when the id matches. When it does
// not (irctl's built-in template changed since; an event of an earlier irctl
// has no id), the base is that incident rendered with today's template:
// then every line of the document that the base lacks counts as an edit, so
// nothing written by hand is dropped; at worst lines an older template made
// are kept, or conflict. Never the document as that event committed it: it
// holds the edits the previous merge kept, and the new rendering, which
// lacks them, would take them out again. A document at the path that no
// event wrote (committed by hand) has no base: the empty text, so that
// wherever it differs from the new rendering is a conflict.

#include <algorithm>
#include <string_view>

#include "core/model/config.hpp"
#include "core/model/ids.hpp"
#include "core/model/people.hpp"
#include "core/postmortem_internal.hpp"
#include "core/store/git.hpp"

namespace irctl {
namespace {

std::optional<std::string> detail_text(const Event& e, const std::string& key) {
  const auto it = e.details.find(key);
  if (it == e.details.end() || !it->second.is_string()) return std::nullopt;
  return it->second.as_string().str;
}

// The last "postmortem" event that wrote `path`, in the order of the file.
const Event* last_postmortem_of(const Incident& inc, const std::string& path) {
  const Event* last = nullptr;
  for (const auto& e : inc.timeline)
    if (e.type == "postmortem" && detail_text(e, "path") == path) last = &e;
  return last;
}

// The postmortem of the incident as the commit `revision` had it (its
// incident file, configuration and people); nullopt when that cannot be
// rendered. Any failure only costs the merge its best base.
std::optional<std::string> rendering_at(const Repository& repo, const std::string& revision, const std::string& id,
                                        const Template& tmpl, Audience audience) {
  try {
    const std::string path = incident_path(id);
    const auto incident = repo.read_at(revision, path);
    const auto config = repo.read_at(revision, kConfigPath);
    if (!incident || !config) return std::nullopt;
    const auto people = repo.read_at(revision, kPeoplePath);
    return render_postmortem(tmpl, IncidentFile::parse(*incident, path), parse_config(*config),
                             people ? parse_people(*people) : People{}, audience);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string blob_id(const std::string& text) { return git::oid_hex(git::blob_hash(text)); }

// What irctl rendered when `event` wrote the document (see the top of the
// file); empty when even the incident before it cannot be rendered: then
// every difference between the document and the new rendering is a conflict.
std::string merge_base(const Repository& repo, const Incident& inc, const Event& event, const Template& current) {
  const auto commit = repo.commit_introducing(incident_path(inc.id), event.id);
  if (!commit) return "";
  // The rendering was made from the incident before its own event.
  const std::string before = *commit + "^";
  const auto rendered = detail_text(event, "rendered");
  const auto recorded = detail_text(event, "template");
  const Audience audience = detail_text(event, "audience") == "external" ? Audience::external : Audience::internal;
  if (rendered && recorded)
    if (const auto tmpl = recorded_template(repo, before, *recorded))
      if (auto text = rendering_at(repo, before, inc.id, *tmpl, audience); text && blob_id(*text) == *rendered)
        return *text;
  return rendering_at(repo, before, inc.id, current, audience).value_or("");
}

// Whether most lines of `text` end in CRLF (a document edited on Windows).
bool mostly_crlf(const std::string& text) {
  size_t crlf = 0, lf = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') ++(i > 0 && text[i - 1] == '\r' ? crlf : lf);
  return crlf > lf;
}

std::string with_crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

// The text of a Markdown heading line ("## Timeline": "Timeline"); nullopt
// for any other line.
std::optional<std::string> heading_text(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const size_t level = std::min(line.find_first_not_of('#'), line.size());
  if (level == 0 || level > 6) return std::nullopt;
  if (level < line.size() && line[level] != ' ' && line[level] != '\t') return std::nullopt;
  const size_t text = line.find_first_not_of(" \t", level);
  return text == std::string_view::npos ? "" : std::string(line.substr(text));
}

// The nearest heading on line `line` (from 1) of `doc` or above it; empty
// when there is none.
std::string section_at(const std::string& doc, size_t line) {
  std::string section;
  size_t number = 0;
  for (size_t start = 0; start < doc.size() && number < line; ++number) {
    const size_t nl = doc.find('\n', start);
    const size_t end = nl == std::string::npos ? doc.size() : nl;
    if (auto heading = heading_text(std::string_view(doc).substr(start, end - start))) section = std::move(*heading);
    start = end + 1;
  }
  return section;
}

std::string lines_text(const LineRange& r) {
  if (r.last < r.first) return r.last == 0 ? "at the start" : "after line " + std::to_string(r.last);
  if (r.first == r.last) return "line " + std::to_string(r.first);
  return "lines " + std::to_string(r.first) + "-" + std::to_string(r.last);
}

}  // namespace

PostmortemMerge merge_postmortem(const Repository& repo, const Incident& inc, const std::string& path,
                                 const std::optional<std::string>& ours, const std::string& theirs,
                                 const Template& tmpl, MergeFavor favor) {
  if (!ours) return {theirs, {}};
  const Event* last = last_postmortem_of(inc, path);
  const std::string document = without_prose_markers(*ours);
  // Line by line in the document's own line endings, so that the lines
  // nobody changed stay byte for byte as they are.
  const bool crlf = mostly_crlf(document);
  const auto as_document = [&](const std::string& text) { return crlf ? with_crlf(text) : text; };
  // A document irctl never wrote there (committed by hand) has no base.
  const std::string base = last ? without_prose_markers(merge_base(repo, inc, *last, tmpl)) : "";
  const TextMerge m = merge_texts(as_document(base), document, as_document(theirs), {favor, path, "new rendering"});
  PostmortemMerge out{m.text, {}};
  for (const auto& lines : m.conflicts)
    out.conflicts.push_back({section_at(document, std::min(lines.first, lines.last)), lines});
  return out;
}

std::string conflict_places(const std::vector<PostmortemConflict>& conflicts) {
  std::string places;
  for (const auto& c : conflicts)
    places += (places.empty() ? "" : "; ") +
              (c.section.empty() ? "before the first heading" : "in " + quote(c.section)) + ", " + lines_text(c.lines);
  return places;
}

Error postmortem_conflicts_error(const std::string& id, const std::string& path,
                                 const std::vector<PostmortemConflict>& conflicts) {
  return Error(Errc::conflict,
               "the new rendering and an edit of " + path + " change the same lines: " + conflict_places(conflicts),
               "take the new rendering there with 'irctl postmortem " + id +
                   " --theirs', keep the committed text "
                   "there with '--ours', or edit " +
                   path + " and commit it ('--output -' shows both, marked)");
}

}  // namespace irctl
