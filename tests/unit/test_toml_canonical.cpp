#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/model/tomldoc.hpp"
#include "tests/fuzz/toml_differential.hpp"
#include "tests/unit/support.hpp"

namespace test_toml_canonical {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;
using namespace std::string_literals;

namespace {

const fs::path kSource = fs::path(IRCTL_TEST_FIXTURES).parent_path().parent_path();

// The canonical reader's document of `text`, once the differential check
// has compared it with toml11's and toml++'s reading (and checked that it
// refuses what toml11 refuses).
std::optional<TomlValue> canonical(const std::string& text) {
  CAPTURE(text);
  CHECK(differential::disagreement(text) == "");
  return parse_toml_with(FastTomlReader::canonical, text);
}

std::string canonical_json(const std::string& text) {
  const auto doc = canonical(text);
  REQUIRE(doc.has_value());
  return toml_to_json(*doc).dump();
}

// Whether the canonical reader reads `text`; false sends it to toml++.
bool reads(const std::string& text) { return canonical(text).has_value(); }

std::vector<fs::path> incident_files(const fs::path& repo) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(repo / "incidents"))
    if (e.is_regular_file() && e.path().extension() == ".toml") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

void check_each_read_by_the_canonical_reader(const std::vector<fs::path>& files) {
  for (const auto& f : files) {
    CAPTURE(f);
    CHECK(reads(slurp(f)));
  }
}

// parse_toml_written's promise: parse_toml's document, comments included,
// or nothing.
void check_written_as_toml11_reads_it(const std::string& text, bool expect_read) {
  CAPTURE(text);
  const auto doc = parse_toml_written(text);
  CHECK(doc.has_value() == expect_read);
  if (doc) CHECK(*doc == parse_toml(text, "t.toml"));
}

// Each incident file, whole and its header alone (as the writes read it),
// read fast and as toml11 reads it.
void check_each_written_as_toml11_reads_it(const std::vector<fs::path>& files) {
  for (const auto& f : files) {
    CAPTURE(f);
    const std::string text = slurp(f);
    check_written_as_toml11_reads_it(text, true);
    const size_t timeline = text.find("\n[[timeline]]\n");
    REQUIRE(timeline != std::string::npos);
    check_written_as_toml11_reads_it(text.substr(0, timeline), true);
  }
}

}  // namespace

TEST_SUITE("toml") {
  TEST_CASE("the canonical reader reads each value that irctl writes as toml11 does") {
    CHECK(canonical_json("") == "{}");
    CHECK(canonical_json("# a comment alone\n\n#\tand one with a tab, caf\xC3\xA9\n") == "{}");
    CHECK(canonical_json("a = 1") == R"({"a":1})");
    CHECK(canonical_json("i = 0\nj = -9223372036854775808\nk = 9223372036854775807\nb = true\nc = false\n") ==
          R"({"i":0,"j":-9223372036854775808,"k":9223372036854775807,"b":true,"c":false})");
    CHECK(canonical_json("s = \"q\\\" b\\\\ n\\n t\\t r\\r b\\b f\\f \\u00E9\\u001B\\u001b\\u0000\\uFFFF caf\xC3\xA9 "
                         "\xF0\x9F\x98\x80\"\n") ==
          "{\"s\":\"q\\\" b\\\\ n\\n t\\t r\\r b\\b f\\f \xC3\xA9\\u001b\\u001b\\u0000\xEF\xBF\xBF caf\xC3\xA9 "
          "\xF0\x9F\x98\x80\"}");
    CHECK(canonical_json("e = \"\"\n") == R"({"e":""})");
    CHECK(canonical_json("1 = 1\n\"a b\" = 2\n\"roles.tech-lead\" = 3\n\"\\u00E9\" = 4\n") ==
          "{\"1\":1,\"a b\":2,\"roles.tech-lead\":3,\"\xC3\xA9\":4}");
    // Leap years, and the first and last second of a day.
    CHECK(canonical_json("a = 2024-02-29T23:59:59Z\nb = 2000-02-29T00:00:00Z\nc = 2023-12-31T00:00:00Z\n") ==
          R"({"a":"2024-02-29T23:59:59Z","b":"2000-02-29T00:00:00Z","c":"2023-12-31T00:00:00Z"})");
    // The first and last years that four digits hold; a NUL in a key.
    CHECK(reads("a = 0000-01-01T00:00:00Z\nb = 9999-12-31T23:59:59Z\n"));
    CHECK(reads("\"a\\u0000b\" = 1\n"));
    CHECK(canonical_json("a = []\nb = [1]\nc = [1, \"x\", true, 2023-12-25T12:00:52Z, [2, []], {}, { k = 1 }]\n") ==
          R"({"a":[],"b":[1],"c":[1,"x",true,"2023-12-25T12:00:52Z",[2,[]],{},{"k":1}]})");
    CHECK(canonical_json("set = { \"roles.x\" = [\"a (b)\"], t = { u = [[1, 2], []], v = {} }, n = 1 }\n") ==
          R"j({"set":{"roles.x":["a (b)"],"t":{"u":[[1,2],[]],"v":{}},"n":1}})j");
    CHECK(canonical_json("tasks = [\n  \"one\",\n  \"two, \\\"three\\\"\",\n  2,\n]\nnext = 1\n") ==
          R"({"tasks":["one","two, \"three\"",2],"next":1})");
  }

  TEST_CASE("the canonical reader keeps the file's key order, sections and arrays of tables included") {
    CHECK(canonical_json("z = 1\na = 2\n\n[t]\nb = 2\na = 1\n\n# of e\n[[e]]\nk = 1\n\n[[e]]\n\n[\"q r\"]\n\n[[f]]\n"
                         "x = []\n") == R"({"z":1,"a":2,"t":{"b":2,"a":1},"e":[{"k":1},{}],"q r":{},"f":[{"x":[]}]})");
  }

  TEST_CASE("the canonical reader refuses what irctl does not write, and what TOML forbids") {
    const std::vector<std::string> refused = {
        // Layout: only the writer's, to the blank.
        "a = 1 # why\n",
        "a = 1 \n",
        " a = 1\n",
        "a=1\n",
        "a  = 1\n",
        "\ta = 1\n",
        "  \n",
        "a = 1\r\n",
        "\xEF\xBB\xBF"
        "a = 1\n",
        "a = 1\n\0"s,
        "[ t ]\n",
        "[t] \n",
        "[t]# c\n",
        "[[ e ]]\n",
        // Keys: no dotted key, literal key or empty key.
        "a.b = 1\n",
        "a . b = 1\n",
        "'a' = 1\n",
        "\"\" = 1\n",
        "[a.b]\n",
        "[[a.b]]\n",
        "a = { b.c = 1 }\n",
        // Defined twice, or redefined: toml++ refuses them too.
        "a = 1\na = 2\n",
        "a = 1\n\"a\" = 2\n",
        "[t]\nx = 1\n[t]\ny = 2\n",
        "a = 1\n[a]\n",
        "a = [1]\n[[a]]\n",
        "[[a]]\n[a]\n",
        "[t]\n[[t]]\n",
        "[t]\nx = 1\nx = 2\n",
        "[[e]]\nx = 1\nx = 2\n",
        "a = { b = 1, b = 2 }\n",
        // TOML allows it, but irctl never writes it: an array of tables split by another section.
        "[[a]]\n[b]\n[[a]]\n",
        // Strings: basic ones on one line, with the writer's escapes only.
        "a = 'x'\n",
        "a = \"\"\"x\"\"\"\n",
        "a = '''x'''\n",
        "a = \"x\ty\"\n",
        "a = \"x\x01y\"\n",
        "a = \"x\x7fy\"\n",
        "a = \"x\0y\"\n"s,
        "a = \"x\ry\"\n",
        "a = \"x\n",
        "a = \"x\\\"\n",
        "a = \"\\x41\"\n",
        "a = \"\\e\"\n",
        "a = \"\\a\"\n",
        "a = \"\\U0001F600\"\n",
        "a = \"\\uD800\"\n",
        "a = \"\\uDFFF\"\n",
        "a = \"\\u12\"\n",
        "a = \"\\u12G4\"\n",
        "a = \"\\\n\"\n",
        // Not UTF-8: overlong, a surrogate, past U+10FFFF, cut short, a stray continuation byte.
        "a = \"\xC0\xAF\"\n",
        "a = \"\xE0\x80\xAF\"\n",
        "a = \"\xED\xA0\x80\"\n",
        "a = \"\xF4\x90\x80\x80\"\n",
        "a = \"\xC3\"\n",
        "a = \"\xC3\\n\"\n",
        "a = \"\x80\"\n",
        "\"\xC3\" = 1\n",
        "# \xC3\n",
        "# \xED\xA0\x80\n",
        // Comments: no control character but tab.
        "#\x01\n",
        "#\x7f\n",
        "# a\rb\n",
        "#\0\n"s,
        // Integers as std::to_string writes them, and only those.
        "a = 01\n",
        "a = +1\n",
        "a = 1_000\n",
        "a = -0\n",
        "a = 00\n",
        "a = 0x1F\n",
        "a = 0o7\n",
        "a = 0b1\n",
        "a = 9223372036854775808\n",
        "a = -9223372036854775809\n",
        "a = 99999999999999999999\n",
        "a = -\n",
        // No floats: irctl writes none.
        "a = 1.5\n",
        "a = 1e3\n",
        "a = 1.0\n",
        "a = inf\n",
        "a = -inf\n",
        "a = nan\n",
        "a = .5\n",
        "a = True\n",
        "a = truer\n",
        "a = fals\n",
        // Date-times: UTC, whole seconds, a day and a time that exist.
        "a = 2023-12-25T12:00:52.5Z\n",
        "a = 2023-12-25T12:00:52+01:00\n",
        "a = 2023-12-25T12:00:52+00:00\n",
        "a = 2023-12-25T12:00:52z\n",
        "a = 2023-12-25t12:00:52Z\n",
        "a = 2023-12-25 12:00:52Z\n",
        "a = 2023-12-25T12:00:60Z\n",
        "a = 2023-12-25T24:00:00Z\n",
        "a = 2023-12-25T12:60:00Z\n",
        "a = 2023-02-29T12:00:00Z\n",
        "a = 1900-02-29T12:00:00Z\n",
        "a = 2023-04-31T12:00:00Z\n",
        "a = 2023-13-01T12:00:00Z\n",
        "a = 2023-00-10T12:00:00Z\n",
        "a = 2023-12-00T12:00:00Z\n",
        "a = 2023-12-25T12:00Z\n",
        "a = 2023-12-25\n",
        "a = 12:00:52\n",
        "a = 2023-12-25T12:00:52\n",
        "a = 20231-12-25T12:00:52Z\n",
        // Arrays: inline_value's form, or value_on_key_line's one item a line.
        "a = [ 1 ]\n",
        "a = [1,2]\n",
        "a = [1, 2,]\n",
        "a = [1,\n2]\n",
        "a = [\n  1,\n  2\n]\n",
        "a = [\n  [1],\n]\n",
        "a = [\n]\n",
        "a = [\n  1,\n  # c\n  2,\n]\n",
        "a = [\n  1,\n] \n",
        "a = [\n 1,\n]\n",
        "a = [\n  { b = 1 },\n]\n",
        // Inline tables: inline_value's form.
        "a = {b = 1}\n",
        "a = { b = 1}\n",
        "a = { }\n",
        "a = { b = 1, }\n",
        "a = { b = 1,\n c = 2 }\n",
        // Deeper than irctl ever writes.
        "a = " + std::string(40, '[') + std::string(40, ']') + "\n",
    };
    for (const auto& text : refused) {
      CAPTURE(text);
      CHECK_FALSE(reads(text));
    }
  }

  TEST_CASE("the canonical reader reads every document that write_toml writes") {
    // Read by toml11 in any layout (comments, literal strings, dotted keys,
    // tables in any order), then written by irctl's writer.
    const std::string any_layout =
        "# the header\n"
        "schema = 1\n"
        "title = 'It is \"down\"'  # inline comment\n"
        "multi = \"\"\"\nline one\n\tline two \\u0007 \\U0001F600\"\"\"\n"
        "\"quoted key\" = \"\\\\ \\b \\f \\r \\u007F caf\xC3\xA9\"\n"
        "long = [\"a fairly long string number one\", \"a fairly long string number two\", \"and three, "
        "to pass a hundred characters\"]\n"
        "short = [1, 2]\n"
        "empty = []\n"
        "at = 2026-11-28T16:05:00Z\n"
        "nested.deeper.key = true\n"
        "inline = { a = [{ b = 1 }, { c = [] }], d = {}, \"e.f\" = -7 }\n"
        "\n"
        "[roles]\n"
        "# why\n"
        "commander = \"alice\"\n"
        "tech-lead = [\"ivan (db)\", \"dave (infra)\"]\n"
        "sub.table = 1\n"
        "\n"
        "[[timeline]]\n"
        "id = \"E1\"\n"
        "set = { \"roles.commander\" = \"alice\", escalated_at = 2026-11-28T16:05:00Z }\n"
        "\n"
        "[[timeline]]\n"
        "# a comment in an event\n"
        "id = \"E2\"\n"
        "\n"
        "[empty_table]\n"
        "\n"
        "[[\"odd name\"]]\n"
        "x = 1\n";
    const std::string written = write_toml(parse_toml(any_layout, "t.toml"));
    CAPTURE(written);
    CHECK(written.find("tech-lead") != std::string::npos);
    CHECK(reads(written));
    CHECK(reads(write_toml_entry("timeline", parse_toml("id = \"E3\"\nn = [1, 2]\n", "t.toml"))));
  }

  TEST_CASE("the canonical reader reads every incident file that irctl writes") {
    TempDir dir;
    const std::string root = dir.path().string();
    REQUIRE(run_cli({"init"}, root).status == 0);
    const CliRun declared = run_cli({"-q", "declare", "Checkout \"API\" returns 503 \\ caf\xC3\xA9", "-s", "sev2",
                                     "--service", "checkout", "--channel", "#inc-checkout"},
                                    root);
    REQUIRE(declared.status == 0);
    const std::string id = declared.out.substr(0, declared.out.find('\n'));
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"note", id, "tab\there, newline\nthere, bell\a, quote \" and backslash \\ and \xF0\x9F\x94\xA5"},
             {"assign", id, "commander", "alice"},
             {"assign", id, "tech-lead", "ivan", "--workstream", "db"},
             {"severity", id, "sev1", "--reason", "all regions"},
             {"set", id, "--summary", "A summary", "--impact", "Everyone"},
             {"ack", id},
             {"escalate", id, "--reason", "need the team lead"},
             {"update", id, "We are on it.", "--audience", "external"},
             {"contain", id, "Rolled back"},
             {"recover", id, "Traffic is back"},
             {"resolve", id, "--summary", "Fixed", "--root-cause", "A bad deploy"},
         }) {
      CAPTURE(args.front());
      CHECK(run_cli(args, root).status == 0);
    }
    REQUIRE(run_cli({"-q", "declare", "A second one", "-s", "sev4"}, root).status == 0);
    const std::vector<fs::path> files = incident_files(dir.path());
    CHECK(files.size() == 2);
    check_each_read_by_the_canonical_reader(files);
    check_each_written_as_toml11_reads_it(files);
  }

  TEST_CASE("the canonical reader reads every incident file that the bench generates") {
    TempDir dir;
    new_repository(dir);
    sh(dir.path(), "python3 '" + (kSource / "bench/generate.py").string() + "' . 40 --seed 3 --end 2026-01-01");
    const std::vector<fs::path> files = incident_files(dir.path());
    CHECK(files.size() == 40);
    check_each_read_by_the_canonical_reader(files);
    check_each_written_as_toml11_reads_it(files);
  }

  TEST_CASE("parse_toml_written leaves every text a person has commented to toml11") {
    const std::string head = "# irctl incident file\n# Edits by hand are kept\n";
    const std::string body =
        "schema = 1\nid = \"INC-1\"\ntasks = [\n  \"Preserve evidence before changing anything\",\n"
        "  \"Identify the affected systems, accounts and data\",\n  \"Revoke and rotate exposed credentials\",\n]\n"
        "\n[roles]\ncommander = \"alice\"\n";
    check_written_as_toml11_reads_it(head + body, true);
    check_written_as_toml11_reads_it(body, true);
    for (const std::string& commented : std::vector<std::string>{
             head + "\n" + body,                                    // the heading apart from the first key
             head + body + "# at the end\n",                         // toml11 keeps it nowhere
             head + "schema = 1\n# above id\nid = \"INC-1\"\n",  // above another key
             head + "schema = 1\nid = \"INC-1\" # after a value\n",
             head + "schema = 1\ntasks = [\n  # in a list\n  \"Preserve evidence before changing anything\",\n"
                    "  \"Identify the affected systems, accounts and data\",\n]\n",
             head + "schema = 1\n\n# above a table\n[roles]\ncommander = \"alice\"\n",
             head,                                                   // no key to give it to
             "#"s,                                                   // not even a line
         }) {
      check_written_as_toml11_reads_it(commented, false);
    }
  }
}

}  // namespace test_toml_canonical
