#pragma once
// Checks of what users type, shared by every write: each returns the cleaned
// value or throws Error(Errc::usage) saying what is wrong.

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/model/actor.hpp"
#include "core/model/incident.hpp"
#include "core/util/text.hpp"

namespace irctl {

constexpr size_t kMaxTitle = 200;
constexpr size_t kMaxText = 64 * 1024;

/// Refuses text that is not well-formed UTF-8, naming `what` and the byte.
void require_utf8(const std::string& value, const std::string& what);
/// One line, no control characters, at most `max` bytes, not empty.
std::string require_line(const std::string& value, const char* what, size_t max = kMaxTitle);
/// Text that may have several lines, at most kMaxText bytes, not empty. Any
/// character is kept (output piped in may carry colour codes): the file
/// escapes them and irctl shows them escaped.
std::string require_text(const std::string& value, const char* what);
/// Reads a text from a stream, refusing it (Errc::usage) once it passes
/// kMaxText bytes: reads no more than that, whatever the stream holds.
std::string read_limited_text(std::istream& in, const char* what);
/// Each item a line; duplicates dropped, order kept.
std::vector<std::string> clean_list(const std::vector<std::string>& items, const char* what);
/// A link that irctl renders as one: an http, https or mailto URL (the
/// scheme in any case, the whole trimmed), without spaces or the characters
/// a URL cannot hold; nullopt for anything else (javascript:, data:, ...).
std::optional<std::string> web_link(const std::string& value);
/// web_link's link, or Error(Errc::usage) naming `what`.
std::string require_link(const std::string& value, const char* what);
/// Refuses times more than a minute (clock skew) after the recorder's now.
void require_not_future(Timestamp t, const Recorder& rec, const char* what);

/// Refuses times before the incident began (its start, detection or
/// declaration, whichever is first): durations would come out negative.
void require_not_before_start(Timestamp t, const Incident& inc, const char* what);

TomlValue string_array(const std::vector<std::string>& items);
/// The first line of `text`, cut to `max` bytes on a character boundary.
std::string one_line(const std::string& text, size_t max);

}  // namespace irctl
