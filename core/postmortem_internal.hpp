#pragma once
// What the files of the postmortem share, and no other file includes:
// postmortem.cpp (the template data, rendering and writing), template_check.cpp
// (a template's tags checked against the data), template_escape.cpp (each
// value escaped for where it lands), prose_markers.cpp (the markers of earlier
// versions, left out) and postmortem_merge.cpp (a new rendering merged into
// the committed document).

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/postmortem.hpp"

namespace irctl {

/// "line:column" of a byte offset in a template.
std::string where(const std::string& text, size_t offset);

/// Checks every tag of `tmpl` against `data`: Error(Errc::data) naming the
/// template, line and tag for an unknown name, a partial, an unclosed tag or
/// section, or sections nested too deeply. Returns the names the tags
/// start with ("timeline" for {{#timeline}} and {{timeline.0}}): the keys
/// of the data the rendering may look up, at any depth.
std::set<std::string> check_tags(const Template& tmpl, const Json& data);

/// What the '<' of a prose marker in the incident's own text is while the
/// template renders (defuse_markers_in): a control character, which no text
/// of the incident holds once printable, and which place_values turns into
/// "&lt;", so that the escape of a value sees no "&lt;" it would escape.
constexpr char kDefusedLt = '\x03';

/// Makes every text of `data` printable with LF line endings, and defuses
/// the prose markers in it (kDefusedLt), so that the incident's own text
/// never opens or ends a region. render_template does it, once.
void defuse_markers_in(Json& data);

/// `text` without the lines that are a prose marker of earlier versions
/// ("<!-- irctl:prose NAME -->", "<!-- irctl:end -->"), which mean nothing now.
std::string without_prose_markers(const std::string& text);

/// The postmortem of `file` as `tmpl` renders it: the template's data with
/// the markers defused, rendered, the markers' lines left out. The new
/// rendering, and the one a merge recovers as its base, come from here.
std::string render_postmortem(const Template& tmpl, const IncidentFile& file, const Config& config,
                              const People& people, Audience audience);

/// The template a "postmortem" event recorded (its details.template) as the
/// commit `revision` had it: a built-in one from irctl itself, one of the
/// repository from that commit's tree, a file from the file system as it is
/// now. nullopt when there is none.
std::optional<Template> recorded_template(const Repository& repo, const std::string& revision,
                                          const std::string& recorded_name);

struct PostmortemMerge {
  std::string text;
  std::vector<PostmortemConflict> conflicts;
};
/// The new rendering (`theirs`) merged into `ours`, the document at `path`
/// (postmortem_merge.cpp); `theirs` when there is no document. A document
/// that no "postmortem" event wrote is merged from nothing: wherever it
/// differs from `theirs` is a conflict.
PostmortemMerge merge_postmortem(const Repository& repo, const Incident& inc, const std::string& path,
                                 const std::optional<std::string>& ours, const std::string& theirs,
                                 const Template& tmpl, MergeFavor favor);

/// Refuses (Errc::data) a template that holds the control characters the
/// rendering marks values with.
void require_no_value_marks(const Template& tmpl);

/// The escape function of {{name}} for a template's format.
std::function<std::string(const std::string&)> value_escape(TemplateFormat format);

/// The rendering, each value escaped for the place it landed in (for
/// Markdown), and every kDefusedLt written as "&lt;".
std::string place_values(const std::string& rendered, TemplateFormat format);

}  // namespace irctl
