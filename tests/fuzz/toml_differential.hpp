#pragma once
// The differential check of issue 16: the fast readers of TOML (the
// canonical reader and toml++, parse_toml_fast, IncidentFile::read_fast) and
// the one that writes (toml11, parse_toml, IncidentFile::parse) agree on
// every text. As incident files, both refuse it with the same message, or
// both accept it with the same Incident and the same to_json(), key order
// included; what toml++ or the canonical reader reads as a document, toml11
// reads as the same data, and the canonical reader reads nothing that
// either library refuses. The fast readers leave out what only writing
// needs (comments, and whether a string was written 'literal'), so the
// toml11 document is compared without them. Shared by the fuzz target and
// the unit tests.
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/model/tomldoc.hpp"

namespace irctl::differential {

/// `v` as the fast reader gives it: no comments, every string a basic one.
inline TomlValue without_presentation(const TomlValue& v) {
  switch (v.type()) {
    case toml::value_t::string:
      return TomlValue(v.as_string().str);
    case toml::value_t::array: {
      TomlArray out;
      for (const auto& e : v.as_array()) out.push_back(without_presentation(e));
      return TomlValue(std::move(out));
    }
    case toml::value_t::table: {
      TomlTable out;
      for (const auto& [k, e] : v.as_table()) out.emplace(k, without_presentation(e));
      return TomlValue(std::move(out));
    }
    default: {
      TomlValue out = v;
      out.comments().clear();
      return out;
    }
  }
}

inline std::optional<TomlValue> parsed_by_toml11(const std::string& text) {
  try {
    return parse_toml(text, "t.toml");
  } catch (const Error&) {
    return std::nullopt;
  }
}

/// Where an incident file with this document would be read from: its own
/// path when it has a valid id (so that validation gets past the file name).
inline std::string path_for(const std::optional<TomlValue>& doc) {
  if (doc && doc->is_table() && doc->contains("id")) {
    const TomlValue& id = doc->at("id");
    if (id.is_string() && is_incident_id(id.as_string().str)) return incident_path(id.as_string().str);
  }
  return "incidents/2026/11/INC-20261128-K7Q2XM.toml";
}

struct Read {
  std::optional<IncidentFile> file;
  std::string error;
};

template <class F>
Read read_with(F reader) {
  try {
    return {reader(), ""};
  } catch (const Error& e) {
    return {std::nullopt, e.what()};
  }
}

/// Equal as data: the same types, values and key order. Unlike ==, a NaN
/// equals a NaN (toml_to_json, which the documents are compared by too,
/// tells -0.0 from 0.0).
inline bool same_data(const TomlValue& a, const TomlValue& b) {
  if (a.type() != b.type()) return false;
  if (a.is_floating() && std::isnan(a.as_floating())) return std::isnan(b.as_floating());
  if (a.is_array()) {
    const TomlArray &x = a.as_array(), &y = b.as_array();
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), same_data);
  }
  if (a.is_table()) {
    const TomlTable &x = a.as_table(), &y = b.as_table();
    return x.size() == y.size() && std::equal(x.begin(), x.end(), y.begin(), [](const auto& p, const auto& q) {
             return p.first == q.first && same_data(p.second, q.second);
           });
  }
  return without_presentation(a) == b;
}

inline bool holds_nan(const TomlValue& v) {
  if (v.is_floating()) return std::isnan(v.as_floating());
  if (v.is_array()) return std::any_of(v.as_array().begin(), v.as_array().end(), holds_nan);
  if (v.is_table())
    return std::any_of(v.as_table().begin(), v.as_table().end(), [](const auto& p) { return holds_nan(p.second); });
  return false;
}

/// Empty when the readers agree on `text`; else what differs. Where toml++
/// refuses a text, every reader falls back to toml11 (it reads a few texts
/// that toml++ refuses, such as 23:59:60), so only what toml++ reads is
/// compared as documents; the canonical reader (toml_canonical.cpp), tried
/// before toml++, must read only what both read, as both read it. As
/// incident files, the fast and the slow path must say the same in every
/// case.
inline std::string disagreement(const std::string& text) {
  const std::optional<TomlValue> slow = parsed_by_toml11(text);
  const std::optional<TomlValue> plusplus = parse_toml_with(FastTomlReader::tomlplusplus, text);
  const std::optional<TomlValue> canonical = parse_toml_with(FastTomlReader::canonical, text);
  if (plusplus && !slow) return "toml++ reads what toml11 refuses";
  // The canonical reader reads only what both libraries read.
  if (canonical && !slow) return "the canonical reader reads what toml11 refuses";
  if (canonical && !plusplus) return "the canonical reader reads what toml++ refuses";
  for (const auto& [name, fast] : {std::pair{"toml++", &plusplus}, std::pair{"the canonical reader", &canonical}}) {
    if (!*fast) continue;
    if (toml_to_json(*slow).dump() != toml_to_json(**fast).dump())
      return std::string("the documents of toml11 and ") + name + " differ as JSON";
    if (!same_data(*slow, **fast)) return std::string("the documents of toml11 and ") + name + " differ";
  }
  const std::string path = path_for(slow);
  const Read parsed = read_with([&] { return IncidentFile::parse(text, path); });
  const Read read_fast = read_with([&] { return IncidentFile::read_fast(text, path); });
  if (parsed.file.has_value() != read_fast.file.has_value())
    return parsed.file ? "read_fast refuses what parse reads: " + read_fast.error
                       : "read_fast reads what parse refuses: " + parsed.error;
  if (!parsed.file) return parsed.error == read_fast.error ? "" : "the errors differ: " + read_fast.error;
  // An event's details may hold a NaN, which no Incident equals; same_data
  // compared the documents they come from.
  if (!holds_nan(parsed.file->document()) &&
      read_incident(without_presentation(parsed.file->document()), path) != read_fast.file->incident())
    return "the incidents differ";
  if (parsed.file->to_json().dump() != read_fast.file->to_json().dump()) return "the JSON documents differ";
  return "";
}

}  // namespace irctl::differential
