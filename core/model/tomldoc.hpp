#pragma once
// TOML documents as irctl reads and writes them: toml11 keeps the comments,
// tsl::ordered_map keeps the key order, and our own writer lays the file out
// the same way every time so that git diffs stay small.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <toml.hpp>
#include <tsl/ordered_map.h>

#include "core/error.hpp"
#include "core/util/time.hpp"

namespace irctl {

/// A table's keys in their order. tsl::ordered_map keeps its entries in a
/// std::deque unless told otherwise, and a deque allocates even when empty:
/// every event has two tables, most of them empty, and a long incident has
/// thousands of events. (A vector moves its entries when it grows: take no
/// reference into a table across an insertion into it.)
template <class Key, class T>
using OrderedTable = tsl::ordered_map<Key, T, std::hash<Key>, std::equal_to<Key>, std::allocator<std::pair<Key, T>>,
                                      std::vector<std::pair<Key, T>>>;
using TomlValue = toml::basic_value<toml::preserve_comments, OrderedTable, std::vector>;
using TomlTable = TomlValue::table_type;
using TomlArray = TomlValue::array_type;
using Json = nlohmann::ordered_json;

/// Parses `text`; a syntax error becomes Error(Errc::data) whose message starts
/// with "path:line:column:".
TomlValue parse_toml(const std::string& text, const std::string& path);

/// The same document as parse_toml, read many times faster by toml++
/// (toml_sink.hpp), and faster still without it for the files that irctl
/// wrote, for reads that write nothing back: it has no comments and no
/// source locations, and every string is a basic one. nullopt when
/// it cannot promise parse_toml's document: toml++ refuses the text (some
/// that toml11 reads, such as a leap second), or the text has a CR.
std::optional<TomlValue> parse_toml_fast(const std::string& text);

/// The readers behind parse_toml_fast, which tries them in this order: one
/// of only the layout that write_toml writes (toml_canonical.cpp), and
/// toml++. Each alone, for the differential test of issue 16.
enum class FastTomlReader { canonical, tomlplusplus };
std::optional<TomlValue> parse_toml_with(FastTomlReader reader, const std::string& text);

/// parse_toml's document of `text`, comments included, when `text` is
/// exactly what write_toml writes of it and its only comments are those
/// above its first key (the two lines irctl heads every incident file
/// with): read by the canonical reader, many times faster than toml11, for
/// the writes that rewrite the document. nullopt otherwise, and for every
/// text a person has commented, which is left to parse_toml.
std::optional<TomlValue> parse_toml_written(const std::string& text);

/// `read` (a mapping from a document to what it means, which throws Error
/// for what is wrong) over parse_toml_fast's document when it reads the
/// text, and over parse_toml's when it cannot or `read` throws: fast for every
/// text that is right, and every message keeps parse_toml's line and column.
template <class Read>
auto read_toml(const std::string& text, const std::string& path, Read&& read) {
  if (auto doc = parse_toml_fast(text)) {
    try {
      return read(std::move(*doc));
    } catch (const Error&) {
    }
  }
  return read(parse_toml(text, path));
}

/// The first comment of `before` (a line whose first character but blanks
/// is '#') that `after` lacks and that is a comment indeed (the text reads
/// as the same data without it, so it is no line of a multi-line string):
/// its line and text. toml11 keeps a comment only on the lines above a key
/// or a table; one at the end of the file, or inside a list, would be
/// dropped by rewriting the file. nullopt when every comment is kept.
struct DroppedComment {
  size_t line;
  std::string text;  ///< from its '#'
};
std::optional<DroppedComment> dropped_comment(const std::string& before, const std::string& after,
                                              const std::string& path);

/// Writes a document: top-level scalars first, then each top-level table as
/// [name] and each top-level array of tables as [[name]]; anything deeper is
/// written inline, but for long lists of plain values, one item a line.
/// Comments are written on their own lines before their key.
std::string write_toml(const TomlValue& root);

/// What write_toml writes for one table of the array of tables `key`: a
/// blank line, its comments, [[key]] and its keys.
std::string write_toml_entry(const std::string& key, const TomlValue& element);

/// A TOML string literal with every character that needs it escaped.
std::string toml_string_literal(const std::string& s);

/// The same data as JSON; datetimes become RFC 3339 strings.
Json toml_to_json(const TomlValue& v);

/// "path:line:column" of a value parsed from a file ("path" when unknown).
std::string toml_where(const TomlValue& v, const std::string& path);

TomlValue toml_time(Timestamp t);
/// True when `v` is an offset datetime; `out` receives it in UTC.
bool toml_get_time(const TomlValue& v, Timestamp& out);

}  // namespace irctl

namespace irctl {

/// Reads the typed fields of one table of a parsed file; every failure is an
/// Error(Errc::data) that names the file, the line and the key.
class FieldReader {
 public:
  FieldReader(const TomlValue& table, std::string path, std::string hint);

  const TomlValue* find(const std::string& key) const;
  std::string string(const std::string& key) const;  ///< required
  std::string string_or(const std::string& key, const std::string& fallback) const;
  std::vector<std::string> strings_or(const std::string& key, std::vector<std::string> fallback) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  int64_t integer(const std::string& key) const;  ///< required
  int64_t integer_or(const std::string& key, int64_t fallback) const;
  /// An integer from `min` to `max`, so that what reads it as an int never
  /// overflows into a value the file does not hold.
  int integer_or(const std::string& key, int fallback, int min, int max) const;
  std::optional<Timestamp> time(const std::string& key) const;
  /// The tables of an array of tables; empty when the key is absent.
  std::vector<FieldReader> tables(const std::string& key) const;
  FieldReader table_or_empty(const std::string& key) const;

  /// Refuses keys other than `known`, naming the closest known one: a typo
  /// in a configuration must not be silently ignored.
  void reject_unknown(std::initializer_list<const char*> known) const;

  const TomlValue& value() const { return *table_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const TomlValue& at, const std::string& message) const;
  [[noreturn]] void fail(const std::string& message) const { fail(*table_, message); }

 private:
  const TomlValue* table_;
  std::string path_;
  std::string hint_;
};

}  // namespace irctl
