// GitHub-flavoured Markdown: escaping text for its place in a document, and
// rendering a document to HTML with libcmark-gfm.

#include "core/markdown.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

bool is_ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\n");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\n") - first + 1);
}

// Whether a text keeps the blanks and blank lines at its ends.
enum class Ends { kept, trimmed };

// The lines of a text, whatever its line endings (LF, CRLF, CR).
std::vector<std::string> lines_of(const std::string& text, Ends ends) {
  const std::string lf = with_lf_line_endings(text);
  const std::string_view all = ends == Ends::trimmed ? trimmed(lf) : std::string_view(lf);
  std::vector<std::string> lines;
  for (size_t start = 0;;) {
    const size_t end = all.find('\n', start);
    lines.emplace_back(all.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

std::string_view without_leading_blanks(std::string_view line) {
  while (!line.empty() && is_blank(line.front())) line.remove_prefix(1);
  return line;
}

// "&amp;", "&#35;", "&#x23;": an entity, which Markdown would show as the
// character it names, not as written.
bool starts_entity(std::string_view text) {
  size_t i = 1;  // past the '&'
  if (i < text.size() && text[i] == '#') ++i;
  const size_t name = i;
  while (i < text.size() && is_ascii_alnum(text[i])) ++i;
  return i > name && i < text.size() && text[i] == ';';
}

// Escapes what means something anywhere in a line: emphasis, code spans,
// links, autolinks and raw HTML, strikethrough, table pipes, entities and
// backslashes. An '_' between letters or digits opens no emphasis in
// CommonMark, so names such as db_primary stay as they are. With
// `every_hash`, '#' too (a heading's closing sequence).
std::string escape_inline(std::string_view line, bool every_hash) {
  std::string out;
  out.reserve(line.size() + line.size() / 8);
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    switch (c) {
      case '\\': case '`': case '*': case '[': case ']': case '|': case '~':
        out += '\\';
        out += c;
        break;
      case '_': {
        const bool inside_word = i > 0 && i + 1 < line.size() && is_ascii_alnum(line[i - 1]) && is_ascii_alnum(line[i + 1]);
        out += inside_word ? "_" : "\\_";
        break;
      }
      case '<': out += "&lt;"; break;
      case '&': out += starts_entity(line.substr(i)) ? "\\&" : "&"; break;
      case '#': out += every_hash ? "\\#" : "#"; break;
      default: out += c;
    }
  }
  return out;
}

// A line start, its leading blanks dropped (four would open a code block):
// escapes the first character when it could open a block that
// escape_inline leaves open: a heading ('#'), a quote ('>'), a list ("-",
// "+", "1." or "1)"), a setext underline or thematic break ('=', '-') or a
// table's delimiter row (":--", "-|-").
std::string escape_line_start(std::string_view line) {
  line = without_leading_blanks(line);
  std::string out = escape_inline(line, false);
  if (out.empty()) return out;
  if (std::string_view("#>-+=:").find(out.front()) != std::string_view::npos) return "\\" + out;
  size_t digits = 0;
  while (digits < out.size() && is_digit(out[digits])) ++digits;
  if (digits > 0 && digits < out.size() && (out[digits] == '.' || out[digits] == ')'))
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(digits), '\\');
  return out;
}

}  // namespace

std::string escape_markdown_table_cell(const std::string& text) {
  std::string out;
  for (const auto& line : lines_of(text, Ends::trimmed))
    out += (out.empty() ? "" : "<br>") + escape_inline(line, false);
  return out;
}

std::string escape_markdown_list_item(const std::string& text, size_t indent, bool at_item_start) {
  const auto lines = lines_of(text, Ends::trimmed);
  std::string out = at_item_start ? escape_line_start(lines.front()) : escape_inline(lines.front(), false);
  // A backslash at the end of a line is a hard line break, and no blank
  // line can end the item: an empty line of the text becomes a line holding
  // only the break.
  for (size_t i = 1; i < lines.size(); ++i) out += "\\\n" + std::string(indent, ' ') + escape_line_start(lines[i]);
  return out;
}

std::string escape_markdown_heading(const std::string& text) {
  std::string one_line;
  for (const auto& line : lines_of(text, Ends::trimmed))
    if (const auto words = trimmed(line); !words.empty()) {
      if (!one_line.empty()) one_line += ' ';
      one_line += words;
    }
  return escape_inline(one_line, true);
}

std::string escape_markdown_text(const std::string& text, bool at_line_start) {
  const auto lines = lines_of(text, Ends::kept);
  std::string out = at_line_start ? escape_line_start(lines.front()) : escape_inline(lines.front(), false);
  for (size_t i = 1; i < lines.size(); ++i) {
    out += '\n';
    out += escape_line_start(lines[i]);
  }
  return out;
}

std::string escape_markdown_link_destination(const std::string& url) {
  std::string out;
  char hex[4];
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '&') {
      out += "&amp;";
    } else if (byte <= 0x20 || byte == 0x7f || std::string_view("()<>\\|`").find(c) != std::string_view::npos) {
      std::snprintf(hex, sizeof hex, "%%%02X", byte);
      out += hex;
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
using Parser = std::unique_ptr<cmark_parser, ParserFree>;
using Document = std::unique_ptr<cmark_node, NodeFree>;

// GFM as GitHub renders it: tables, ~~strikethrough~~ and bare links. Raw
// HTML stays off (CMARK_OPT_DEFAULT is cmark's safe mode), so tagfilter has
// nothing to do.
constexpr int kOptions = CMARK_OPT_DEFAULT;

Parser gfm_parser() {
  cmark_gfm_core_extensions_ensure_registered();
  Parser parser(cmark_parser_new(kOptions));
  for (const char* name : {"table", "strikethrough", "autolink"}) {
    cmark_syntax_extension* extension = cmark_find_syntax_extension(name);
    if (!extension) throw Error(Errc::failure, std::string("libcmark-gfm has no '") + name + "' extension");
    cmark_parser_attach_syntax_extension(parser.get(), extension);
  }
  return parser;
}

bool is_line_break_html(const char* literal) {
  const std::string_view tag = literal ? literal : "";
  return tag == "<br>" || tag == "<br/>" || tag == "<br />";
}

// The placeholder of a <br> while the document is rendered: a control
// character, which parse_gfm takes out of the document first.
constexpr char kLineBreak = '\x01';

// The <br> of table cells (escape_markdown_table_cell) as placeholders,
// which render_html writes as <br />: safe mode leaves out every raw HTML,
// and a table cell may not hold a line break node (cmark_node_replace
// refuses one there).
void mark_br_for_line_breaks(cmark_node* document) {
  std::vector<cmark_node*> breaks;
  cmark_iter* iter = cmark_iter_new(document);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(node) == CMARK_NODE_HTML_INLINE &&
        is_line_break_html(cmark_node_get_literal(node)))
      breaks.push_back(node);
  }
  cmark_iter_free(iter);
  for (cmark_node* node : breaks) {
    cmark_node* text = cmark_node_new(CMARK_NODE_TEXT);
    cmark_node_set_literal(text, std::string(1, kLineBreak).c_str());
    if (cmark_node_replace(node, text))
      cmark_node_free(node);
    else
      cmark_node_free(text);
  }
}

std::string text_of(cmark_node* node) {
  std::string out;
  cmark_iter* iter = cmark_iter_new(node);
  for (cmark_event_type ev; (ev = cmark_iter_next(iter)) != CMARK_EVENT_DONE;) {
    cmark_node* n = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER) continue;
    const auto type = cmark_node_get_type(n);
    if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE) out += cmark_node_get_literal(n);
    if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) out += ' ';
  }
  cmark_iter_free(iter);
  return out;
}

std::string first_heading(cmark_node* document) {
  for (cmark_node* n = cmark_node_first_child(document); n; n = cmark_node_next(n))
    if (cmark_node_get_type(n) == CMARK_NODE_HEADING) return text_of(n);
  return "";
}

// A parsed document, with the parser whose extensions render it.
struct GfmDocument {
  Parser parser;
  Document root;
};

GfmDocument parse_gfm(std::string markdown) {
  for (size_t pos = markdown.find(kLineBreak); pos != std::string::npos; pos = markdown.find(kLineBreak, pos))
    markdown.replace(pos, 1, "\uFFFD");  // as cmark writes a NUL
  Parser parser = gfm_parser();
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  Document root(cmark_parser_finish(parser.get()));
  mark_br_for_line_breaks(root.get());
  return {std::move(parser), std::move(root)};
}

std::string render_html(const GfmDocument& doc) {
  char* html = cmark_render_html(doc.root.get(), kOptions, cmark_parser_get_syntax_extensions(doc.parser.get()));
  std::string out;
  for (const char* c = html; *c; ++c) out += *c == kLineBreak ? std::string("<br />") : std::string(1, *c);
  cmark_get_default_mem_allocator()->free(html);
  return out;
}

// Readable on a screen and on paper: a measure that fits the timeline's
// table, borders on every cell, no backgrounds or link colours in print.
constexpr const char* kStylesheet = R"(body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;max-width:64rem;margin:2rem auto;padding:0 1rem}
h1,h2,h3{line-height:1.25}
h2{border-bottom:1px solid #d0d7de;padding-bottom:.3em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}
th{background:#f6f8fa}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
@media print{body{max-width:none;margin:0;font-size:11pt;color:#000}th{background:none}a{color:inherit}h2{break-after:avoid}tr{break-inside:avoid}}
)";

}  // namespace

std::string markdown_to_html(const std::string& markdown) {
  const GfmDocument doc = parse_gfm(markdown);
  return render_html(doc);
}

std::string markdown_to_html_page(const std::string& markdown, const std::string& fallback_title) {
  const GfmDocument doc = parse_gfm(markdown);
  const std::string heading = first_heading(doc.root.get());
  return "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
         escape_html(heading.empty() ? fallback_title : heading) + "</title>\n<style>\n" + kStylesheet +
         "</style>\n</head>\n<body>\n" + render_html(doc) + "</body>\n</html>\n";
}

}  // namespace irctl
