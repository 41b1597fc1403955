#include <doctest/doctest.h>

#include "core/error.hpp"
#include "core/model/tomldoc.hpp"

namespace test_tomldoc {

using namespace irctl;

namespace {
std::string roundtrip(const std::string& text) { return write_toml(parse_toml(text, "t.toml")); }

std::string error_of(const std::string& text) {
  try {
    parse_toml(text, "dir/t.toml");
  } catch (const Error& e) {
    CHECK(e.code() == Errc::data);
    return e.what();
  }
  FAIL("no error");
  return "";
}
}  // namespace

TEST_SUITE("toml") {
  TEST_CASE("our own layout reads back unchanged") {
    const std::string text =
        "# header\n"
        "schema = 1\n"
        "title = \"Checkout \\\"API\\\" 503\"\n"
        "services = [\"a\", \"b\"]\n"
        "at = 2026-11-28T16:05:00Z\n"
        "\n"
        "# about roles\n"
        "[roles]\n"
        "commander = \"alice\"\n"
        "tech-lead = { db = \"bob\" }\n"
        "\n"
        "[[timeline]]\n"
        "id = \"A\"\n"
        "text = \"two\\nlines\"\n"
        "set = { \"roles.commander\" = \"alice\", n = 1.5 }\n"
        "\n"
        "# hand comment\n"
        "[[timeline]]\n"
        "id = \"B\"\n";
    CHECK(roundtrip(text) == text);
  }

  TEST_CASE("key order, unknown keys and comments are kept") {
    const std::string text =
        "zeta = 1\n"
        "alpha = 2\n"
        "# mine\n"
        "custom = \"kept\" # inline\n";
    const std::string out = roundtrip(text);
    CHECK(out.find("zeta") < out.find("alpha"));
    CHECK(out.find("# mine") != std::string::npos);
    CHECK(out.find("# inline") != std::string::npos);  // moved to its own line before the key
    CHECK(out.find("custom = \"kept\"") != std::string::npos);
  }

  TEST_CASE("strings with anything in them survive") {
    const std::string nasty = std::string("quote \" backslash \\ tab \t nl \n esc \x1b[31m del \x7f bell \a ") +
                              "unicode \xc3\xa9\xe2\x9c\x93 '''\"\"\"";
    TomlValue doc(TomlTable{{"s", TomlValue(nasty)}});
    const TomlValue back = parse_toml(write_toml(doc), "t.toml");
    CHECK(back.as_table().at("s").as_string().str == nasty);
  }

  TEST_CASE("long lists of plain values are written one item a line") {
    const std::string text =
        "tasks = [\n"
        "  \"Confirm the impact and set the severity\",\n"
        "  \"Assign an incident commander and open a channel\",\n"
        "  \"Post the first internal update within 15 minutes\",\n"
        "]\n"
        "short = [\"a\", \"b\"]\n"
        "\n"
        "[[timeline]]\n"
        "set = { tasks = [\"Confirm the impact and set the severity\", \"Assign an incident commander and open a "
        "channel\", \"Post the first internal update\"] }\n";
    CHECK(roundtrip(text) == text);
  }

  TEST_CASE("keys that are not bare are quoted") {
    TomlValue doc(TomlTable{{"a b", TomlValue(1)}, {"", TomlValue(2)}, {"x.y", TomlValue(3)}});
    const TomlValue back = parse_toml(write_toml(doc), "t.toml");
    CHECK(back.as_table().at("a b").as_integer() == 1);
    CHECK(back.as_table().at("").as_integer() == 2);
    CHECK(back.as_table().at("x.y").as_integer() == 3);
  }

  TEST_CASE("floats keep their value") {
    for (double d : {0.1, 1.0, -2.5e-300, 123456789.123, 1e21}) {
      TomlValue doc(TomlTable{{"f", TomlValue(d)}});
      CHECK(parse_toml(write_toml(doc), "t.toml").as_table().at("f").as_floating() == d);
    }
  }

  TEST_CASE("syntax errors name the file, line and column") {
    CHECK(error_of("a = 1\nb = \"unclosed\n").rfind("dir/t.toml:2:", 0) == 0);
    CHECK(error_of("a = 1\na = 2\n").rfind("dir/t.toml:2:5:", 0) == 0);
    CHECK(error_of("[t]\nx = [1,\n").find("dir/t.toml:") == 0);
  }

  TEST_CASE("bytes that are not UTF-8 are refused where they are, in literal strings too") {
    // toml11 3.7.1 reads out of bounds on them in literal strings (found by
    // tests/fuzz; toml11 issue #199, fixed after the version Debian 12 ships).
    CHECK(error_of("a = 1\nb = 'x\xd8y'\n") ==
          "dir/t.toml:2:7: invalid TOML: byte 0xD8 is not UTF-8 (a TOML file is UTF-8 text)");
    CHECK(error_of("a = '''\nx\xd8\xd8'''\n").rfind("dir/t.toml:2:2: invalid TOML: byte 0xD8", 0) == 0);
    CHECK(error_of("# caf\xe9\n").rfind("dir/t.toml:1:6: invalid TOML: byte 0xE9", 0) == 0);
    CHECK(error_of("a = \"\xed\xa0\x80\"\n").rfind("dir/t.toml:1:6: invalid TOML: byte 0xED", 0) == 0);  // surrogate
    CHECK(error_of("a = \"\xc0\xaf\"\n").rfind("dir/t.toml:1:6: invalid TOML: byte 0xC0", 0) == 0);  // overlong
    CHECK(error_of("a = \"\xf4\x90\x80\x80\"\n").rfind("dir/t.toml:1:6: invalid TOML: byte 0xF4", 0) == 0);  // > U+10FFFF
    CHECK(error_of("a = \"\xe2\x82\"\n").rfind("dir/t.toml:1:6: invalid TOML: byte 0xE2", 0) == 0);  // cut short
    CHECK(parse_toml("a = 'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5'\n", "t.toml").as_table().at("a").as_string().str ==
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5");
  }

  TEST_CASE("times convert both ways") {
    const Timestamp t = from_civil({2026, 11, 28, 16, 5, 9, 0});
    Timestamp back{};
    CHECK(toml_get_time(toml_time(t), back));
    CHECK(back == t);
    const TomlValue shifted = parse_toml("at = 2026-11-28T18:05:09+02:00\nw = 2026-11-28T13:35:09-02:30\n", "t");
    CHECK(toml_get_time(shifted.as_table().at("at"), back));
    CHECK(back == t);
    CHECK(toml_get_time(shifted.as_table().at("w"), back));
    CHECK(back == t);
    CHECK_FALSE(toml_get_time(TomlValue("2026-11-28T16:05:09Z"), back));
  }

  TEST_CASE("JSON mirrors the document") {
    const TomlValue doc = parse_toml("a = 1\nb = [true, \"x\"]\nat = 2026-11-28T16:05:00Z\n[t]\nk = 2.5\n", "t");
    CHECK(toml_to_json(doc).dump() == R"({"a":1,"b":[true,"x"],"at":"2026-11-28T16:05:00Z","t":{"k":2.5}})");
  }
}

}  // namespace test_tomldoc

namespace test_dropped_comment {
using namespace irctl;

TEST_SUITE("toml") {
  TEST_CASE("dropped_comment names the first comment a rewrite would drop, and only comments") {
    const std::string before = "\xEF\xBB\xBF# first\nx = 1\ns = \"\"\"\n# text, not a comment\n\"\"\"\nl = [\n  1, # after a value\n  # inside\n]\n";
    const std::string kept_all = "# first\nx = 1\ns = \"\\n# text, not a comment\\n\"\n# after a value\n# inside\nl = [1]\n";
    CHECK_FALSE(dropped_comment(before, kept_all, "f.toml"));
    const std::string without_inside = "# first\nx = 1\ns = \"\\n# text, not a comment\\n\"\n# after a value\nl = [1]\n";
    const auto lost = dropped_comment(before, without_inside, "f.toml");
    REQUIRE(lost);
    CHECK(lost->line == 8);
    CHECK(lost->text == "# inside");
    const auto bom = dropped_comment(before, "x = 1\n", "f.toml");
    REQUIRE(bom);
    CHECK(bom->line == 1);
    CHECK(bom->text == "# first");
  }
}

}  // namespace test_dropped_comment
