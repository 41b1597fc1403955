#pragma once
// What the files of the postmortem share, and no other file includes:
// postmortem.cpp (the template data, rendering and writing), template_check.cpp
// (a template's tags checked against the data) and prose_regions.cpp (the
// regions people write in, kept from one rendering to the next).

#include <string>

#include "core/postmortem.hpp"

namespace irctl {

/// "line:column" of a byte offset in a template.
std::string where(const std::string& text, size_t offset);

/// Checks every tag of `tmpl` against `data`: Error(Errc::data) naming the
/// template, line and tag for an unknown name, a partial, an unclosed tag or
/// section, or sections nested too deeply.
void check_tags(const Template& tmpl, const Json& data);

/// Defuses the prose markers in every text of `data` (and makes it printable),
/// so that the incident's own text never opens or ends a region.
void defuse_markers_in(Json& data);

/// Refuses (Errc::data) a rendering with two regions of one name, or with an
/// opening marker that opens no region.
void require_paired_markers(const std::string& rendered, const std::string& template_name);

}  // namespace irctl
