#include "core/model/maintenance_file.hpp"

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/tomldoc.hpp"
#include "core/model/validate.hpp"

namespace irctl {
namespace {

Timestamp required_time(const FieldReader& r, const char* key) {
  const auto t = r.time(key);
  if (!t) r.fail(std::string("'") + key + "' is missing");
  return *t;
}

// Where a message about `key` points: at the key, else at the whole table.
const TomlValue& at_key_or_table(const FieldReader& r, const char* key) {
  const TomlValue* v = r.find(key);
  return v ? *v : r.value();
}

Maintenance maintenance_from(const TomlValue& doc, const std::string& path) {
  const FieldReader r(doc, path, "fix " + path + " (see irctl-format(5)), then commit it");
  r.reject_unknown({"schema", "id", "title", "text", "services", "starts_at", "ends_at", "created_at", "created_by",
                    "cancelled_at", "cancel_reason"});
  if (const int64_t schema = r.integer("schema"); schema != kMaintenanceSchema)
    r.fail(*r.find("schema"), "schema " + std::to_string(schema) + " is not supported by this irctl (it reads schema " +
                                  std::to_string(kMaintenanceSchema) + "); upgrade irctl");
  Maintenance m;
  m.path = path;
  m.id = r.string("id");
  if (!is_maintenance_id(m.id) || maintenance_path(m.id) != path)
    r.fail(*r.find("id"), "'id' must be the window's ID, which the file's name repeats (" + path + ")");
  m.title = r.string("title");
  if (m.title.empty() || m.title.find('\n') != std::string::npos)
    r.fail(*r.find("title"), "'title' must be one line of text, not empty");
  m.text = r.string_or("text", "");
  m.services = r.strings_or("services", {});
  if (m.services.empty()) r.fail(at_key_or_table(r, "services"), "'services' must name at least one service");
  for (const auto& s : m.services)
    if (s.empty()) r.fail(*r.find("services"), "'services' has an empty name");
  m.starts_at = required_time(r, "starts_at");
  m.ends_at = required_time(r, "ends_at");
  if (m.ends_at <= m.starts_at) r.fail(*r.find("ends_at"), "'ends_at' must be after 'starts_at'");
  m.created_at = required_time(r, "created_at");
  m.created_by = r.string("created_by");
  m.cancelled_at = r.time("cancelled_at");
  m.cancel_reason = r.string_or("cancel_reason", "");
  if (m.cancelled_at.has_value() != !m.cancel_reason.empty())
    r.fail(at_key_or_table(r, m.cancelled_at ? "cancelled_at" : "cancel_reason"),
           "'cancelled_at' and 'cancel_reason' go together: a cancelled window has both, any other neither");
  return m;
}

}  // namespace

Maintenance parse_maintenance(const std::string& text, const std::string& path) {
  return read_toml(text, path, [&](const TomlValue& doc) { return maintenance_from(doc, path); });
}

std::string render_maintenance(const Maintenance& m) {
  TomlValue schema(kMaintenanceSchema);
  schema.comments().push_back(" irctl maintenance window; its format is described in irctl-format(5).");
  TomlTable root{{"schema", schema},
                 {"id", TomlValue(m.id)},
                 {"title", TomlValue(m.title)},
                 {"text", TomlValue(m.text)},
                 {"services", string_array(m.services)},
                 {"starts_at", toml_time(m.starts_at)},
                 {"ends_at", toml_time(m.ends_at)},
                 {"created_at", toml_time(m.created_at)},
                 {"created_by", TomlValue(m.created_by)}};
  if (m.cancelled_at) {
    root.emplace("cancelled_at", toml_time(*m.cancelled_at));
    root.emplace("cancel_reason", TomlValue(m.cancel_reason));
  }
  return write_toml(TomlValue(std::move(root)));
}

}  // namespace irctl
