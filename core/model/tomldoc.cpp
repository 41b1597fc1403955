#include "core/model/tomldoc.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

bool is_bare_key(const std::string& k) {
  if (k.empty()) return false;
  for (unsigned char c : k)
    if (!(std::isalnum(c) || c == '_' || c == '-')) return false;
  return true;
}

std::string key_literal(const std::string& k) { return is_bare_key(k) ? k : toml_string_literal(k); }

bool is_array_of_tables(const TomlValue& v) {
  if (!v.is_array() || v.as_array().empty()) return false;
  for (const auto& e : v.as_array())
    if (!e.is_table()) return false;
  return true;
}

void write_comments(const TomlValue& v, std::string& out) {
  for (const auto& c : v.comments()) out += "#" + c + "\n";
}

std::string float_literal(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  std::string s = buf;
  // Prefer the shortest form that reads back as the same number.
  for (int precision = 1; precision < 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) {
      s = buf;
      break;
    }
  }
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

template <class T>
std::string streamed(const T& t) {
  std::ostringstream os;
  os << t;
  return os.str();
}

std::string inline_value(const TomlValue& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return v.as_boolean() ? "true" : "false";
    case toml::value_t::integer: return std::to_string(v.as_integer());
    case toml::value_t::floating: return float_literal(v.as_floating());
    case toml::value_t::string: return toml_string_literal(v.as_string().str);
    case toml::value_t::offset_datetime: return streamed(v.as_offset_datetime());
    case toml::value_t::local_datetime: return streamed(v.as_local_datetime());
    case toml::value_t::local_date: return streamed(v.as_local_date());
    case toml::value_t::local_time: return streamed(v.as_local_time());
    case toml::value_t::array: {
      std::string s = "[";
      bool first = true;
      for (const auto& e : v.as_array()) {
        s += first ? "" : ", ";
        s += inline_value(e);
        first = false;
      }
      return s + "]";
    }
    case toml::value_t::table: {
      if (v.as_table().empty()) return "{}";
      std::string s = "{ ";
      bool first = true;
      for (const auto& [k, e] : v.as_table()) {
        s += first ? "" : ", ";
        s += key_literal(k) + " = " + inline_value(e);
        first = false;
      }
      return s + " }";
    }
    case toml::value_t::empty: break;
  }
  return "\"\"";
}

// Long lists of plain values read better one item a line.
constexpr size_t kLongArray = 100;

std::string value_on_key_line(const TomlValue& v) {
  std::string one_line = inline_value(v);
  if (!v.is_array() || one_line.size() <= kLongArray || v.as_array().size() < 2) return one_line;
  for (const auto& e : v.as_array())
    if (e.is_table() || e.is_array()) return one_line;
  std::string lines = "[\n";
  for (const auto& e : v.as_array()) lines += "  " + inline_value(e) + ",\n";
  return lines + "]";
}

// What write_body does with the tables a table holds: the top level leaves
// them out (write_toml writes them as [sections] after), deeper ones are inline.
enum class NestedTables { left_out, written_inline };

// Writes the key = value lines of a table.
void write_body(const TomlTable& table, NestedTables nested, std::string& out) {
  for (const auto& [k, v] : table) {
    if (nested == NestedTables::left_out && (v.is_table() || is_array_of_tables(v))) continue;
    write_comments(v, out);
    out += key_literal(k) + " = " + value_on_key_line(v) + "\n";
  }
}

// toml11's messages end in a drawing of the offending line; this finds the
// line number and the column of the last "^---" marker in it.
void locate_in_message(const std::string& what, unsigned& line, unsigned& column) {
  std::istringstream in(what);
  std::string l, previous;
  while (std::getline(in, l)) {
    const auto caret = l.find("^---");
    const auto bar = l.find(" | ");
    if (caret != std::string::npos && bar != std::string::npos) {
      const auto prev_bar = previous.find(" | ");
      if (prev_bar != std::string::npos) {
        try {
          line = static_cast<unsigned>(std::stoul(previous.substr(0, prev_bar)));
        } catch (const std::exception&) {
          continue;
        }
        column = static_cast<unsigned>(caret - (bar + 3) + 1);
      }
    }
    previous = l;
  }
}

std::string first_line_of_message(const std::string& what) {
  std::string first = what.substr(0, what.find('\n'));
  const std::string prefix = "[error] ";
  if (first.rfind(prefix, 0) == 0) first = first.substr(prefix.size());
  // "toml::parse_array: value ..." -> "value ..."
  if (first.rfind("toml::", 0) == 0) {
    const auto colon = first.find(": ");
    if (colon != std::string::npos) first = first.substr(colon + 2);
  }
  return first;
}

[[noreturn]] void throw_invalid_toml(const std::string& path, size_t line, size_t column, const std::string& what) {
  throw Error(Errc::data,
              path + ":" + std::to_string(line) + ":" + std::to_string(column) + ": invalid TOML: " + what,
              "fix the file by hand, or bring back a good version: 'git log -- " + path + "', then 'git checkout COMMIT -- " +
                  path + "'");
}

}  // namespace

TomlValue parse_toml(const std::string& text, const std::string& path) {
  // TOML is UTF-8 text. Checked here rather than left to toml11, whose 3.7.1
  // (Debian 12's) reads out of bounds on a bad byte in a literal string
  // (toml11 issue #199).
  if (const auto invalid = invalid_utf8_at(text)) {
    const size_t bad = *invalid;
    const size_t line_start = bad == 0 ? std::string::npos : text.rfind('\n', bad - 1);
    const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    const size_t column = line_start == std::string::npos ? bad + 1 : bad - line_start;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw_invalid_toml(path, line, column, std::string("byte ") + byte + " is not UTF-8 (a TOML file is UTF-8 text)");
  }
  std::istringstream in(text);
  try {
    // toml11 copies the source name into every region it makes (one per value and
    // more while parsing): a short name saves an allocation each time, and our own
    // messages name the file anyway.
    return toml::parse<toml::preserve_comments, OrderedTable, std::vector>(in, "-");
  } catch (const toml::exception& e) {
    unsigned line = e.location().line(), column = e.location().column();
    locate_in_message(e.what(), line, column);
    throw_invalid_toml(path, line, column, first_line_of_message(e.what()));
  }
}

std::string toml_string_literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string write_toml(const TomlValue& root) {
  std::string out;
  const TomlTable& table = root.as_table();
  write_body(table, NestedTables::left_out, out);
  for (const auto& [k, v] : table) {
    if (v.is_table()) {
      out += "\n";
      write_comments(v, out);
      out += "[" + key_literal(k) + "]\n";
      write_body(v.as_table(), NestedTables::written_inline, out);
    } else if (is_array_of_tables(v)) {
      write_comments(v, out);
      for (const auto& element : v.as_array()) out += write_toml_entry(k, element);
    }
  }
  return out;
}

std::string write_toml_entry(const std::string& key, const TomlValue& element) {
  std::string out = "\n";
  write_comments(element, out);
  out += "[[" + key_literal(key) + "]]\n";
  write_body(element.as_table(), NestedTables::written_inline, out);
  return out;
}

namespace {

// The text of a line that is a comment and nothing else: from its '#', with
// a byte order mark and blanks before it left out; empty for other lines.
std::string_view comment_of_line(std::string_view line) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  const size_t start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos || line[start] != '#') return {};
  line.remove_prefix(start);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

template <class Visit>
void for_each_line(std::string_view text, Visit&& visit) {
  size_t number = 1;
  for (size_t start = 0; start < text.size(); ++number) {
    const size_t end = std::min(text.find('\n', start), text.size());
    visit(number, start, end);
    start = end + 1;
  }
}

}  // namespace

std::optional<DroppedComment> dropped_comment(const std::string& before, const std::string& after,
                                              const std::string& path) {
  std::map<std::string_view, int> kept;  // the comments of after, by how often each appears
  for_each_line(after, [&](size_t, size_t start, size_t end) {
    if (const auto c = comment_of_line(std::string_view(after).substr(start, end - start)); !c.empty()) ++kept[c];
  });
  const auto data = [&](const std::string& text) {
    return read_toml(text, path, [](const TomlValue& doc) { return toml_to_json(doc).dump(); });
  };
  std::optional<DroppedComment> lost;
  std::optional<std::string> same_data;  // the data of before, once needed
  for_each_line(before, [&](size_t number, size_t start, size_t end) {
    const auto c = comment_of_line(std::string_view(before).substr(start, end - start));
    if (lost || c.empty() || kept[c]-- > 0) return;
    if (!same_data) same_data = data(before);
    std::string without = before;
    without.erase(start, end - start);
    try {
      if (data(without) == *same_data) lost = DroppedComment{number, std::string(c)};
    } catch (const Error&) {
      // Not valid without it: a line of a multi-line string, not a comment.
    }
  });
  return lost;
}

Json toml_to_json(const TomlValue& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return v.as_boolean();
    case toml::value_t::integer: return v.as_integer();
    case toml::value_t::floating: return v.as_floating();
    case toml::value_t::string: return v.as_string().str;
    case toml::value_t::offset_datetime: {
      Timestamp t;
      toml_get_time(v, t);
      return format_rfc3339(t);
    }
    case toml::value_t::local_datetime: return streamed(v.as_local_datetime());
    case toml::value_t::local_date: return streamed(v.as_local_date());
    case toml::value_t::local_time: return streamed(v.as_local_time());
    case toml::value_t::array: {
      Json a = Json::array();
      for (const auto& e : v.as_array()) a.push_back(toml_to_json(e));
      return a;
    }
    case toml::value_t::table: {
      Json o = Json::object();
      for (const auto& [k, e] : v.as_table()) o[k] = toml_to_json(e);
      return o;
    }
    case toml::value_t::empty: break;
  }
  return nullptr;
}

std::string toml_where(const TomlValue& v, const std::string& path) {
  const auto loc = v.location();
  if (loc.line() == 0) return path;
  return path + ":" + std::to_string(loc.line()) + ":" + std::to_string(loc.column());
}

TomlValue toml_time(Timestamp t) {
  const CivilTime c = to_civil(t);
  return TomlValue(toml::offset_datetime(
      toml::local_date(c.year, static_cast<toml::month_t>(c.month - 1), c.day),
      toml::local_time(c.hour, c.minute, c.second), toml::time_offset(0, 0)));
}

bool toml_get_time(const TomlValue& v, Timestamp& out) {
  if (!v.is_offset_datetime()) return false;
  const auto& dt = v.as_offset_datetime();
  CivilTime c{dt.date.year, dt.date.month + 1, dt.date.day, dt.time.hour, dt.time.minute, dt.time.second,
              // toml11 gives both parts of a negative offset the minus sign.
              dt.offset.hour * 60 + dt.offset.minute};
  try {
    out = from_civil(c);
  } catch (const Error&) {
    return false;
  }
  return true;
}

}  // namespace irctl

namespace irctl {

namespace {
const TomlValue& empty_table() {
  static const TomlValue t(TomlTable{});
  return t;
}
}  // namespace

FieldReader::FieldReader(const TomlValue& table, std::string path, std::string hint)
    : table_(&table), path_(std::move(path)), hint_(std::move(hint)) {
  if (!table.is_table()) fail(table, "expected a table");
}

void FieldReader::fail(const TomlValue& at, const std::string& message) const {
  throw Error(Errc::data, toml_where(at, path_) + ": " + message, hint_);
}

const TomlValue* FieldReader::find(const std::string& key) const {
  const auto& t = table_->as_table();
  const auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

std::string FieldReader::string(const std::string& key) const {
  const TomlValue* v = find(key);
  if (!v) fail("the key '" + key + "' is missing");
  if (!v->is_string()) fail(*v, "'" + key + "' must be a string");
  return v->as_string().str;
}

std::string FieldReader::string_or(const std::string& key, const std::string& fallback) const {
  return find(key) ? string(key) : fallback;
}

std::vector<std::string> FieldReader::strings_or(const std::string& key, std::vector<std::string> fallback) const {
  const TomlValue* v = find(key);
  if (!v) return fallback;
  if (!v->is_array()) fail(*v, "'" + key + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (!e.is_string()) fail(e, "'" + key + "' must be an array of strings");
    out.push_back(e.as_string().str);
  }
  return out;
}

bool FieldReader::boolean_or(const std::string& key, bool fallback) const {
  const TomlValue* v = find(key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail(*v, "'" + key + "' must be true or false");
  return v->as_boolean();
}

int64_t FieldReader::integer(const std::string& key) const {
  const TomlValue* v = find(key);
  if (!v) fail("the key '" + key + "' is missing");
  if (!v->is_integer()) fail(*v, "'" + key + "' must be an integer");
  return v->as_integer();
}

int64_t FieldReader::integer_or(const std::string& key, int64_t fallback) const {
  return find(key) ? integer(key) : fallback;
}

int FieldReader::integer_or(const std::string& key, int fallback, int min, int max) const {
  if (!find(key)) return fallback;
  const int64_t v = integer(key);
  if (v < min || v > max)
    fail(*find(key), "'" + key + "' must be from " + std::to_string(min) + " to " + std::to_string(max));
  return static_cast<int>(v);
}

std::optional<Timestamp> FieldReader::time(const std::string& key) const {
  const TomlValue* v = find(key);
  if (!v) return std::nullopt;
  Timestamp t;
  if (!toml_get_time(*v, t))
    fail(*v, "'" + key + "' must be a date and time with a zone, such as 2026-11-28T16:05:00Z");
  return t;
}

std::vector<FieldReader> FieldReader::tables(const std::string& key) const {
  const TomlValue* v = find(key);
  if (!v) return {};
  if (!v->is_array()) fail(*v, "'" + key + "' must be an array of tables ([[" + key + "]])");
  std::vector<FieldReader> out;
  out.reserve(v->as_array().size());  // a timeline's thousands of events, each reader with two strings
  for (const auto& e : v->as_array()) {
    if (!e.is_table()) fail(e, "each '" + key + "' must be a table");
    out.emplace_back(e, path_, hint_);
  }
  return out;
}

void FieldReader::reject_unknown(std::initializer_list<const char*> known) const {
  for (const auto& [key, value] : table_->as_table()) {
    bool ok = false;
    std::string closest;
    size_t closest_shared = 0;
    for (const char* k : known) {
      if (key == k) ok = true;
      // The known key sharing the longest prefix is the likeliest meant.
      size_t shared = 0;
      while (shared < key.size() && k[shared] != '\0' && key[shared] == k[shared]) ++shared;
      if (shared > closest_shared) {
        closest = k;
        closest_shared = shared;
      }
    }
    if (!ok)
      fail(value, "unknown key " + quote(key) + (closest_shared >= 3 ? "; did you mean '" + closest + "'?" : ""));
  }
}

FieldReader FieldReader::table_or_empty(const std::string& key) const {
  const TomlValue* v = find(key);
  if (!v) return FieldReader(empty_table(), path_, hint_);
  if (!v->is_table()) fail(*v, "'" + key + "' must be a table");
  return FieldReader(*v, path_, hint_);
}

}  // namespace irctl
