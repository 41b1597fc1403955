// The one file that includes toml++ (see toml_sink.hpp); it is left out of
// the unity build, where toml11's namespace toml would meet it.
#include "core/model/toml_sink.hpp"

#include <algorithm>
#include <vector>

#include <toml++/toml.h>

namespace irctl {
namespace {

TomlDate date_of(const toml::date& d) { return {d.year, d.month, d.day}; }

TomlClock clock_of(const toml::time& t) { return {t.hour, t.minute, t.second, t.nanosecond}; }

void walk(const toml::node& node, TomlSink& sink);

// toml++ keeps a table's keys sorted; toml11 and the writer keep the order
// of the file, which each key's position in the text still tells.
void walk_table(const toml::table& table, TomlSink& sink) {
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  entries.reserve(table.size());
  for (const auto& [key, node] : table) entries.emplace_back(&key, &node);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const toml::source_position& pa = a.first->source().begin;
    const toml::source_position& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  sink.begin_table(entries.size());
  for (const auto& [key, node] : entries) {
    sink.key(key->str());
    walk(*node, sink);
  }
  sink.end();
}

// One overload for each type of node that toml++'s visit hands over.
void emit(const toml::table& table, TomlSink& sink) { walk_table(table, sink); }
void emit(const toml::array& array, TomlSink& sink) {
  sink.begin_array(array.size());
  for (const toml::node& element : array) walk(element, sink);
  sink.end();
}
void emit(const toml::value<std::string>& v, TomlSink& sink) { sink.string(v.get()); }
void emit(const toml::value<int64_t>& v, TomlSink& sink) { sink.integer(v.get()); }
void emit(const toml::value<double>& v, TomlSink& sink) { sink.floating(v.get()); }
void emit(const toml::value<bool>& v, TomlSink& sink) { sink.boolean(v.get()); }
void emit(const toml::value<toml::date>& v, TomlSink& sink) { sink.date(date_of(v.get())); }
void emit(const toml::value<toml::time>& v, TomlSink& sink) { sink.time(clock_of(v.get())); }
void emit(const toml::value<toml::date_time>& v, TomlSink& sink) {
  const toml::date_time& dt = v.get();
  sink.date_time(date_of(dt.date), clock_of(dt.time),
                 dt.offset ? std::optional<int>(dt.offset->minutes) : std::nullopt);
}

void walk(const toml::node& node, TomlSink& sink) {
  node.visit([&](const auto& typed) { emit(typed, sink); });
}

}  // namespace

bool walk_toml_fast(std::string_view text, TomlSink& sink) {
  toml::table root;
  try {
    root = toml::parse(text);
  } catch (const toml::parse_error&) {
    return false;
  }
  walk_table(root, sink);
  return true;
}

}  // namespace irctl
