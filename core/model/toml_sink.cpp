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

void walk(const toml::node& node, TomlSink& sink) {
  switch (node.type()) {
    case toml::node_type::table:
      walk_table(*node.as_table(), sink);
      return;
    case toml::node_type::array: {
      const toml::array& array = *node.as_array();
      sink.begin_array(array.size());
      for (const toml::node& element : array) walk(element, sink);
      sink.end();
      return;
    }
    case toml::node_type::string:
      sink.string(node.as_string()->get());
      return;
    case toml::node_type::integer:
      sink.integer(node.as_integer()->get());
      return;
    case toml::node_type::floating_point:
      sink.floating(node.as_floating_point()->get());
      return;
    case toml::node_type::boolean:
      sink.boolean(node.as_boolean()->get());
      return;
    case toml::node_type::date_time: {
      const toml::date_time& dt = node.as_date_time()->get();
      sink.date_time(date_of(dt.date), clock_of(dt.time),
                     dt.offset ? std::optional<int>(dt.offset->minutes) : std::nullopt);
      return;
    }
    case toml::node_type::date:
      sink.date(date_of(node.as_date()->get()));
      return;
    case toml::node_type::time:
      sink.time(clock_of(node.as_time()->get()));
      return;
    case toml::node_type::none:
      return;
  }
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
