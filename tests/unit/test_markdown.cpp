// Markdown that holds: every value a template inserts is escaped for where it
// goes, judged by libcmark-gfm (GitHub's GFM, with its table extension) over
// texts holding every character that could break a table row, a list item, a
// heading or a paragraph; and the HTML page of a postmortem.

#include <doctest/doctest.h>

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <fstream>
#include <memory>

#include "core/actions.hpp"
#include "core/lifecycle.hpp"
#include "core/markdown.hpp"
#include "core/postmortem.hpp"
#include "core/updates.hpp"
#include "core/util/text.hpp"
#include "support.hpp"

namespace test_markdown {

using namespace irctl;
using namespace irctl::testing;

namespace {

// ---- The judge: the top-level blocks of a document, as cmark-gfm reads them.

struct Block {
  std::string type;                             ///< cmark-gfm's name: paragraph, heading, list, table, ...
  std::string text;                             ///< a paragraph's or heading's text
  std::vector<std::vector<std::string>> rows;   ///< a table's rows, its header first: the text of each cell
  std::vector<std::string> items;               ///< a list's items: the text of each
  bool items_are_one_paragraph = true;          ///< a list's items each hold exactly one paragraph
  bool tight = true;                            ///< a list's
  std::vector<std::string> links;               ///< the destination of every link inside
};

struct IterFree {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

// The text a reader sees: line breaks (and the <br> of table cells) as
// newlines; the judge's other reading of raw HTML is its literal.
void collect_text(cmark_node* node, std::string& text, std::vector<std::string>& links) {
  std::unique_ptr<cmark_iter, IterFree> iter(cmark_iter_new(node));
  for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
    if (ev != CMARK_EVENT_ENTER) continue;
    cmark_node* n = cmark_iter_get_node(iter.get());
    switch (cmark_node_get_type(n)) {
      case CMARK_NODE_TEXT:
      case CMARK_NODE_CODE: text += cmark_node_get_literal(n); break;
      case CMARK_NODE_SOFTBREAK:
      case CMARK_NODE_LINEBREAK: text += '\n'; break;
      case CMARK_NODE_HTML_INLINE: {
        const std::string html = cmark_node_get_literal(n);
        text += html == "<br>" ? "\n" : html;
        break;
      }
      case CMARK_NODE_LINK: links.push_back(cmark_node_get_url(n)); break;
      default: break;
    }
  }
}

std::string type_of(cmark_node* n) { return cmark_node_get_type_string(n); }

Block block_of(cmark_node* node) {
  Block b;
  b.type = type_of(node);
  if (b.type == "table") {
    for (cmark_node* row = cmark_node_first_child(node); row; row = cmark_node_next(row)) {
      b.rows.emplace_back();
      for (cmark_node* cell = cmark_node_first_child(row); cell; cell = cmark_node_next(cell)) {
        std::string text;
        collect_text(cell, text, b.links);
        b.rows.back().push_back(text);
      }
    }
  } else if (b.type == "list") {
    b.tight = cmark_node_get_list_tight(node) != 0;
    for (cmark_node* item = cmark_node_first_child(node); item; item = cmark_node_next(item)) {
      cmark_node* first = cmark_node_first_child(item);
      if (!first || cmark_node_next(first) || type_of(first) != "paragraph") b.items_are_one_paragraph = false;
      std::string text;
      collect_text(item, text, b.links);
      b.items.push_back(text);
    }
  } else {
    collect_text(node, b.text, b.links);
  }
  return b;
}

std::vector<Block> blocks_of(const std::string& markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
  cmark_parser_attach_syntax_extension(parser, cmark_find_syntax_extension("table"));
  cmark_parser_feed(parser, markdown.data(), markdown.size());
  cmark_node* doc = cmark_parser_finish(parser);
  std::vector<Block> blocks;
  for (cmark_node* n = cmark_node_first_child(doc); n; n = cmark_node_next(n)) blocks.push_back(block_of(n));
  cmark_node_free(doc);
  cmark_parser_free(parser);
  return blocks;
}

/// Whitespace as a reader sees it: each run one space, none at the ends.
std::string normalised(const std::string& text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string> normalised(std::vector<std::string> texts) {
  for (auto& t : texts) t = normalised(t);
  return texts;
}

// ---- The awkward texts: each character or line that could open, end or
// split a Markdown construct.

const std::vector<std::string> kAwkward = {
    "Line one\nline two\n\nA second paragraph",
    "a | b || c |",
    "`code` and ``` fences ``",
    "# not a heading",
    "- not a list",
    "1. not a list either\n2) nor this",
    "> not a quote",
    "<script>alert('x')</script>",
    "**not bold** and *not em* and _not em_ and __nor this__",
    "ends with a backslash \\",
    "CRLF line\r\nsecond line\r\n",
    "tab\there\t\tand there",
    "Unicode: café, 日本語, 🔥, → ✓",
    "```\nnot a fence\n```",
    "    indented by four",
    "text\n---\nnot a setext heading",
    "text\n===",
    "header\n:--",
    "cell | cell\n--- | ---\nnot | a table",
    "[a link](http://example.com) ![an image](x.png)\n[ref]: /url",
    "&amp; &#35; &#x23; &copy; R&D",
    "~~not struck~~",
    "<!-- irctl:end --> not a marker",
    "+ plus\n* star\n+",
    "trailing spaces   \nnext line",
    "<http://example.com/autolink>",
    "snake_case_name and _leading and trailing_",
    "\\# escaped already \\| and \\\\",
    "***\n___\n- - -",
    "<div>\nraw block\n</div>",
};

// ---- Documents around one escaped text, read back by the judge.

void check_table_cell(const std::string& text) {
  CAPTURE(text);
  const auto blocks = blocks_of("| A | B |\n|---|---|\n| " + escape_markdown_table_cell(text) + " | after |\n");
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].type == "table");
  REQUIRE(blocks[0].rows.size() == 2);
  CHECK(normalised(blocks[0].rows[1]) == std::vector<std::string>{normalised(text), "after"});
}

void check_list_item(const std::string& text, const std::string& marker) {
  CAPTURE(text);
  CAPTURE(marker);
  const std::string item = marker + " " + escape_markdown_list_item(text, marker.size() + 1, true);
  const auto blocks = blocks_of(marker + " before\n" + item + "\n" + marker + " after\n");
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].type == "list");
  CHECK(normalised(blocks[0].items) == std::vector<std::string>{"before", normalised(text), "after"});
  CHECK(blocks[0].items_are_one_paragraph);
  CHECK(blocks[0].tight);
  // after words of the template's on the item's line, too
  const auto later = blocks_of(marker + " At 16:05: " + escape_markdown_list_item(text, marker.size() + 1, false) + "\n");
  REQUIRE(later.size() == 1);
  CHECK(later[0].items == std::vector<std::string>{later[0].items[0]});
  CHECK(normalised(later[0].items[0]) == normalised("At 16:05: " + text));
  CHECK(later[0].items_are_one_paragraph);
}

void check_heading(const std::string& text) {
  CAPTURE(text);
  const auto blocks = blocks_of("## Postmortem: " + escape_markdown_heading(text) + "\n");
  REQUIRE(blocks.size() == 1);
  CHECK(blocks[0].type == "heading");
  CHECK(normalised(blocks[0].text) == normalised("Postmortem: " + text));
}

// Only paragraphs, which read together as the text.
void check_paragraphs(const std::string& document, const std::string& expected) {
  CAPTURE(document);
  std::string text;
  for (const auto& b : blocks_of(document)) {
    CHECK(b.type == "paragraph");
    text += " " + b.text;
  }
  CHECK(normalised(text) == normalised(expected));
}

void check_text(const std::string& text) {
  CAPTURE(text);
  check_paragraphs("Before.\n\n" + escape_markdown_text(text, true) + "\n\nAfter.\n", "Before. " + text + " After.");
  check_paragraphs("Impact: " + escape_markdown_text(text, false) + "\n", "Impact: " + text);
}

// ---- An incident whose every text is awkward, and its postmortem.

const Timestamp kT0 = from_civil({2026, 11, 28, 16, 0, 0, 0});
Recorder at(int minutes) { return Recorder{kAlice, kT0 + std::chrono::minutes(minutes), kT0 + std::chrono::hours(2)}; }

std::string one_line_of(const std::string& text) { return normalised(text); }

const std::string kPerson = "Zoë | *Z* #1";

// Declares it with a title of every character a line may hold, and records
// each awkward text as a note, a multi-line one as updates, phase actions
// and follow-ups (one line each where irctl wants one line).
// With `evidence`, a security incident's eradication collects it.
std::string declare_awkward(Repository& repo, const std::string& kind, const std::string& evidence = "") {
  DeclareRequest r;
  r.title = "DB | `primary` # down <b>*now*</b> _x_ [y] \\";
  r.kind = kind;
  r.summary = kAwkward[0] + "\n\n" + kAwkward[3] + "\n" + kAwkward[4] + "\n" + kAwkward[15];
  const std::string id = declare_incident(repo, r, at(0)).incident_id;
  int minute = 1;
  for (const auto& text : kAwkward) add_note(repo, id, text, at(minute++));
  post_update(repo, id, kAwkward[0] + "\n" + kAwkward[5], "internal", at(minute++));
  post_update(repo, id, kAwkward[13] + "\n" + kAwkward[6], "external", at(minute++));
  record_phase_action(repo, id, {"containment", kAwkward[2] + "\n" + kAwkward[1], {}, false}, at(minute++));
  record_phase_action(repo, id, {"recovery", kAwkward[7] + "\n" + kAwkward[9], {}, false}, at(minute++));
  assign_role(repo, id, {"tech-lead", kPerson, "db_primary.2", false}, at(minute++));
  if (!evidence.empty())
    record_phase_action(repo, id, {"eradication", kAwkward[0] + "\n" + kAwkward[1], {evidence}, false}, at(minute++));
  change_severity(repo, id, "SEV1", one_line_of(kAwkward[16]), at(minute++));
  add_follow_up(repo, id, {one_line_of(kAwkward[8]), "bob", "", "", "https://tickets.example.com/_a_(b)*c~d?e=1&amp;f"},
                at(minute++));
  add_follow_up(repo, id, {one_line_of(kAwkward[1]), "", "", "", ""}, at(minute++));
  SetRequest impact;
  impact.impact = kAwkward[17] + "\n" + kAwkward[18];
  set_fields(repo, id, impact, at(minute++));
  resolve_incident(repo, id, std::nullopt, kAwkward[19] + "\n" + kAwkward[28], at(minute++));
  return id;
}

const Block* table_with_header(const std::vector<Block>& blocks, const std::vector<std::string>& header) {
  for (const auto& b : blocks)
    if (b.type == "table" && !b.rows.empty() && b.rows[0] == header) return &b;
  return nullptr;
}

std::vector<std::string> headings_of(const std::vector<Block>& blocks) {
  std::vector<std::string> out;
  for (const auto& b : blocks)
    if (b.type == "heading") out.push_back(normalised(b.text));
  return out;
}

std::vector<std::string> list_items_of(const std::vector<Block>& blocks) {
  std::vector<std::string> out;
  for (const auto& b : blocks)
    if (b.type == "list")
      for (const auto& item : b.items) out.push_back(normalised(item));
  return out;
}

bool has_item(const std::vector<std::string>& items, const std::string& text) {
  return std::count(items.begin(), items.end(), normalised(text)) == 1;
}

// What every default postmortem template must hold: the headings of the
// same template over a plain incident, one row per timeline event and per
// action holding its texts, and one list item per update, phase action and role.
void check_postmortem(Repository& repo, const std::string& id, const std::string& plain_id, const std::string& tmpl) {
  CAPTURE(tmpl);
  const std::string text = write_postmortem(repo, id, {tmpl, ""}, PostmortemMode::preview, at(90)).text;
  const auto blocks = blocks_of(text);
  const IncidentFile file = load_incident(repo, id);
  const Json data = template_data(file, repo.config(), repo.people());

  auto headings = headings_of(blocks);
  auto plain = headings_of(blocks_of(write_postmortem(repo, plain_id, {tmpl, ""}, PostmortemMode::preview, at(90)).text));
  REQUIRE(!headings.empty());
  CHECK(headings[0] == normalised("Postmortem: " + file.incident().title));
  headings.erase(headings.begin());
  plain.erase(plain.begin());
  CHECK(headings == plain);

  const Block* timeline = table_with_header(blocks, {"Time", "Who", "Event", "What"});
  REQUIRE(timeline);
  REQUIRE(timeline->rows.size() == data["timeline"].size() + 1);
  for (size_t i = 0; i < data["timeline"].size(); ++i) {
    const Json& e = data["timeline"][i];
    CHECK(normalised(timeline->rows[i + 1]) ==
          normalised({e["time"].get<std::string>(), e["actor"].get<std::string>(), e["type"].get<std::string>(),
                      with_lf_line_endings(e["text"].get<std::string>())}));
  }

  const Block* actions = table_with_header(blocks, {"#", "Action", "Owner", "Due", "Type", "Status"});
  REQUIRE(actions);
  const auto& follow_ups = file.incident().actions;
  REQUIRE(actions->rows.size() == follow_ups.size() + 1);
  CHECK(normalised(actions->rows[1][1]) == normalised(follow_ups[0].text + " (link)"));
  // the link as markdown_link wrote it: parentheses percent-encoded
  CHECK(actions->links == std::vector<std::string>{"https://tickets.example.com/_a_%28b%29*c~d?e=1&amp;f"});
  CHECK(normalised(actions->rows[2][1]) == normalised(follow_ups[1].text));

  for (const auto& b : blocks)
    if (b.type == "list") CHECK(b.items_are_one_paragraph);
  const auto items = list_items_of(blocks);
  for (const auto& u : data["updates"])
    CHECK(has_item(items, u["time"].get<std::string>() + " UTC, " + u["audience"].get<std::string>() + " update by " +
                              u["actor"].get<std::string>() + ": " + u["text"].get<std::string>()));
  for (const auto& c : data["containment"])
    CHECK(has_item(items, "Contained, " + c["time"].get<std::string>() + " UTC (Alice Example): " +
                              c["text"].get<std::string>()));
  for (const auto& c : data["recovery"])
    CHECK(has_item(items, "Recovered, " + c["time"].get<std::string>() + " UTC (Alice Example): " +
                              c["text"].get<std::string>()));
  CHECK(has_item(items, repo.config().find_role("tech-lead")->title + ": " + kPerson + " (workstream db_primary.2)"));

  // The summary, impact and root cause: paragraphs that read as the text.
  std::string all_paragraphs;
  for (const auto& b : blocks)
    if (b.type == "paragraph") all_paragraphs += " " + normalised(b.text);
  for (const auto& field : {file.incident().summary, file.incident().impact, file.incident().root_cause})
    CHECK(all_paragraphs.find(normalised(field)) != std::string::npos);

  const std::string html = markdown_to_html(text);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
}

}  // namespace

TEST_SUITE("markdown") {
  TEST_CASE("escaping a table cell: one line, pipes escaped, nothing else that Markdown reads") {
    CHECK(escape_markdown_table_cell("a | b\nc") == "a \\| b<br>c");
    CHECK(escape_markdown_table_cell("  padded\n\n  lines  \n") == "padded<br><br>  lines");
    CHECK(escape_markdown_table_cell("<script> & &amp; R&D") == "&lt;script> & \\&amp; R&D");
    CHECK(escape_markdown_table_cell("db_primary _x_ *y* `z` [l](u) ~~s~~ \\") ==
          "db_primary \\_x\\_ \\*y\\* \\`z\\` \\[l\\](u) \\~\\~s\\~\\~ \\\\");
    CHECK(escape_markdown_table_cell("# - 1. > + = :") == "# - 1. > + = :");  // a cell opens no block
    for (const auto& text : kAwkward) check_table_cell(text);
  }

  TEST_CASE("escaping a list item: its lines stay in the item, none opens a block") {
    CHECK(escape_markdown_list_item("# a\n- b\n\n    1. c", 2, true) == "\\# a\\\n  \\- b\\\n  \\\n  1\\. c");
    CHECK(escape_markdown_list_item("# a\nb", 3, false) == "# a\\\n   b");
    CHECK(escape_markdown_list_item("ends \\\nnext", 2, false) == "ends \\\\\\\n  next");
    for (const auto& text : kAwkward)
      for (const char* marker : {"-", "*", "1."}) check_list_item(text, marker);
  }

  TEST_CASE("escaping a heading: one line, no '#' that could close it") {
    CHECK(escape_markdown_heading("Disk # 3 #\n  full ") == "Disk \\# 3 \\# full");
    CHECK(escape_markdown_heading("x\n\ny") == "x y");
    for (const auto& text : kAwkward) check_heading(text);
  }

  TEST_CASE("escaping text: its paragraphs kept, no block opened") {
    CHECK(escape_markdown_text("# a\n  - b\n\n    code\n1) x\n===\n:--\n+ y", true) ==
          "\\# a\n\\- b\n\ncode\n1\\) x\n\\===\n\\:--\n\\+ y");
    CHECK(escape_markdown_text("# not at a line start\n# but this is", false) ==
          "# not at a line start\n\\# but this is");
    for (const auto& text : kAwkward) check_text(text);
  }

  TEST_CASE("escaping a link's destination: it ends where the link does, and reads back as the URL") {
    const std::string url = "https://x.example/a_(b)*c~d?e=1&f=2&amp;g <h>|`\\";
    const std::string escaped = escape_markdown_link_destination(url);
    CHECK(escaped == "https://x.example/a_%28b%29*c~d?e=1&amp;f=2&amp;amp;g%20%3Ch%3E%7C%60%5C");
    const auto blocks = blocks_of("| A |\n|---|\n| [link](" + escaped + ") |\n\n[link](" + escaped + ") after\n");
    REQUIRE(blocks.size() == 2);
    const std::string read_back = "https://x.example/a_%28b%29*c~d?e=1&f=2&amp;g%20%3Ch%3E%7C%60%5C";
    CHECK(blocks[0].rows == std::vector<std::vector<std::string>>{{"A"}, {"link"}});
    CHECK(blocks[0].links == std::vector<std::string>{read_back});
    CHECK(blocks[1].links == std::vector<std::string>{read_back});
    CHECK(render_template({"t", "- [a]({{u}}) {{u}}\n"}, {{"u", "https://x.example/?a=1&amp;b_"}}) ==
          "- [a](https://x.example/?a=1&amp;amp;b_) https://x.example/?a=1\\&amp;b\\_\n");
    // an autolink too, where backslashes do nothing
    CHECK(render_template({"t", "See <{{u}}>.\n"}, {{"u", "https://x.example/[a]_b?c=1&amp;d"}}) ==
          "See <https://x.example/[a]_b?c=1&amp;amp;d>.\n");
    CHECK(blocks_of("See <https://x.example/[a]_b?c=1&amp;amp;d>.\n")[0].links ==
          std::vector<std::string>{"https://x.example/[a]_b?c=1&amp;d"});
  }

  TEST_CASE("the place of a value: table row, list item, heading or text, from the template's line") {
    const Json data = {{"t", "# a | b\nc"}, {"u", "- x"}};
    CHECK(render_template({"t", "| {{t}} | {{u}} |\n- {{t}} {{u}}\n1. {{u}}\n## {{t}}\n{{t}}\nSee {{u}}\n> {{u}}\n"},
                          data) ==
          "| # a \\| b<br>c | - x |\n"
          "- \\# a \\| b\\\n  c - x\n"
          "1. \\- x\n"
          "## \\# a \\| b c\n"
          "\\# a \\| b\n"
          "c\n"
          "See - x\n"
          "> \\- x\n");
    // a value that follows a multi-line one begins a line too
    CHECK(render_template({"t", "{{t}}{{u}}\n"}, {{"t", "a\n"}, {"u", "- x"}}) == "a\n\\- x\n");
    // CRLF is one line break; the incident's prose markers are shown, not read
    CHECK(render_template({"t", "| {{t}} |\n"}, {{"t", "a\r\nb <!-- irctl:end -->"}}) ==
          "| a<br>b &lt;!-- irctl:end --> |\n");
  }

  TEST_CASE("{{{triple}}} is inserted as it is; HTML and plain-text templates get their own escaping") {
    const Json data = {{"t", "<b>*x*</b> | y"}};
    CHECK(render_template({"t", "| {{{t}}} |\n"}, data) == "| <b>*x*</b> | y |\n");
    CHECK(render_template({"t.html.mustache", "<p>{{t}}</p>{{{t}}}", TemplateFormat::html}, data) ==
          "<p>&lt;b&gt;*x*&lt;/b&gt; | y</p><b>*x*</b> | y");
    CHECK(render_template({"t.txt.mustache", "- {{t}}", TemplateFormat::text}, data) == "- <b>*x*</b> | y");
    CHECK(template_format_of("review.html.mustache") == TemplateFormat::html);
    CHECK(template_format_of("dir/review.txt.mustache") == TemplateFormat::text);
    CHECK(template_format_of("review.md.mustache") == TemplateFormat::markdown);
    CHECK(template_format_of("review.mustache") == TemplateFormat::markdown);
    // the characters that mark values are the rendering's own
    CHECK(code_of([] { render_template({"t", "a\x01{{t}}\x02"}, {{"t", "x"}}); }) == Errc::data);
    // and a text of the incident cannot forge them: printable() shows them
    CHECK(render_template({"t", "| {{t}} |"}, {{"t", "a\x01- b\x02"}}) == "| a\\\\x01- b\\\\x02 |");
  }

  TEST_CASE("every default postmortem template holds every row and item over awkward texts") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    const auto log = dir.path() / "auth | log.txt";
    std::ofstream(log) << "abc";
    const std::string id = declare_awkward(repo, "outage");
    const std::string security = declare_awkward(repo, "unauthorized-access", log.string());
    DeclareRequest plain;
    plain.title = "Plain";
    const std::string plain_id = declare_incident(repo, plain, at(0)).incident_id;
    check_postmortem(repo, id, plain_id, "postmortem");
    check_postmortem(repo, security, plain_id, "postmortem-security");

    // the security template's evidence log: one row per item, its action's text in it
    const auto blocks =
        blocks_of(write_postmortem(repo, security, {"postmortem-security", ""}, PostmortemMode::preview, at(90)).text);
    const Block* evidence =
        table_with_header(blocks, {"Collected (UTC)", "By", "SHA-256", "Size (bytes)", "Source", "Kept in", "Action"});
    REQUIRE(evidence);
    REQUIRE(evidence->rows.size() == 2);
    CHECK(normalised(evidence->rows[1][6]) == normalised(kAwkward[0] + "\n" + kAwkward[1]));
    CHECK(normalised(evidence->rows[1][4]) == normalised(log.string()));
  }

  TEST_CASE("the update template: the message's paragraphs, one item per role") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    const std::string id = declare_awkward(repo, "outage");
    const std::string message = kAwkward[0] + "\n" + kAwkward[3] + "\n" + kAwkward[6];
    const std::string text = render_update(repo, id, "", message, "internal");
    const auto blocks = blocks_of(text);
    REQUIRE(blocks.size() >= 2);
    CHECK(blocks[0].type == "paragraph");
    CHECK(normalised(blocks[0].text).find(normalised(load_incident(repo, id).incident().title)) == 0);
    std::string paragraphs;
    for (const auto& b : blocks) {
      CHECK((b.type == "paragraph" || b.type == "list"));
      if (b.type == "paragraph") paragraphs += " " + normalised(b.text);
      if (b.type == "list") CHECK(b.items_are_one_paragraph);
    }
    CHECK(paragraphs.find(normalised(message)) != std::string::npos);
    CHECK(has_item(list_items_of(blocks), repo.config().find_role("tech-lead")->title + " (db_primary.2): " + kPerson));
  }

  TEST_CASE("HTML: GFM tables with their line breaks, no raw HTML, no javascript: links") {
    const std::string html = markdown_to_html(
        "| A | B |\n|---|---|\n| x<br>y | &lt;script> |\n\n<script>alert(1)</script>\n\n"
        "[x](javascript:alert(1)) <img src=x onerror=alert(1)> ~~old~~\n");
    CHECK(html ==
          "<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>x<br />y</td>\n"
          "<td>&lt;script&gt;</td>\n</tr>\n</tbody>\n</table>\n<!-- raw HTML omitted -->\n"
          "<p><a href=\"\">x</a> <!-- raw HTML omitted --> <del>old</del></p>\n");
    const std::string page = markdown_to_html_page("# Postmortem: a <b> & \"c\"\n\nText.\n", "fallback");
    CHECK(page.find("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n") == 0);
    CHECK(page.find("<title>Postmortem: a  &amp; &quot;c&quot;</title>") != std::string::npos);
    CHECK(page.find("@media print") != std::string::npos);
    CHECK(page.find("<body>\n<h1>Postmortem: a <!-- raw HTML omitted --> &amp; &quot;c&quot;</h1>\n<p>Text.</p>\n"
                    "</body>\n</html>\n") != std::string::npos);
    CHECK(markdown_to_html_page("No heading.\n", "Postmortem K7Q").find("<title>Postmortem K7Q</title>") !=
          std::string::npos);
  }
}

}  // namespace test_markdown
