#pragma once
// GitHub-flavoured Markdown: plain text escaped for the place it goes in a
// document (what the Mustache templates insert), and a document rendered to
// HTML by libcmark-gfm, the reference implementation of GFM that GitHub
// maintains. No Markdown is parsed by hand anywhere in irctl.
//
// Each escape function takes text as recorded (any characters, several
// lines) and returns Markdown that renders as that text and stays in its
// place: one table cell, one list item, one heading, or paragraphs that open
// no heading, list, quote, table, code block or HTML by accident.

#include <string>

namespace irctl {

/// Text for one cell of a table row: lines joined by <br> (a table row is
/// one line), every '|' escaped.
std::string escape_markdown_table_cell(const std::string& text);

/// Text for one list item whose content starts `indent` columns in (2 for
/// "- ", 3 for "1. "): its lines are hard line breaks, indented so that they
/// stay in the item. `at_item_start`: the text begins the item's content,
/// where a '#' or "1." would otherwise open a heading or a list in it.
std::string escape_markdown_list_item(const std::string& text, size_t indent, bool at_item_start);

/// Text for a heading: one line (its line breaks become spaces), every '#'
/// escaped so that none closes it.
std::string escape_markdown_heading(const std::string& text);

/// Text among paragraphs: its lines and blank lines are kept, leading
/// spaces dropped (Markdown shows none), and no line opens a block.
/// `at_line_start`: the text begins a line, so its first line is a line
/// start too.
std::string escape_markdown_text(const std::string& text, bool at_line_start);

/// A URL for a link's destination, "[text](URL)" or "<URL>": what could end
/// it early (blanks, parentheses, '<', '>', a table's '|') percent-encoded,
/// and '&' written as "&amp;", which cmark-gfm reads back as '&' (it reads
/// "\&amp;" as '&' too, and backslashes do nothing in "<URL>").
std::string escape_markdown_link_destination(const std::string& url);

/// The HTML of a Markdown document (GFM: tables, strikethrough, autolinks),
/// safe to show: raw HTML and javascript: links are left out, so that an
/// incident's "<script>" never runs. The one raw HTML that is kept is <br>,
/// the line break inside a table cell, which becomes a line break.
std::string markdown_to_html(const std::string& markdown);

/// A standalone page (UTF-8, a small stylesheet that prints well) of a
/// Markdown document, titled by its first heading, or by `fallback_title`
/// when it has none.
std::string markdown_to_html_page(const std::string& markdown, const std::string& fallback_title);

}  // namespace irctl
