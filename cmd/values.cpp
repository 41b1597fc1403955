#include "cmd/values.hpp"

#include <algorithm>

#include "cmd/commands.hpp"
#include "core/model/ids.hpp"

namespace irctl::cli {

void Completers::add(const CLI::Option* opt, Completer completer, Matching matching) {
  entries_.push_back({opt, {std::move(completer), matching}});
}

const std::pair<Completer, Matching>* Completers::find(const CLI::Option* opt) const {
  for (const auto& [o, entry] : entries_)
    if (o == opt) return &entry;
  return nullptr;
}

CLI::Option* one_of(CLI::Option* opt, const AllowedValues& values, Context& ctx, Case letters) {
  if (letters == Case::ignored)
    opt->check(CLI::IsMember(values.names(), CLI::ignore_case));
  else
    opt->check(CLI::IsMember(values.names()));
  return offers(opt, values, ctx);
}

CLI::Option* offers(CLI::Option* opt, const AllowedValues& values, Context& ctx) {
  return completed_by(opt, [values](const CompletionQuery&) {
    std::vector<Candidate> out;
    for (const auto& v : values) out.push_back({v.name, v.description});
    return out;
  }, ctx);
}

CLI::Option* completed_by(CLI::Option* opt, Completer completer, Context& ctx, Matching matching) {
  ctx.completers.add(opt, std::move(completer), matching);
  return opt;
}

Config completion_config(Context& ctx) {
  try {
    return ctx.repo().config();
  } catch (const std::exception&) {
    return parse_config(default_config_text());
  }
}

std::vector<Candidate> incident_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  if (q.current.empty() || q.current == "@") out.push_back({"@", "the current incident (irctl use)"});
  try {
    Repository& repo = q.ctx.repo();
    std::vector<std::string> ids = q.current.empty() ? repo.incident_ids() : match_ids(repo.incident_ids(), q.current);
    std::reverse(ids.begin(), ids.end());  // newest first
    constexpr size_t kDescribed = 50;  // titles cost a parse each
    for (size_t i = 0; i < ids.size(); ++i) {
      std::string title;
      if (i < kDescribed) try {
          title = load_incident(repo, ids[i]).incident().title;
        } catch (const std::exception&) {
        }
      out.push_back({ids[i], title});
    }
  } catch (const std::exception&) {
  }
  return out;
}

CLI::Option* completes_incident_ids(CLI::Option* opt, Context& ctx) {
  return completed_by(opt, incident_candidates, ctx, Matching::own);
}

std::vector<Candidate> severity_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& s : completion_config(q.ctx).severities) out.push_back({s.name, s.title});
  return out;
}

std::vector<Candidate> kind_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& k : completion_config(q.ctx).kinds) out.push_back({k.name, k.title});
  return out;
}

std::vector<Candidate> service_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& s : completion_config(q.ctx).services) out.push_back({s.name, s.team});
  return out;
}

}  // namespace irctl::cli
