// parse_toml_fast: the canonical reader's (toml_canonical.cpp) or toml++'s
// (toml_sink.cpp) reading of a document, built into toml11's types, so that
// one mapping to the model reads both.
#include <string_view>
#include <vector>

#include "core/model/toml_sink.hpp"
#include "core/model/tomldoc.hpp"

namespace irctl {
namespace {

toml::local_date local_date_of(const TomlDate& d) {
  // toml11 counts months from 0.
  return toml::local_date(d.year, static_cast<toml::month_t>(d.month - 1), d.day);
}

toml::local_time local_time_of(const TomlClock& c) {
  const uint32_t ns = c.nanosecond;
  return toml::local_time(c.hour, c.minute, c.second, static_cast<int>(ns / 1000000),
                          static_cast<int>(ns / 1000 % 1000), static_cast<int>(ns % 1000));
}

class TomlValueBuilder final : public TomlSink {
 public:
  TomlValue take() { return std::move(root_); }

  void key(std::string_view name) override { key_.assign(name); }
  void string(std::string_view text) override { put(blank_string_).as_string().str.assign(text); }
  void integer(int64_t value) override { put(blank_integer_).as_integer() = value; }
  void floating(double value) override { put(blank_floating_).as_floating() = value; }
  void boolean(bool value) override { put(blank_boolean_).as_boolean() = value; }
  void date_time(const TomlDate& date, const TomlClock& clock, std::optional<int> offset_minutes) override {
    if (!offset_minutes) {
      put(TomlValue(toml::local_datetime(local_date_of(date), local_time_of(clock))));
      return;
    }
    // Both parts of a negative offset carry the sign, as toml11 reads them.
    const toml::time_offset offset(*offset_minutes / 60, *offset_minutes % 60);
    put(blank_offset_datetime_).as_offset_datetime() =
        toml::offset_datetime(local_date_of(date), local_time_of(clock), offset);
  }
  void date(const TomlDate& date) override { put(TomlValue(local_date_of(date))); }
  void time(const TomlClock& clock) override { put(TomlValue(local_time_of(clock))); }
  void begin_array(size_t size) override {
    TomlValue& array = put(blank_array_);
    array.as_array().reserve(size);
    open_.push_back(&array);
  }
  void begin_table(size_t size) override {
    TomlValue& table = open_.empty() ? root_ : put(blank_table_);
    table.as_table().reserve(size);
    open_.push_back(&table);
  }
  void end() override { open_.pop_back(); }

 private:
  // A copy of `blank` (see below), under the last key in a table or at the
  // end of an array.
  TomlValue& put(const TomlValue& blank) {
    TomlValue& container = *open_.back();
    if (container.is_array()) return container.as_array().emplace_back(blank);
    return container.as_table().emplace(std::move(key_), blank).first.value();
  }
  TomlValue& put(TomlValue&& value) {
    TomlValue& container = *open_.back();
    if (container.is_array()) return container.as_array().emplace_back(std::move(value));
    return container.as_table().emplace(std::move(key_), std::move(value)).first.value();
  }

  // toml11 allocates a (here empty) source location for every value it
  // makes, where a copy shares its source's: so the common values start as
  // copies of these: a sixth of the CPU time of a new clone's first list.
  // Initialised with =, not braces: braces would make each an array of one.
  const TomlValue blank_string_ = TomlValue(std::string());
  const TomlValue blank_integer_ = TomlValue(int64_t{0});
  const TomlValue blank_floating_ = TomlValue(0.0);
  const TomlValue blank_boolean_ = TomlValue(false);
  const TomlValue blank_offset_datetime_ = TomlValue(toml::offset_datetime(
      toml::local_date(1970, toml::month_t::Jan, 1), toml::local_time(0, 0, 0), toml::time_offset(0, 0)));
  const TomlValue blank_array_ = TomlValue(TomlArray());
  const TomlValue blank_table_ = TomlValue(TomlTable());
  TomlValue root_ = TomlValue(TomlTable());
  std::vector<TomlValue*> open_;
  std::string key_;
};

bool walk_with(FastTomlReader reader, std::string_view text, TomlSink& sink) {
  switch (reader) {
    case FastTomlReader::canonical:
      return walk_toml_canonical(text, sink);
    case FastTomlReader::tomlplusplus:
      // toml++ turns a CRLF in a multi-line string into LF; toml11 keeps it
      // (both may: TOML leaves it to the parser). irctl writes no CR, so a
      // file that has one was edited elsewhere, and is left to toml11.
      return text.find('\r') == std::string_view::npos && walk_toml_fast(text, sink);
  }
  return false;
}

}  // namespace

std::optional<TomlValue> parse_toml_fast(const std::string& text) {
  if (auto doc = parse_toml_with(FastTomlReader::canonical, text)) return doc;
  return parse_toml_with(FastTomlReader::tomlplusplus, text);
}

std::optional<TomlValue> parse_toml_with(FastTomlReader reader, const std::string& text) {
  // Both readers refuse a text before calling the sink, so a refused text
  // leaves nothing behind for the next reader.
  TomlValueBuilder builder;
  if (!walk_with(reader, text, builder)) return std::nullopt;
  return builder.take();
}

std::optional<TomlValue> parse_toml_written(const std::string& text) {
  // The comment lines that head the text: toml11 gives them to the first key
  // when nothing else comes between. The canonical reader checks them as TOML
  // does, and skips them, as it skips every other comment: writing its
  // document back (write_toml writes comments above their key) then gives
  // the text again only when there was no other.
  std::vector<std::string> heading;
  size_t at = 0;
  while (at < text.size() && text[at] == '#') {
    const size_t end = text.find('\n', at);
    if (end == std::string::npos) return std::nullopt;
    heading.push_back(text.substr(at + 1, end - at - 1));
    at = end + 1;
  }
  auto doc = parse_toml_with(FastTomlReader::canonical, text);
  if (!doc) return std::nullopt;
  if (!heading.empty()) {
    auto& root = doc->as_table();
    if (root.empty()) return std::nullopt;
    root.begin().value().comments().assign(heading.begin(), heading.end());
  }
  if (write_toml(*doc) != text) return std::nullopt;
  return doc;
}

}  // namespace irctl
