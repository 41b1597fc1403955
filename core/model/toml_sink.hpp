#pragma once
// The fast reader of TOML text, for reads of many files that write nothing
// back (the summary cache of a new clone parses every incident file).
//
// toml++ parses about 20 times faster than toml11, but both libraries declare
// namespace toml and cannot meet in one translation unit. So toml_sink.cpp
// alone includes toml++ and hands the values of a document, in the file's
// order, to a TomlSink; parse_toml_fast (tomldoc_fast.cpp) is the sink that
// builds the TomlValue that parse_toml would. Before it, toml_canonical.cpp
// reads the files that irctl wrote itself, without toml++. Nothing here names
// a TOML type.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace irctl {

struct TomlDate {
  int year;
  int month;  ///< 1 to 12
  int day;
};

struct TomlClock {
  int hour;
  int minute;
  int second;
  uint32_t nanosecond;
};

/// What receives a document: begin_table(n) for the root, then each value of
/// a table after its key, depth first; every begin_* is closed by end().
class TomlSink {
 public:
  virtual ~TomlSink() = default;
  virtual void key(std::string_view name) = 0;
  virtual void string(std::string_view text) = 0;
  virtual void integer(int64_t value) = 0;
  virtual void floating(double value) = 0;
  virtual void boolean(bool value) = 0;
  /// offset_minutes: nullopt for a local date-time.
  virtual void date_time(const TomlDate& date, const TomlClock& clock, std::optional<int> offset_minutes) = 0;
  virtual void date(const TomlDate& date) = 0;
  virtual void time(const TomlClock& clock) = 0;
  virtual void begin_array(size_t size) = 0;
  virtual void begin_table(size_t size) = 0;
  virtual void end() = 0;
};

/// Parses `text` with toml++ and walks it into `sink`, each table's keys in
/// the order the file has them. False, having called nothing, when toml++
/// refuses the text.
bool walk_toml_fast(std::string_view text, TomlSink& sink);

/// The same walk, ten times faster, of a text laid out exactly as write_toml
/// lays it out (toml_canonical.cpp says what that is); false, having called
/// nothing, for any other text, which walk_toml_fast then reads. It never
/// reads a text as other data than toml++ and toml11 do, and refuses every
/// text that toml11 refuses.
bool walk_toml_canonical(std::string_view text, TomlSink& sink);

}  // namespace irctl
