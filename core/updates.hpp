#pragma once
// Stakeholder updates drafted from a template (irctl update --render): the
// same templates and data as postmortems (irctl-templates(5)), plus the
// responder's own words as `message` and the `audience`.

#include <string>

#include "core/operations.hpp"

namespace irctl {

/// Renders `template_name` (empty: "update") for the incident; a template
/// error is Error(Errc::data) naming the template, line and tag.
std::string render_update(Repository& repo, const std::string& id, const std::string& template_name,
                          const std::string& message, const std::string& audience);

}  // namespace irctl
