#pragma once
// Helpers for what people read: data from incident files is made safe for a
// terminal, tables are aligned, colour is used only where it is allowed.

#include <string>
#include <string_view>
#include <vector>

#include "core/model/config.hpp"
#include "core/model/incident.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {

// printable() and printable_text() are core/util/text.hpp's.

/// Wraps `s` in an ANSI colour.
std::string painted(const std::string& s, const char* sgr);
/// painted(s, sgr) when `on`, else `s`.
std::string colored(const std::string& s, const char* sgr, bool on);
inline const char* kRed = "31";
inline const char* kYellow = "33";
inline const char* kBold = "1";
inline const char* kDim = "2";

/// Lays out rows in columns separated by two spaces; the last column is not padded.
std::string format_table(const std::vector<std::vector<std::string>>& rows);

/// JSON text as Json::dump(2) writes it, put together without parsing it
/// again (list --json writes thousands of cached documents this way):
/// `pretty` placed `spaces` deeper (every line after the first indented).
std::string indented(std::string_view pretty, size_t spaces);
/// `object`, dump(2) of an object with at least one member, followed by the
/// members of `more`: what dump(2) writes for the two merged.
std::string with_members(std::string_view object, const Json& more);

/// "Alice Example" from "Alice Example <alice@example.com>".
std::string short_name(const std::string& actor);

/// The timeline as a table: time, type, who, text.
std::string format_timeline(const std::vector<Event>& events);

}  // namespace irctl::cli
