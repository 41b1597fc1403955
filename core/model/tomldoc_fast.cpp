// parse_toml_fast: toml++'s reading of a document (toml_sink.cpp), built into
// toml11's types, so that one mapping to the model reads both.
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
  void string(std::string_view text) override { slot() = TomlValue(std::string(text)); }
  void integer(int64_t value) override { slot() = TomlValue(value); }
  void floating(double value) override { slot() = TomlValue(value); }
  void boolean(bool value) override { slot() = TomlValue(value); }
  void date_time(const TomlDate& date, const TomlClock& clock, std::optional<int> offset_minutes) override {
    if (!offset_minutes) {
      slot() = TomlValue(toml::local_datetime(local_date_of(date), local_time_of(clock)));
      return;
    }
    // Both parts of a negative offset carry the sign, as toml11 reads them.
    const toml::time_offset offset(*offset_minutes / 60, *offset_minutes % 60);
    slot() = TomlValue(toml::offset_datetime(local_date_of(date), local_time_of(clock), offset));
  }
  void date(const TomlDate& date) override { slot() = TomlValue(local_date_of(date)); }
  void time(const TomlClock& clock) override { slot() = TomlValue(local_time_of(clock)); }
  void begin_array(size_t size) override {
    TomlValue& v = slot();
    v = TomlValue(TomlArray{});
    v.as_array().reserve(size);
    open_.push_back(&v);
  }
  void begin_table(size_t size) override {
    TomlValue& v = open_.empty() ? root_ : slot();
    v = TomlValue(TomlTable{});
    v.as_table().reserve(size);
    open_.push_back(&v);
  }
  void end() override { open_.pop_back(); }

 private:
  // Where the next value goes: under the last key in a table, at the end of
  // an array.
  TomlValue& slot() {
    TomlValue& container = *open_.back();
    if (container.is_array()) return container.as_array().emplace_back();
    return container.as_table()[key_];
  }

  TomlValue root_;
  std::vector<TomlValue*> open_;
  std::string key_;
};

}  // namespace

std::optional<TomlValue> parse_toml_fast(const std::string& text) {
  // toml++ turns a CRLF in a multi-line string into LF; toml11 keeps it (both
  // may: TOML leaves it to the parser). irctl writes no CR, so a file that
  // has one was edited elsewhere, and is left to toml11.
  if (text.find('\r') != std::string::npos) return std::nullopt;
  TomlValueBuilder builder;
  if (!walk_toml_fast(text, builder)) return std::nullopt;
  return builder.take();
}

}  // namespace irctl
