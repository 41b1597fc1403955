#include "cmd/output.hpp"

#include <algorithm>
#include <cstdio>

#include "core/lifecycle.hpp"

namespace irctl::cli {
namespace {

// Display width of a UTF-8 string, counting code points (good enough for
// aligning columns of IDs, statuses and names).
size_t display_width(const std::string& s) {
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string indented(std::string_view pretty, size_t spaces) {
  // dump() escapes newlines inside strings, so every raw newline ends a line.
  std::string out;
  out.reserve(pretty.size() + pretty.size() / 16);
  for (size_t start = 0;;) {
    const size_t nl = pretty.find('\n', start);
    out.append(pretty.substr(start, nl == std::string_view::npos ? nl : nl + 1 - start));
    if (nl == std::string_view::npos) return out;
    out.append(spaces, ' ');
    start = nl + 1;
  }
}

std::string with_members(std::string_view object, const Json& more) {
  // dump(2) ends an object with members in "\n}".
  std::string out(object.substr(0, object.rfind('\n')));
  for (const auto& [key, value] : more.items()) out += ",\n  " + Json(key).dump() + ": " + indented(value.dump(2), 2);
  return out + "\n}";
}

std::string painted(const std::string& s, const char* sgr) { return std::string("\033[") + sgr + "m" + s + "\033[0m"; }

std::string colored(const std::string& s, const char* sgr, bool on) { return on ? painted(s, sgr) : s; }

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (widths.size() <= i) widths.push_back(0);
      widths[i] = std::max(widths[i], display_width(row[i]));
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - display_width(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string short_name(const std::string& actor) {
  const auto open = actor.find(" <");
  return open == std::string::npos ? actor : actor.substr(0, open);
}

std::string format_timeline(const std::vector<Event>& events) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& e : events) {
    // Multi-line texts continue under the text column.
    const std::string text = printable(e.text.substr(0, e.text.find('\n')));
    rows.push_back({format_short(e.at), e.type, printable(short_name(e.by)), text});
    size_t pos = e.text.find('\n');
    while (pos != std::string::npos) {
      const size_t next = e.text.find('\n', pos + 1);
      rows.push_back({"", "", "", printable(e.text.substr(pos + 1, next == std::string::npos ? next : next - pos - 1))});
      pos = next;
    }
  }
  return format_table(rows);
}

}  // namespace irctl::cli
