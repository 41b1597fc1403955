// Each value a template inserts with {{name}}, escaped for where it lands.
//
// Markdown escapes text differently by place: a table cell must stay on its
// row's line, a list item must keep its lines in the item, a heading is one
// line, and text among paragraphs must not open a block. kainjow-mustache's
// custom escape sees only the value, never where it goes, so the escape
// marks it instead: kValueOpen, the value, kValueClose, characters that no
// text of the incident can hold (render_template makes every text
// printable(), which writes control characters as \xNN, and refuses a
// template that holds them). Once the template is rendered, place_values
// reads each marked value's line as the template wrote it, before its first
// value, and escapes the value for that place:
//
//   "| ..."              a table row: escape_markdown_table_cell
//   "- ", "* ", "1. "    a list item: escape_markdown_list_item
//   "# " to "###### "    a heading:   escape_markdown_heading
//   anything else        text:        escape_markdown_text
//
// except a value right after "](" or "<", which is a link's destination
// ("[text]({{link}})", "<{{link}}>") wherever it is
// (escape_markdown_link_destination).
//
// So a template needs no escaping by hand, and a template of another format
// gets the escape of its own: HTML's entities, or nothing for plain text.
// {{{name}}} is never escaped, in any format.

#include <string_view>

#include "core/error.hpp"
#include "core/markdown.hpp"
#include "core/postmortem_internal.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

constexpr char kValueOpen = '\x01';
constexpr char kValueClose = '\x02';

enum class Place { table_cell, list_item, heading, text };

struct LinePlace {
  Place place = Place::text;
  size_t indent = 0;  ///< a list item's: the column its content starts at
};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t leading_blanks(std::string_view line) {
  size_t n = 0;
  while (n < line.size() && is_blank(line[n])) ++n;
  return n;
}

// The length of a list marker ("-", "*", "+", "1.", "12)") at the start of
// `line` when a blank follows it, as CommonMark requires; 0 otherwise.
size_t list_marker_length(std::string_view line) {
  size_t n = 0;
  if (!line.empty() && (line[0] == '-' || line[0] == '*' || line[0] == '+'))
    n = 1;
  else {
    while (n < line.size() && n < 9 && is_digit(line[n])) ++n;
    if (n == 0 || n >= line.size() || (line[n] != '.' && line[n] != ')')) return 0;
    ++n;
  }
  return n < line.size() && is_blank(line[n]) ? n : 0;
}

// The place of the values of a line, from what the template wrote before
// the first of them.
LinePlace place_of(std::string_view template_text) {
  const size_t lead = leading_blanks(template_text);
  const std::string_view line = template_text.substr(lead);
  if (!line.empty() && line[0] == '|') return {Place::table_cell};
  size_t hashes = 0;
  while (hashes < line.size() && line[hashes] == '#') ++hashes;
  if (hashes >= 1 && hashes <= 6 && hashes < line.size() && is_blank(line[hashes])) return {Place::heading};
  if (const size_t marker = list_marker_length(line)) {
    const size_t spaces = leading_blanks(line.substr(marker));
    // Five blanks or more after the marker start an indented code block, one column in.
    return {Place::list_item, lead + marker + (spaces <= 4 ? spaces : 1)};
  }
  return {Place::text};
}

// Whether a value that follows `line_so_far` (the document's current line)
// begins a block's content: the line holds only blanks, quote markers and a
// list marker, so that a '#' or "1." there would open a heading or a list.
bool begins_content(std::string_view line_so_far) {
  std::string_view rest = line_so_far.substr(leading_blanks(line_so_far));
  while (!rest.empty() && rest[0] == '>') {
    rest.remove_prefix(1);
    rest.remove_prefix(leading_blanks(rest));
  }
  if (const size_t marker = list_marker_length(rest)) rest.remove_prefix(marker);
  return leading_blanks(rest) == rest.size();
}

std::string escaped_for(const LinePlace& where, const std::string& value, std::string_view line_so_far) {
  switch (where.place) {
    case Place::table_cell: return escape_markdown_table_cell(value);
    case Place::list_item: return escape_markdown_list_item(value, where.indent, begins_content(line_so_far));
    case Place::heading: return escape_markdown_heading(value);
    case Place::text: break;
  }
  return escape_markdown_text(value, begins_content(line_so_far));
}

std::string_view current_line(const std::string& out) {
  const size_t newline = out.rfind('\n');
  return std::string_view(out).substr(newline == std::string::npos ? 0 : newline + 1);
}

std::string place_markdown_values(const std::string& rendered) {
  std::string out;
  out.reserve(rendered.size() + rendered.size() / 8);
  size_t line_start = 0;  // where the template's current line began in `out`
  bool line_placed = false;
  LinePlace where;
  for (size_t i = 0; i < rendered.size(); ++i) {
    const char c = rendered[i];
    if (c != kValueOpen) {
      out += c;
      if (c == '\n') {
        line_start = out.size();
        line_placed = false;
      }
      continue;
    }
    const size_t close = rendered.find(kValueClose, i + 1);
    if (!line_placed) {
      where = place_of(std::string_view(out).substr(line_start));
      line_placed = true;
    }
    const std::string value = rendered.substr(i + 1, close - i - 1);
    const bool destination = (out.size() >= 2 && out.compare(out.size() - 2, 2, "](") == 0) ||
                             (!out.empty() && out.back() == '<');
    out += destination ? escape_markdown_link_destination(value) : escaped_for(where, value, current_line(out));
    i = close;
  }
  return out;
}

}  // namespace

void require_no_value_marks(const Template& tmpl) {
  const size_t at = tmpl.text.find_first_of(std::string{kValueOpen, kValueClose, kDefusedLt});
  if (at == std::string::npos) return;
  throw Error(Errc::data,
              tmpl.name + ":" + where(tmpl.text, at) + ": the control character " + printable(tmpl.text.substr(at, 1)) +
                  " is not allowed in a template",
              "remove it from the template");
}

std::function<std::string(const std::string&)> value_escape(TemplateFormat format) {
  switch (format) {
    case TemplateFormat::markdown:
      return [](const std::string& value) { return kValueOpen + value + kValueClose; };
    case TemplateFormat::html: return escape_html;
    case TemplateFormat::text: break;
  }
  return [](const std::string& value) { return value; };
}

std::string place_values(const std::string& rendered, TemplateFormat format) {
  std::string out = format == TemplateFormat::markdown ? place_markdown_values(rendered) : rendered;
  for (size_t pos = out.find(kDefusedLt); pos != std::string::npos; pos = out.find(kDefusedLt, pos))
    out.replace(pos, 1, "&lt;");
  return out;
}

}  // namespace irctl
