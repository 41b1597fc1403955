// walk_toml_canonical (toml_sink.hpp): a reader of the layout that
// write_toml (tomldoc.cpp) writes, and of nothing else.
//
// toml++ is the fastest maintained TOML library Debian has, and its parse was
// still 63% of the instructions of the first `list` in a new clone: it
// decodes every code point and allocates every node on its own. The files
// irctl writes use a small part of TOML, each thing written one way, so this
// reads that part in one pass over the bytes and refuses everything else,
// which toml++ (and toml11 after it) then reads as before. A refusal is
// therefore always safe, and whatever is not certain to read the same in
// toml++ and toml11 is refused, even where TOML allows it.
//
// What it reads, as the writer writes it: full-line comments, empty lines,
// `key = value`, then `[table]` and `[[array]]` headers of the root; keys
// bare or quoted; basic strings with the escapes toml_string_literal writes;
// decimal integers; booleans; date-times in UTC with whole seconds; arrays
// and inline tables on one line; and value_on_key_line's list of plain values,
// one item a line. A CR, a byte order mark or a NUL never fits any of these.
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "core/model/toml_sink.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

// Deeper than anything irctl writes (an event's `set` holds an array in an
// inline table in an array of tables), and shallow enough for the stack.
constexpr int kMaxDepth = 32;

struct DateTime {
  TomlDate date;
  TomlClock clock;
};

/// One call to the sink, kept until the whole text is known to be the
/// writer's: the sink hears nothing of a text that is refused, and the size
/// that begin_* passes is known only at the container's end.
struct Call {
  enum class Kind : uint8_t { key, string, integer, boolean, date_time, begin_array, begin_table, end };
  Kind kind;
  std::string_view text;  ///< of a key or a string
  int64_t number = 0;     ///< an integer, a boolean, a size, or the index of a date-time
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The bytes that stand for themselves in a basic string, whatever comes
// before or after them: printable ASCII but the quote and the backslash.
// Tables, because these loops run over nearly every byte of a file.
constexpr std::array<bool, 256> kPlainInString = [] {
  std::array<bool, 256> plain{};
  for (int c = 0x20; c < 0x7f; ++c) plain[static_cast<size_t>(c)] = c != '"' && c != '\\';
  return plain;
}();

// The bytes of a bare key.
constexpr std::array<bool, 256> kInBareKey = [] {
  std::array<bool, 256> bare{};
  for (int c = 0; c < 256; ++c)
    bare[static_cast<size_t>(c)] =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  return bare;
}();

// What TOML forbids in a comment (a tab is allowed).
bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

int hex_digit(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Up to U+FFFF: all that the four hex digits of an escape hold.
void append_utf8(uint32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xC0 | code_point >> 6);
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | code_point >> 12);
    out += static_cast<char>(0x80 | (code_point >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

int number_at(std::string_view s, size_t at, size_t length) {
  int value = 0;
  for (size_t i = at; i < at + length; ++i) value = value * 10 + (s[i] - '0');
  return value;
}

// The one form in which toml11 writes a date-time in UTC with whole seconds,
// as every time irctl records is; s may go on past it.
constexpr std::string_view kDateTimeShape = "dddd-dd-ddTdd:dd:ddZ";

std::optional<DateTime> date_time_at_start(std::string_view s) {
  if (s.size() < kDateTimeShape.size()) return std::nullopt;
  for (size_t i = 0; i < kDateTimeShape.size(); ++i)
    if (kDateTimeShape[i] == 'd' ? !is_digit(s[i]) : s[i] != kDateTimeShape[i]) return std::nullopt;
  const DateTime t{{number_at(s, 0, 4), number_at(s, 5, 2), number_at(s, 8, 2)},
                   {number_at(s, 11, 2), number_at(s, 14, 2), number_at(s, 17, 2), 0}};
  // A day that does not exist is refused, and so is second 60: toml++
  // refuses a leap second that toml11 reads.
  const bool exists = t.date.month >= 1 && t.date.month <= 12 && t.date.day >= 1 &&
                      t.date.day <= days_in_month(t.date.year, t.date.month) && t.clock.hour <= 23 &&
                      t.clock.minute <= 59 && t.clock.second <= 59;
  return exists ? std::optional<DateTime>(t) : std::nullopt;
}

class CanonicalReader {
 public:
  explicit CanonicalReader(std::string_view text) : rest_(text) { calls_.reserve(text.size() / 16); }

  /// False when the text is not laid out as write_toml lays it out.
  bool read();
  void replay(TomlSink& sink) const;

 private:
  bool read_line();
  bool read_comment();
  bool read_header();
  bool read_key_value();
  bool read_key(std::string_view& key);
  bool read_value(int depth);
  bool read_scalar();
  bool read_basic_string(std::string_view& text);
  bool read_escape(std::string& decoded);
  bool read_integer();
  bool read_date_time();
  bool read_inline_array(int depth);
  bool read_inline_table(int depth);
  bool read_list_of_lines();

  bool consume(std::string_view expected);
  bool end_of_line();
  size_t add(Call::Kind kind, std::string_view text = {}, int64_t number = 0);
  bool add_key(std::string_view key);
  void open_table();
  void close_table();
  void close_section();
  void close_array_of_tables();

  std::string_view rest_;
  std::vector<Call> calls_;
  std::vector<DateTime> date_times_;
  std::deque<std::string> unescaped_;  // the strings with escapes, decoded; a deque never moves them

  // The tables open now, the root first: where each begin_table is in
  // calls_, and where its keys start in keys_ (to find a duplicate key).
  struct OpenTable {
    size_t call;
    size_t first_key;
  };
  std::vector<OpenTable> tables_;
  std::vector<std::string_view> keys_;

  bool in_section_ = false;  // after a [table] or [[array]] header
  // The [[array]] whose elements are being read: the writer writes all of
  // them one after the other.
  std::optional<std::string_view> array_of_tables_;
  size_t array_of_tables_call_ = 0;
};

bool CanonicalReader::read() {
  open_table();  // the root
  while (!rest_.empty())
    if (!read_line()) return false;
  close_section();
  close_array_of_tables();
  close_table();
  return true;
}

void CanonicalReader::replay(TomlSink& sink) const {
  for (const Call& c : calls_) {
    switch (c.kind) {
      case Call::Kind::key:
        sink.key(c.text);
        break;
      case Call::Kind::string:
        sink.string(c.text);
        break;
      case Call::Kind::integer:
        sink.integer(c.number);
        break;
      case Call::Kind::boolean:
        sink.boolean(c.number != 0);
        break;
      case Call::Kind::date_time: {
        const DateTime& t = date_times_[static_cast<size_t>(c.number)];
        sink.date_time(t.date, t.clock, 0);
        break;
      }
      case Call::Kind::begin_array:
        sink.begin_array(static_cast<size_t>(c.number));
        break;
      case Call::Kind::begin_table:
        sink.begin_table(static_cast<size_t>(c.number));
        break;
      case Call::Kind::end:
        sink.end();
        break;
    }
  }
}

bool CanonicalReader::read_line() {
  switch (rest_.front()) {
    case '\n':
      rest_.remove_prefix(1);
      return true;
    case '#':
      return read_comment() && end_of_line();
    case '[':
      return read_header() && end_of_line();
    default:
      return read_key_value() && end_of_line();
  }
}

// A comment may hold what a person typed (write_toml writes toml11's
// comments back): it is checked as TOML checks it.
bool CanonicalReader::read_comment() {
  size_t n = 1;
  bool non_ascii = false;
  for (; n < rest_.size() && rest_[n] != '\n'; ++n) {
    const auto c = static_cast<unsigned char>(rest_[n]);
    if (is_control(c)) return false;
    non_ascii |= c >= 0x80;
  }
  if (non_ascii && invalid_utf8_at(rest_.substr(0, n))) return false;
  rest_.remove_prefix(n);
  return true;
}

// [name] or [[name]], of the root only: write_toml writes nothing deeper as
// a section. An array of tables whose elements are not all together, a
// table defined twice, or either under a key the root already has, is
// refused, as toml++ refuses the last two.
bool CanonicalReader::read_header() {
  const bool array = rest_.starts_with("[[");
  rest_.remove_prefix(array ? 2 : 1);
  std::string_view name;
  if (!read_key(name) || !consume(array ? "]]" : "]")) return false;
  close_section();
  const bool next_element = array && array_of_tables_ == name;
  if (!next_element) {
    close_array_of_tables();
    if (!add_key(name)) return false;
    if (array) {
      array_of_tables_ = name;
      array_of_tables_call_ = add(Call::Kind::begin_array);
    }
  }
  if (array) ++calls_[array_of_tables_call_].number;
  open_table();
  in_section_ = true;
  return true;
}

bool CanonicalReader::read_key_value() {
  std::string_view key;
  if (!read_key(key) || !consume(" = ") || !add_key(key)) return false;
  if (rest_.starts_with("[\n")) return read_list_of_lines();
  return read_value(0);
}

// A bare key, or a quoted one (key_literal quotes every other); never a
// dotted key, which the writer does not write. An empty key is refused.
bool CanonicalReader::read_key(std::string_view& key) {
  if (!rest_.empty() && rest_.front() == '"') return read_basic_string(key) && !key.empty();
  size_t n = 0;
  while (n < rest_.size() && kInBareKey[static_cast<unsigned char>(rest_[n])]) ++n;
  if (n == 0) return false;
  key = rest_.substr(0, n);
  rest_.remove_prefix(n);
  return true;
}

bool CanonicalReader::read_value(int depth) {
  if (rest_.empty()) return false;
  if (rest_.front() == '[') return depth < kMaxDepth && read_inline_array(depth + 1);
  if (rest_.front() == '{') return depth < kMaxDepth && read_inline_table(depth + 1);
  return read_scalar();
}

// Whatever follows a scalar is checked by what holds it (the end of the
// line, ", ", "]" or " }"), so that "1.5", "1e3", "0x1F", "truer" or a
// date-time with a fraction or an offset are refused there.
bool CanonicalReader::read_scalar() {
  if (rest_.empty()) return false;
  if (rest_.front() == '"') {
    std::string_view text;
    if (!read_basic_string(text)) return false;
    add(Call::Kind::string, text);
    return true;
  }
  if (rest_.front() == 't' || rest_.front() == 'f') {
    const bool value = rest_.front() == 't';
    if (!consume(value ? "true" : "false")) return false;
    add(Call::Kind::boolean, {}, value);
    return true;
  }
  const bool looks_like_date = rest_.size() > 4 && rest_[4] == '-' && is_digit(rest_[0]);
  return looks_like_date ? read_date_time() : read_integer();
}

// A basic string on one line: no literal or multi-line string is written.
// The writer escapes every control character, so a raw one (a tab
// included, which TOML would allow) is refused.
bool CanonicalReader::read_basic_string(std::string_view& text) {
  const char* const opening_quote = rest_.data();
  std::string* decoded = nullptr;  // once an escape is met
  bool non_ascii = false;
  size_t n = 1;  // in rest_, which moves past each escape
  for (;;) {
    const size_t plain = n;
    while (n < rest_.size() && kPlainInString[static_cast<unsigned char>(rest_[n])]) ++n;
    if (decoded) decoded->append(rest_.substr(plain, n - plain));
    if (n >= rest_.size()) return false;
    const auto c = static_cast<unsigned char>(rest_[n]);
    if (c == '"') break;
    if (c == '\\') {
      if (!decoded) decoded = &unescaped_.emplace_back(rest_.substr(1, n - 1));
      rest_.remove_prefix(n);
      if (!read_escape(*decoded)) return false;
      n = 0;
      continue;
    }
    if (c < 0x80) return false;  // a control character
    non_ascii = true;
    if (decoded) *decoded += static_cast<char>(c);
    ++n;
  }
  // As written, escapes included (they are ASCII): TOML text is UTF-8.
  const char* const closing_quote = rest_.data() + n;
  const std::string_view written(opening_quote + 1, static_cast<size_t>(closing_quote - opening_quote - 1));
  if (non_ascii && invalid_utf8_at(written)) return false;
  text = decoded ? std::string_view(*decoded) : written;
  rest_.remove_prefix(n + 1);
  return true;
}

// The escapes of toml_string_literal (\uXXXX with either case of hex
// digits, which generate.py writes in lower case); \U and anything else is
// refused. A surrogate is no character, which toml11 and toml++ refuse too.
bool CanonicalReader::read_escape(std::string& decoded) {
  if (rest_.size() < 2) return false;
  const char kind = rest_[1];
  rest_.remove_prefix(2);
  switch (kind) {
    case '"':
      decoded += '"';
      return true;
    case '\\':
      decoded += '\\';
      return true;
    case 'n':
      decoded += '\n';
      return true;
    case 't':
      decoded += '\t';
      return true;
    case 'r':
      decoded += '\r';
      return true;
    case 'b':
      decoded += '\b';
      return true;
    case 'f':
      decoded += '\f';
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  if (rest_.size() < 4) return false;
  uint32_t code_point = 0;
  for (size_t i = 0; i < 4; ++i) {
    const int digit = hex_digit(rest_[i]);
    if (digit < 0) return false;
    code_point = code_point * 16 + static_cast<uint32_t>(digit);
  }
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
  rest_.remove_prefix(4);
  append_utf8(code_point, decoded);
  return true;
}

// As std::to_string writes an int64_t: no '+', no leading zero, no '_', and
// no "-0" (TOML's 0, but never written).
bool CanonicalReader::read_integer() {
  const bool negative = !rest_.empty() && rest_.front() == '-';
  size_t n = negative ? 1 : 0;
  const size_t first_digit = n;
  while (n < rest_.size() && is_digit(rest_[n])) ++n;
  const size_t length = n - first_digit;
  // 19 digits hold every int64_t and cannot overflow a uint64_t.
  if (length == 0 || length > 19 || (rest_[first_digit] == '0' && (length > 1 || negative))) return false;
  uint64_t magnitude = 0;
  for (size_t i = first_digit; i < n; ++i) magnitude = magnitude * 10 + static_cast<uint64_t>(rest_[i] - '0');
  constexpr uint64_t kMax = INT64_MAX;
  if (magnitude > (negative ? kMax + 1 : kMax)) return false;
  const int64_t value = negative ? -static_cast<int64_t>(magnitude - 1) - 1 : static_cast<int64_t>(magnitude);
  add(Call::Kind::integer, {}, value);
  rest_.remove_prefix(n);
  return true;
}

bool CanonicalReader::read_date_time() {
  const auto t = date_time_at_start(rest_);
  if (!t) return false;
  add(Call::Kind::date_time, {}, static_cast<int64_t>(date_times_.size()));
  date_times_.push_back(*t);
  rest_.remove_prefix(kDateTimeShape.size());
  return true;
}

// [], or [a, b]: inline_value's form.
bool CanonicalReader::read_inline_array(int depth) {
  rest_.remove_prefix(1);
  const size_t begin = add(Call::Kind::begin_array);
  if (!consume("]")) {
    do {
      if (!read_value(depth)) return false;
      ++calls_[begin].number;
    } while (consume(", "));
    if (!consume("]")) return false;
  }
  add(Call::Kind::end);
  return true;
}

// {}, or { a = 1, b = 2 }: inline_value's form.
bool CanonicalReader::read_inline_table(int depth) {
  rest_.remove_prefix(1);
  open_table();
  if (!consume("}")) {
    if (!consume(" ")) return false;
    do {
      std::string_view key;
      if (!read_key(key) || !consume(" = ") || !add_key(key) || !read_value(depth)) return false;
    } while (consume(", "));
    if (!consume(" }")) return false;
  }
  close_table();
  return true;
}

// value_on_key_line's form for a long list of plain values: "[", then each
// item on a line of its own, two spaces before it and a comma after, "]".
bool CanonicalReader::read_list_of_lines() {
  rest_.remove_prefix(2);
  const size_t begin = add(Call::Kind::begin_array);
  while (consume("  ")) {
    if (!read_scalar() || !consume(",\n")) return false;
    ++calls_[begin].number;
  }
  if (calls_[begin].number == 0 || !consume("]")) return false;
  add(Call::Kind::end);
  return true;
}

bool CanonicalReader::consume(std::string_view expected) {
  if (!rest_.starts_with(expected)) return false;
  rest_.remove_prefix(expected.size());
  return true;
}

// Nothing may follow what a line holds, not even blanks or a comment.
bool CanonicalReader::end_of_line() { return rest_.empty() || consume("\n"); }

size_t CanonicalReader::add(Call::Kind kind, std::string_view text, int64_t number) {
  calls_.push_back({kind, text, number});
  return calls_.size() - 1;
}

// The key, in the innermost open table; false when that table has it
// already (compared as decoded, so that a and "a" are the same key). Never
// empty: read_key refuses an empty key.
bool CanonicalReader::add_key(std::string_view key) {
  // Most keys differ in length or first letter: those are cheap to tell.
  for (size_t i = tables_.back().first_key; i < keys_.size(); ++i)
    if (keys_[i].size() == key.size() && keys_[i].front() == key.front() && keys_[i] == key) return false;
  keys_.push_back(key);
  add(Call::Kind::key, key);
  return true;
}

void CanonicalReader::open_table() { tables_.push_back({add(Call::Kind::begin_table), keys_.size()}); }

void CanonicalReader::close_table() {
  const OpenTable table = tables_.back();
  tables_.pop_back();
  calls_[table.call].number = static_cast<int64_t>(keys_.size() - table.first_key);
  keys_.resize(table.first_key);
  add(Call::Kind::end);
}

void CanonicalReader::close_section() {
  if (!in_section_) return;
  close_table();
  in_section_ = false;
}

void CanonicalReader::close_array_of_tables() {
  if (!array_of_tables_) return;
  add(Call::Kind::end);
  array_of_tables_.reset();
}

}  // namespace

bool walk_toml_canonical(std::string_view text, TomlSink& sink) {
  CanonicalReader reader(text);
  if (!reader.read()) return false;
  reader.replay(sink);
  return true;
}

}  // namespace irctl
