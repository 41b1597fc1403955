// Fuzz target: the postmortem template checker and renderer (the public
// functions of core/postmortem.hpp), as `irctl postmortem` renders a
// template over an incident's data and merges it into the previous
// postmortem. The input is the template.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/model/config.hpp"
#include "core/model/incident.hpp"
#include "core/postmortem.hpp"

namespace {

// An incident with a role, a service, a task, an action and several kinds of
// events, so that sections over lists and nested names have data to walk.
constexpr const char* kIncident = R"toml(schema = 1
id = "INC-20261128-K7Q2XM"
title = "Checkout fails for EU customers"
status = "resolved"
severity = "SEV1"
kind = "outage"
services = ["checkout", "payments"]
summary = "Payments timed out"
declared_at = 2026-11-28T16:05:00Z
acknowledged_at = 2026-11-28T16:07:00Z
resolved_at = 2026-11-28T17:00:00Z
root_cause = "A full connection pool"

[roles]
commander = ["Alice <alice@example.com>"]

[[timeline]]
id = "e1a2b3c4"
at = 2026-11-28T16:05:00Z
by = "Alice <alice@example.com>"
type = "declare"
text = "Checkout fails for EU customers"
set = { title = "Checkout fails for EU customers", severity = "SEV1", kind = "outage", services = ["checkout", "payments"], summary = "Payments timed out", declared_at = 2026-11-28T16:05:00Z }

[[timeline]]
id = "e2b3c4d5"
at = 2026-11-28T16:07:00Z
by = "Alice <alice@example.com>"
type = "ack"
text = "Acknowledged"
set = { acknowledged_at = 2026-11-28T16:07:00Z, "roles.commander" = ["Alice <alice@example.com>"] }

[[timeline]]
id = "e3c4d5e6"
at = 2026-11-28T16:30:00Z
by = "Bob <bob@example.com>"
type = "note"
text = "Pool exhausted on db-2"

[[timeline]]
id = "e4d5e6f7"
at = 2026-11-28T17:00:00Z
by = "Alice <alice@example.com>"
type = "resolve"
text = "Resolved"
set = { status = "resolved", resolved_at = 2026-11-28T17:00:00Z, root_cause = "A full connection pool" }
)toml";

const irctl::Json& incident_data() {
  static const irctl::Json data = [] {
    const irctl::Config config = irctl::parse_config(irctl::default_config_text());
    const irctl::IncidentFile file = irctl::IncidentFile::parse(kIncident, "incidents/2026/11/INC-20261128-K7Q2XM.toml");
    return irctl::template_data(file, config, irctl::People());
  }();
  return data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const irctl::Template tmpl{"fuzz", std::string(reinterpret_cast<const char*>(data), size)};
  std::string rendered;
  try {
    rendered = irctl::render_template(tmpl, incident_data());
  } catch (const irctl::Error&) {
    return 0;
  }
  // Rendering again with nothing new merges nothing into the document: the
  // template's own text stands in for a hand-edited one, and stays as it is
  // (irctl postmortem run twice has nothing to commit the second time).
  if (irctl::merge_texts(rendered, tmpl.text, rendered).text != tmpl.text) abort();
  (void)irctl::merge_texts(tmpl.text, rendered, "");
  return 0;
}
