#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>

#include "core/curation.hpp"
#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/model/metrics.hpp"
#include "core/postmortem.hpp"
#include "core/store/git.hpp"
#include "support.hpp"

namespace test_postmortem {

using namespace irctl;
using namespace irctl::testing;

namespace {
const Timestamp kT0 = from_civil({2026, 11, 28, 16, 0, 0, 0});

Recorder at(int minutes) { return Recorder{kAlice, kT0 + std::chrono::minutes(minutes), kT0 + std::chrono::hours(1)}; }

// An incident "Disk full", declared at kT0.
std::string declare_disk_full(Repository& repo) {
  DeclareRequest r;
  r.title = "Disk full";
  return declare_incident(repo, r, at(0)).incident_id;
}

const std::string kWentWell = "### What went well\n\n";

// `doc` with `prose` written over the placeholder under '### What went well'.
std::string with_went_well(std::string doc, const std::string& prose) {
  return doc.replace(doc.find(kWentWell) + kWentWell.size(), std::string("_Write here._\n").size(), prose);
}

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
    // Markdown escaping (test_markdown.cpp), not HTML's: '<' could open raw HTML, '&' alone is text
    CHECK(render_template({"t", "{{title}} & <b>"}, {{"title", "a < b & c"}}) == "a &lt; b & c & <b>");
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

  TEST_CASE("a text of the incident that looks like a prose marker is shown, never left out as one") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    DeclareRequest r;
    r.title = "Disk full <!-- irctl:end -->";
    r.summary = "Forged <!--irctl:prose summary -->\nx\n<!-- irctl:end -->";
    const std::string id = declare_incident(repo, r, at(0)).incident_id;
    const std::string text = write_postmortem(repo, id, {}, PostmortemMode::preview, at(1)).text;
    CHECK(text.find("# Postmortem: Disk full &lt;!-- irctl:end -->\n") == 0);
    CHECK(text.find("Forged &lt;!--irctl:prose summary -->\nx\n&lt;!-- irctl:end -->") != std::string::npos);
    // nor can two texts side by side, the first ending where a marker begins
    r.title = "x <!-- irc";
    r.summary = "tl:prose summary -->";
    const std::string split = declare_incident(repo, r, at(2)).incident_id;
    repo.commit({{".irctl/templates/adjacent.md.mustache", "{{title}}{{summary}}\nForged.\n<!-- irctl:end -->\n"}},
                "template", kAlice, at(3).at);
    // the template's own marker line, of an earlier version, is left out
    CHECK(write_postmortem(repo, split, {"adjacent", ""}, PostmortemMode::preview, at(4)).text ==
          "x &lt;!-- irctl:prose summary -->\nForged.\n");
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

    const std::string edited = with_went_well(*repo.read(postmortem_path(id)), "Fast rollback.\n");
    repo.commit({{postmortem_path(id), edited}}, "prose", kAlice, at(42).at);
    // A note is no key event: the postmortem's timeline shows it once it is pinned.
    const EventResult note = add_note(repo, id, "Customer follow-up done", at(45));
    CHECK(write_postmortem(repo, id, {}, PostmortemMode::preview, at(45)).text.find("Customer follow-up done") ==
          std::string::npos);
    curate_event(repo, id, {CurationChange::pin, note.event.id, PinAudience::internal}, at(45));
    const auto again = write_postmortem(repo, id, {}, PostmortemMode::commit, at(46));
    CHECK(again.text.find(kWentWell + "Fast rollback.\n") != std::string::npos);
    CHECK(again.text.find("Customer follow-up done") != std::string::npos);
    CHECK(again.conflicts.empty());

    CHECK(close_incident(repo, id, ClosePolicy::needs_postmortem, at(50)).recorded);  // the postmortem exists now
    // closed, it is rendered again all the same (the lessons-learned phase)
    const auto closed = write_postmortem(repo, id, {}, PostmortemMode::commit, at(51));
    CHECK(closed.event.recorded);
    CHECK(closed.text.find("| Status | closed |\n") != std::string::npos);
    CHECK(closed.text.find(kWentWell + "Fast rollback.\n") != std::string::npos);
    CHECK_THROWS_AS(write_postmortem(repo, id, {"", "../outside.md"}, PostmortemMode::commit, at(51)), Error);
    CHECK_THROWS_AS(write_postmortem(repo, id, {"no-such-template", ""}, PostmortemMode::preview, at(51)), Error);
    CHECK(default_template_for(load_incident(repo, id).incident(), repo.config()) == "postmortem");
  }

  TEST_CASE("a hand edit of a line the new rendering changes: nothing written, section and lines named; --theirs, --ours") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    const std::string id = declare_disk_full(repo);
    const std::string pm = postmortem_path(id);
    write_postmortem(repo, id, {}, PostmortemMode::commit, at(1));
    std::string edited = *repo.read(pm);
    const std::string generated = "| Status | identification |";
    const size_t status = edited.find(generated + "\n");
    edited.replace(status, generated.size(), "| Status | identification, impact over |");
    edited = with_went_well(edited, "Fast rollback.\n");
    repo.commit({{pm, edited}}, "by hand", kAlice, at(2).at);
    resolve_incident(repo, id, std::nullopt, std::nullopt, at(3));
    const size_t line = static_cast<size_t>(std::count(edited.begin(), edited.begin() + status, '\n')) + 1;
    const std::string head = repo.history(pm).front().sha;
    try {
      write_postmortem(repo, id, {}, PostmortemMode::commit, at(4));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.code() == Errc::conflict);
      CHECK(std::string(e.what()) == "the new rendering and an edit of " + pm +
                                         " change the same lines: in 'Postmortem: Disk full', line " +
                                         std::to_string(line));
      CHECK(e.hint() == "take the new rendering there with 'irctl postmortem " + id +
                            " --theirs', keep the committed text there with '--ours', or edit " + pm +
                            " and commit it ('--output -' shows both, marked)");
    }
    CHECK(repo.history(pm).front().sha == head);
    CHECK(repo.read(pm) == edited);
    // a preview marks it, and says where
    const auto preview = write_postmortem(repo, id, {}, PostmortemMode::preview, at(4));
    CHECK(preview.conflicts == std::vector<PostmortemConflict>{{"Postmortem: Disk full", {line, line}}});
    CHECK(preview.text.find("<<<<<<< " + pm + "\n| Status | identification, impact over |\n=======\n| Status | resolved |\n"
                            ">>>>>>> new rendering\n") != std::string::npos);
    // --ours keeps the edit there, --theirs takes the rendering; the rest merges either way
    PostmortemRequest ours;
    ours.favor = MergeFavor::ours;
    const auto kept = write_postmortem(repo, id, ours, PostmortemMode::preview, at(4));
    CHECK(kept.text.find("| Status | identification, impact over |\n") != std::string::npos);
    CHECK(kept.text.find("| Time | Who | Event | What |") != std::string::npos);
    PostmortemRequest theirs;
    theirs.favor = MergeFavor::theirs;
    const auto taken = write_postmortem(repo, id, theirs, PostmortemMode::commit, at(5));
    CHECK(taken.event.recorded);
    CHECK(taken.conflicts == preview.conflicts);
    CHECK(taken.text.find("| Status | resolved |\n") != std::string::npos);
    CHECK(taken.text.find(kWentWell + "Fast rollback.\n") != std::string::npos);
    CHECK(taken.text.find("<<<<<<<") == std::string::npos);
  }

  TEST_CASE("the base: what the last postmortem event rendered; when its id does not match, today's template") {
    TempDir dir;
    Repository repo = new_repository(dir, {.at = kT0});
    const std::string id = declare_disk_full(repo);
    const std::string pm = postmortem_path(id);
    const auto with_prose = [](const std::string& doc) { return with_went_well(doc, "Fast.\n"); };
    const auto first = write_postmortem(repo, id, {}, PostmortemMode::commit, at(1));
    const std::string rendered = git::oid_hex(git::blob_hash(first.text));
    CHECK(first.event.event.details.at("rendered").as_string().str == rendered);
    repo.commit({{pm, with_prose(first.text)}}, "prose", kAlice, at(2).at);
    post_update(repo, id, "first note", "internal", at(3));
    const auto second = write_postmortem(repo, id, {}, PostmortemMode::commit, at(4));
    CHECK(second.text.find(kWentWell + "Fast.\n") != std::string::npos);
    // the document this event committed holds the prose; a rendered id that no
    // longer matches (an irctl whose template changed) must not make the new
    // rendering take it out
    const std::string file = incident_path(id);
    std::string incident = *repo.read(file);
    const std::string id2 = second.event.event.details.at("rendered").as_string().str;
    incident.replace(incident.find(id2), id2.size(), std::string(40, '0'));
    repo.commit({{file, incident}}, "another rendering id", kAlice, at(5).at);
    post_update(repo, id, "second note", "internal", at(6));
    const auto third = write_postmortem(repo, id, {}, PostmortemMode::commit, at(7));
    CHECK(third.conflicts.empty());
    CHECK(third.text.find(kWentWell + "Fast.\n") != std::string::npos);
    CHECK(third.text.find("| update | second note |") != std::string::npos);
    CHECK(third.text == with_prose(write_postmortem(repo, id, {"", "docs/fresh.md"}, PostmortemMode::preview, at(8)).text));
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
    const std::string edited = with_went_well(*repo.read(pm), "Fast rollback.\n");
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
    const std::string rendering = write_postmortem(repo, id, {"", "docs/pm.md"}, PostmortemMode::preview, at(7)).text;
    CHECK(rendering.find("Fast rollback.") == std::string::npos);  // no postmortem was written there: nothing merged
    repo.commit({{"docs/pm.md", rendering}}, "by hand", kAlice, at(7).at);
    const auto moved = write_postmortem(repo, id, {"", "docs/pm.md"}, PostmortemMode::commit, at(8));
    CHECK(moved.event.recorded);
    CHECK(moved.event.event.text == "postmortem updated: docs/pm.md");
    CHECK(load_incident(repo, id).incident().postmortem == "docs/pm.md");
    CHECK_FALSE(write_postmortem(repo, id, {"", "docs/pm.md"}, PostmortemMode::commit, at(9)).event.recorded);
  }
}

}  // namespace test_postmortem
