#include "core/updates.hpp"

#include "core/model/validate.hpp"
#include "core/postmortem.hpp"

namespace irctl {

std::string render_update(Repository& repo, const std::string& id, const std::string& template_name,
                          const std::string& message, const std::string& audience) {
  const IncidentFile file = load_incident(repo, id);
  Json data = template_data(file, repo.config(), repo.people());
  data["message"] = trim(message);
  data["audience"] = audience;
  data["external"] = audience == "external";  // customers see no names or internal IDs
  const Template tmpl = load_template(repo, template_name.empty() ? "update" : template_name);
  return render_template(tmpl, data);
}

}  // namespace irctl
