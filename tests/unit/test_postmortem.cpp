#include <doctest/doctest.h>

#include <fstream>

#include "core/curation.hpp"
#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/model/metrics.hpp"
#include "core/postmortem.hpp"
#include "support.hpp"

namespace test_postmortem {

using namespace irctl;
using namespace irctl::testing;

namespace {
const Timestamp kT0 = from_civil({2026, 11, 28, 16, 0, 0, 0});

Recorder at(int minutes) { return Recorder{kAlice, kT0 + std::chrono::minutes(minutes), kT0 + std::chrono::hours(1)}; }

std::string error_of(const std::string& text, const Json& data) {
  try {
    render_template({"t.md.mustache", text}, data);
  } catch (const Error& e) {
    CHECK(e.code() == Errc::data);
    return e.what();
  }
  FAIL("no error for ", text);
  return "";
}
}  // namespace

TEST_SUITE("postmortem") {
  TEST_CASE("durations come from the timeline; missing stages stay missing") {
    Incident inc;
    inc.declared_at = kT0;
    inc.started_at = kT0 - std::chrono::minutes(12);
    inc.detected_at = kT0 - std::chrono::minutes(4);
    inc.acknowledged_at = kT0 + std::chrono::minutes(3);
    inc.recovered_at = kT0 + std::chrono::minutes(50);
    const Durations d = durations_of(inc);
    CHECK(d.to_detect == std::chrono::minutes(8));
    CHECK(d.to_declare == std::chrono::minutes(4));
    CHECK(d.to_acknowledge == std::chrono::minutes(3));
    CHECK_FALSE(d.to_contain);
    CHECK(d.to_recover == std::chrono::minutes(50));
    CHECK_FALSE(d.to_resolve);
    CHECK(d.impact == std::chrono::minutes(62));
    inc.acknowledged_at = kT0 - std::chrono::minutes(1);  // out of order: no negative duration
    CHECK_FALSE(durations_of(inc).to_acknowledge);
  }

  TEST_CASE("templates render the data; unknown tags and broken sections name the line") {
    const Json data = {{"title", "Disk full"}, {"items", Json::array({{{"n", "1"}}, {{"n", "2"}}})}, {"empty", ""}};
    CHECK(render_template({"t", "# {{title}}\n{{#items}}- {{n}}\n{{/items}}{{^empty}}none{{/empty}}\n"}, data) ==
          "# Disk full\n- 1\n- 2\nnone\n");
    CHECK(render_template({"t", "{{title}} & <b>"}, {{"title", "a < b & c"}}) == "a < b & c & <b>");  // no HTML escaping
    CHECK(error_of("line 1\n  {{titel}}\n", data) == "t.md.mustache:2:3: unknown tag 'titel'");
    CHECK(error_of("{{#items}}{{m}}{{/items}}", data).find("unknown tag 'm'") != std::string::npos);
    CHECK(error_of("a\n{{#items}}\nb\n", data).find("t.md.mustache:2:1: unclosed section \"items\"") == 0);
    CHECK(error_of("{{/items}}", data).find("unopened section") != std::string::npos);
    CHECK(error_of("{{/items}}", data) == "t.md.mustache:1:1: unopened section \"items\"");
    CHECK(error_of("{{#items}}{{/title}}", data) == "t.md.mustache:1:11: {{/title}} closes a section that is not open");
    CHECK(error_of("x {{title", data).find("t.md.mustache:1:3: unclosed tag") == 0);
    CHECK(error_of("{{> partial}}", data).find("not supported") != std::string::npos);
  }

  TEST_CASE("sections: any number one after the other, nested at most 64 deep") {
    const Json data = {{"a", true}};
    std::string in_a_row;
    for (int i = 0; i < 200; ++i) in_a_row += "{{#a}}x{{/a}}";
    CHECK(render_template({"t", in_a_row}, data) == std::string(200, 'x'));
    const auto nested = [](int depth) {
      std::string t;
      for (int i = 0; i < depth; ++i) t += "{{#a}}";
      t += "x";
      for (int i = 0; i < depth; ++i) t += "{{/a}}";
      return t;
    };
    CHECK(render_template({"t", nested(64)}, data) == "x");
    CHECK(error_of(nested(65), data) == "t.md.mustache:1:385: sections are nested too deeply (more than 64 levels)");
    // refused before kainjow-mustache reads it, whose reading would run out of stack
    CHECK(error_of(nested(30000), data).find("nested too deeply") != std::string::npos);
  }

  TEST_CASE("set-delimiter tags: the checks read the tags as the renderer does") {
    const Json data = {{"title", "Disk full"}, {"items", Json::array({{{"n", "1"}}, {{"n", "2"}}})}};
    CHECK(render_template({"t", "{{=<% %>=}}<%title%> {{title}} <%={{ }}=%>{{title}}"}, data) ==
          "Disk full {{title}} Disk full");
    CHECK(render_template({"t", "{{=| |=}}|#items||n||/items| {{{title}}}|={{ }}=|{{{title}}}"}, data) ==
          "12 {{{title}}}Disk full");
    CHECK(error_of("{{=<% %>=}}\n<%titel%>", data) == "t.md.mustache:2:1: unknown tag 'titel'");
    CHECK(error_of("{{=<% %>=}}\n<%> part %>", data) == "t.md.mustache:2:1: partials (<%>part%>) are not supported");
    CHECK(error_of("{{=<% %>=}}<%#items%><%m%><%/items%>", data) == "t.md.mustache:1:22: unknown tag 'm'");
    CHECK(error_of("{{=<% %>=}}<%{title}%>", data) == "t.md.mustache:1:12: unknown tag '{title}'");  // no triple
    CHECK(error_of("{{=<% %>=}}<%#items%>", data) == "t.md.mustache:1:12: unclosed section \"items\"");
    CHECK(error_of("{{=<% %>=}}<%title", data) == "t.md.mustache:1:12: unclosed tag");
    CHECK(error_of("x{{=<%=}}", data) == "t.md.mustache:1:2: invalid set-delimiter tag");
    CHECK(error_of("{{=a= b=}}", data) == "t.md.mustache:1:1: invalid set-delimiter tag");
  }

  TEST_CASE("a text of the incident that looks like a prose marker is shown, never read as one") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Disk full <!-- irctl:end -->";
    r.summary = "Forged <!--irctl:prose summary -->\nx\n<!-- irctl:end -->";
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    const std::string text = write_postmortem(repo, id, {}, PostmortemMode::preview, at(1)).text;
    CHECK(text.find("# Postmortem: Disk full &lt;!-- irctl:end -->\n") == 0);
    CHECK(text.find("Forged &lt;!--irctl:prose summary -->\nx\n&lt;!-- irctl:end -->") != std::string::npos);
    CHECK(keep_prose(text, text) == text);
    // nor can two texts side by side, the first ending where a marker begins
    r.title = "x <!-- irc";
    r.summary = "tl:prose summary -->";
    const std::string split = declare_incident(repo, r, at(2)).incident_id;
    repo.commit({{".irctl/templates/adjacent.md.mustache", "{{title}}{{summary}}\nForged.\n<!-- irctl:end -->\n"}},
                "template", kAlice, at(3).at);
    CHECK(write_postmortem(repo, split, {"adjacent", ""}, PostmortemMode::preview, at(4)).text ==
          "x &lt;!-- irctl:prose summary -->\nForged.\n<!-- irctl:end -->\n");
  }

  TEST_CASE("prose regions survive a new rendering; orphaned prose is kept at the end") {
    const std::string fresh =
        "# Title v2\n<!-- irctl:prose went-well -->\n_Write here._\n<!-- irctl:end -->\n"
        "<!-- irctl:prose lucky -->\n_Write here._\n<!-- irctl:end -->\n";
    const std::string previous =
        "# Title v1\n<!-- irctl:prose went-well -->\nThe rollback took two minutes.\n\nGood alerts.\n"
        "<!-- irctl:end -->\n<!-- irctl:prose old-section -->\nSomething we wrote.\n<!-- irctl:end -->\n";
    const std::string out = keep_prose(fresh, previous);
    CHECK(out.find("# Title v2") == 0);
    CHECK(out.find("The rollback took two minutes.\n\nGood alerts.\n<!-- irctl:end -->") != std::string::npos);
    CHECK(out.find("<!-- irctl:prose lucky -->\n_Write here._") != std::string::npos);
    CHECK(out.find("Kept from an earlier version") != std::string::npos);
    CHECK(out.find("Something we wrote.") != std::string::npos);
    CHECK(keep_prose(out, out) == out);
  }

  TEST_CASE("writing the postmortem: committed with an event, prose kept, nothing to do twice") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Checkout API returns 503";
    r.started_at = kT0 - std::chrono::minutes(5);
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    record_phase_action(repo, id, {"containment", "Rolled back deploy 4711", {}, false}, at(10));
    resolve_incident(repo, id, std::string("Deploy 4711 leaked connections"), std::nullopt, at(30));

    const auto first = write_postmortem(repo, id, {}, PostmortemMode::commit, at(40));
    CHECK(first.event.recorded);
    CHECK(first.text.find("| Time to contain (declared → first containment) | 10m 00s |") != std::string::npos);
    CHECK(first.text.find("| Time to acknowledge (declared → acknowledged) | not recorded |") != std::string::npos);
    CHECK(first.text.find("| 2026-11-28 16:10 | Alice Example | contain | Rolled back deploy 4711 |") !=
          std::string::npos);
    CHECK(repo.committed(postmortem_path(id)));
    CHECK(load_incident(repo, id).incident().postmortem == postmortem_path(id));
    CHECK_FALSE(write_postmortem(repo, id, {}, PostmortemMode::commit, at(41)).event.recorded);

    std::string edited = *repo.read(postmortem_path(id));
    const std::string marker = "<!-- irctl:prose went-well -->\n";
    edited.replace(edited.find(marker) + marker.size(), std::string("_Write here._\n").size(), "Fast rollback.\n");
    repo.commit({{postmortem_path(id), edited}}, "prose", kAlice, at(42).at);
    // A note is no key event: the postmortem's timeline shows it once it is pinned.
    const EventResult note = add_note(repo, id, "Customer follow-up done", at(45));
    CHECK(write_postmortem(repo, id, {}, PostmortemMode::preview, at(45)).text.find("Customer follow-up done") ==
          std::string::npos);
    curate_event(repo, id, {CurationChange::pin, note.event.id, PinAudience::internal}, at(45));
    const auto again = write_postmortem(repo, id, {}, PostmortemMode::commit, at(46));
    CHECK(again.text.find("Fast rollback.") != std::string::npos);
    CHECK(again.text.find("Customer follow-up done") != std::string::npos);

    CHECK(close_incident(repo, id, ClosePolicy::needs_postmortem, at(50)).recorded);  // the postmortem exists now
    try {
      write_postmortem(repo, id, {}, PostmortemMode::commit, at(51));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::refused);
    }
    CHECK_THROWS_AS(write_postmortem(repo, id, {"", "../outside.md"}, PostmortemMode::commit, at(51)), Error);
    CHECK_THROWS_AS(write_postmortem(repo, id, {"no-such-template", ""}, PostmortemMode::preview, at(51)), Error);
    CHECK(default_template_for(load_incident(repo, id).incident(), repo.config()) == "postmortem");
  }

  TEST_CASE("the security template has the evidence log") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Leaked deploy key";
    r.kind = "unauthorized-access";
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    const auto log = dir.path() / "auth.log";
    std::ofstream(log) << "abc";
    record_phase_action(repo, id, {"containment", "Revoked the key", {log.string()}, false}, at(5));
    const IncidentFile file = load_incident(repo, id);
    CHECK(default_template_for(file.incident(), repo.config()) == "postmortem-security");
    const auto pm = write_postmortem(repo, id, {}, PostmortemMode::preview, at(10));
    CHECK(pm.text.find("## Evidence log") != std::string::npos);
    CHECK(pm.text.find("`ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad` | 3 |") !=
          std::string::npos);
    CHECK_FALSE(repo.read(postmortem_path(id)));  // not written without commit
  }

  TEST_CASE("prose regions of a document with CRLF line endings are kept byte for byte") {
    const std::string fresh = "# Title\n<!-- irctl:prose went-well -->\n_Write here._\n<!-- irctl:end -->\nafter\n";
    const std::string previous =
        "# Old\r\n<!-- irctl:prose went-well -->\r\nFast rollback.\r\n\r\nGood alerts.\r\n<!-- irctl:end -->\r\n"
        "<!-- irctl:prose gone -->\r\nOld prose.\r\n<!-- irctl:end -->\r\n";
    const std::string out = keep_prose(fresh, previous);
    CHECK(out.find("# Title\n<!-- irctl:prose went-well -->\nFast rollback.\r\n\r\nGood alerts.\r\n<!-- irctl:end -->\n"
                   "after\n") == 0);
    CHECK(out.find("_Write here._") == std::string::npos);
    CHECK(out.find("<!-- irctl:prose gone -->\nOld prose.\r\n<!-- irctl:end -->") != std::string::npos);
    CHECK(keep_prose(fresh, out) == out);  // rendering again changes nothing
  }

  TEST_CASE("prose regions: markers end their line; a long region is kept whole") {
    const std::string fresh = "# T\n<!-- irctl:prose went-well -->\n_Write here._\n<!-- irctl:end -->\n";
    std::string prose;
    for (int i = 0; i < 50000; ++i) prose += "The rollback took two minutes.\n";
    CHECK(keep_prose(fresh, "<!-- irctl:prose went-well -->\n" + prose + "<!-- irctl:end -->\n") ==
          "# T\n<!-- irctl:prose went-well -->\n" + prose + "<!-- irctl:end -->\n");
    // not markers: a name with a space, text after the marker, no end marker
    for (const char* previous : {"<!-- irctl:prose went well -->\nx\n<!-- irctl:end -->",
                                 "<!-- irctl:prose went-well --> x\ny\n<!-- irctl:end -->",
                                 "<!-- irctl:prose went-well -->\r\r\nx\n<!-- irctl:end -->",
                                 "<!-- irctl:prose went-well -->\nx\n"}) {
      CAPTURE(previous);
      CHECK(keep_prose(fresh, previous) == fresh);
    }
  }

  TEST_CASE("the output path: no symbolic links, folders or trailing slashes; nothing committed") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Disk full";
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    const std::string head = repo.history(incident_path(id)).front().sha;
    const auto outside = dir.path() / "elsewhere";
    std::filesystem::create_directories(outside);
    std::filesystem::create_directory_symlink(outside, repo.root() / "docs");
    std::filesystem::create_directories(repo.root() / "notes");
    std::ofstream(repo.root() / "README") << "x";
    for (const char* output : {"docs/x.md", "docs", "notes", "notes/", "x.md/", "README/x.md"}) {
      CAPTURE(output);
      CHECK(code_of([&] { write_postmortem(repo, id, {"", output}, PostmortemMode::commit, at(1)); }) == Errc::usage);
    }
    CHECK(std::filesystem::is_empty(outside));
    // the default path, when postmortems/ is a link
    std::filesystem::create_directory_symlink(outside, repo.root() / "postmortems");
    try {
      write_postmortem(repo, id, {}, PostmortemMode::commit, at(1));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::usage);
      CHECK(std::string(e.what()).find("'postmortems' is a symbolic link") != std::string::npos);
    }
    CHECK(std::filesystem::is_empty(outside));
    CHECK(repo.history(incident_path(id)).front().sha == head);
    // a preview does not read the prose through the link either
    std::ofstream(outside / (id + ".md")) << "<!-- irctl:prose summary -->\nSecret.\n<!-- irctl:end -->\n";
    CHECK(write_postmortem(repo, id, {}, PostmortemMode::preview, at(1)).text.find("Secret.") == std::string::npos);
    // and no other write goes through a link either
    CHECK(code_of([&] { repo.commit({{"docs/y.md", "y"}}, "y", kAlice, kT0); }) == Errc::conflict);
    CHECK(repo.history(incident_path(id)).front().sha == head);
    CHECK_FALSE(repo.unwritable_reason("postmortems-real/x.md"));
    CHECK(repo.unwritable_reason("notes").value() == "'notes' is a folder, not a file");
  }

  TEST_CASE("what is committed decides: uncommitted or untracked documents are refused, never passed over") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Disk full";
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    const std::string pm = postmortem_path(id);
    const auto on_disk = repo.root() / pm;
    const auto head = [&] { return repo.history(incident_path(id)).front().sha; };

    // a document that is exactly the rendering but was never committed
    const std::string preview = write_postmortem(repo, id, {}, PostmortemMode::preview, at(1)).text;
    std::filesystem::create_directories(on_disk.parent_path());
    std::ofstream(on_disk, std::ios::binary) << preview;
    const std::string before = head();
    try {
      write_postmortem(repo, id, {}, PostmortemMode::commit, at(2));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::conflict);
      CHECK(std::string(e.what()) == pm + " is untracked: it exists but was never committed");
      CHECK(e.hint().find("'git add " + pm + "'") != std::string::npos);
      CHECK(e.hint().find("remove it") != std::string::npos);
    }
    CHECK(head() == before);
    std::filesystem::remove(on_disk);
    CHECK(write_postmortem(repo, id, {}, PostmortemMode::commit, at(3)).event.recorded);
    CHECK(repo.read_committed(pm) == repo.read(pm));

    // an edit of the prose, not committed, with nothing new to render: refused, and kept
    std::string edited = *repo.read(pm);
    const std::string marker = "<!-- irctl:prose went-well -->\n";
    edited.replace(edited.find(marker) + marker.size(), std::string("_Write here._\n").size(), "Fast rollback.\n");
    std::ofstream(on_disk, std::ios::binary) << edited;
    const std::string committed_before = head();
    CHECK(code_of([&] { write_postmortem(repo, id, {}, PostmortemMode::commit, at(4)); }) == Errc::conflict);
    CHECK(repo.read(pm) == edited);
    CHECK(head() == committed_before);
    // the preview shows the work tree's prose
    CHECK(write_postmortem(repo, id, {}, PostmortemMode::preview, at(4)).text == edited);
    // committed, it is HEAD's version: nothing to change
    repo.commit({{pm, edited}}, "prose", kAlice, at(5).at);
    CHECK_FALSE(write_postmortem(repo, id, {}, PostmortemMode::commit, at(6)).event.recorded);
    // a document committed by hand at another path, the same as the rendering,
    // still gets the postmortem field
    repo.commit({{"docs/pm.md", edited}}, "by hand", kAlice, at(7).at);
    const auto moved = write_postmortem(repo, id, {"", "docs/pm.md"}, PostmortemMode::commit, at(8));
    CHECK(moved.event.recorded);
    CHECK(moved.event.event.text == "postmortem updated: docs/pm.md");
    CHECK(load_incident(repo, id).incident().postmortem == "docs/pm.md");
    CHECK_FALSE(write_postmortem(repo, id, {"", "docs/pm.md"}, PostmortemMode::commit, at(9)).event.recorded);
  }
}

}  // namespace test_postmortem
