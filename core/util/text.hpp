#pragma once
// Small string helpers shared across the core and the command line.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace irctl {

/// Without leading and trailing spaces, tabs and line breaks.
std::string trim(const std::string& s);
/// ASCII letters in lower case; other bytes as they are.
std::string lower(std::string s);
/// The items separated by `separator`.
std::string join(const std::vector<std::string>& items, const char* separator = ", ");
/// True when `s` has a C0 control character or DEL.
bool has_control(const std::string& s);
/// `s` as one word for a POSIX shell (and zsh): in single quotes, each ' in
/// it written as '\''.
std::string shell_quote(const std::string& s);

/// The text with each CRLF, and each CR alone, written as LF.
std::string with_lf_line_endings(const std::string& s);

/// The text for HTML, in an element or an attribute's quotes: & < > " and '
/// written as entities.
std::string escape_html(const std::string& s);

/// The offset of the first byte of `s` that is not part of well-formed
/// UTF-8 (overlong forms, surrogates and code points past U+10FFFF are not,
/// as TOML and JSON require); nullopt when all of it is.
std::optional<size_t> invalid_utf8_at(std::string_view s);

/// The text with control characters (ANSI escapes included) and bytes that
/// are not UTF-8 shown as \xNN, and C1 controls and bidirectional overrides
/// as \uNNNN, so that data recorded from alerts can never drive or garble
/// the terminal (or a commit subject read through 'git log').
std::string printable(const std::string& s);
/// The same for text of several lines (a rendered postmortem or update):
/// newlines and tabs are kept, every other control character is escaped.
std::string printable_text(const std::string& s);

}  // namespace irctl
