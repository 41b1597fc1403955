#pragma once
// What the files of the postmortem share, and no other file includes:
// postmortem.cpp (the template data, rendering and writing), template_check.cpp
// (a template's tags checked against the data), template_escape.cpp (each
// value escaped for where it lands) and prose_regions.cpp (the regions people
// write in, kept from one rendering to the next).

#include <functional>
#include <string>

#include "core/postmortem.hpp"

namespace irctl {

/// "line:column" of a byte offset in a template.
std::string where(const std::string& text, size_t offset);

/// Checks every tag of `tmpl` against `data`: Error(Errc::data) naming the
/// template, line and tag for an unknown name, a partial, an unclosed tag or
/// section, or sections nested too deeply.
void check_tags(const Template& tmpl, const Json& data);

/// What the '<' of a prose marker in the incident's own text is while the
/// template renders (defuse_markers_in): a control character, which no text
/// of the incident holds once printable, and which place_values turns into
/// "&lt;", so that the escape of a value sees no "&lt;" it would escape.
constexpr char kDefusedLt = '\x03';

/// Makes every text of `data` printable with LF line endings, and defuses
/// the prose markers in it (kDefusedLt), so that the incident's own text
/// never opens or ends a region. render_template does it, once.
void defuse_markers_in(Json& data);

/// Refuses (Errc::data) a template that holds the control characters the
/// rendering marks values with.
void require_no_value_marks(const Template& tmpl);

/// The escape function of {{name}} for a template's format.
std::function<std::string(const std::string&)> value_escape(TemplateFormat format);

/// The rendering, each value escaped for the place it landed in (for
/// Markdown), and every kDefusedLt written as "&lt;".
std::string place_values(const std::string& rendered, TemplateFormat format);

/// Refuses (Errc::data) a rendering with two regions of one name, or with an
/// opening marker that opens no region.
void require_paired_markers(const std::string& rendered, const std::string& template_name);

}  // namespace irctl
