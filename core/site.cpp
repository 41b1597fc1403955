// The internal incident site (irctl site DIR); see site.hpp.
#include "core/site.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/actions.hpp"
#include "core/error.hpp"
#include "core/insights.hpp"
#include "core/markdown.hpp"
#include "core/model/ids.hpp"
#include "core/model/metrics.hpp"
#include "core/model/validate.hpp"
#include "core/postmortem.hpp"
#include "core/store/repository.hpp"
#include "core/store/summaries.hpp"
#include "core/util/digest.hpp"
#include "core/util/text.hpp"

namespace irctl {

namespace {

constexpr const char* kSiteManifest = ".irctl-site";
// Bumped when what a page is built from changes in a way the inputs' digest
// does not see (a new field in a page's data), so that every page is
// rendered again by the same irctl version during development too.
constexpr const char* kPagesFormat = "site-pages-2";

std::string incident_page(const std::string& id) { return "incidents/" + id + ".html"; }
std::string postmortem_page(const std::string& id) { return "postmortems/" + id + ".html"; }

// Where each lifecycle status sorts: in the order of the response.
int status_rank(const std::string& status) {
  int rank = 0;
  for (const auto& s : statuses()) {
    if (s.name == status) return rank;
    ++rank;
  }
  return rank;
}

// Where each severity sorts: the scale's order, most severe first.
int severity_rank(const Config& config, const std::string& severity) {
  for (size_t i = 0; i < config.severities.size(); ++i)
    if (config.severities[i].name == severity) return static_cast<int>(i);
  return static_cast<int>(config.severities.size());
}

std::string text_or_dash(const std::string& s) { return s.empty() ? "—" : s; }

// What every page shows in its header. `root`: the way back to the site's
// folder from the page ("" or "../").
Json site_chrome(const Config& config, const std::string& root) {
  return {{"site_title", config.site.title}, {"root", root}};
}

// Everything every incident and postmortem page is built from but the
// incident's own files: a change to any of them renders every page again.
std::string shared_inputs(const Repository& repo, const std::string& generator, const std::string& commit_pattern,
                          const std::vector<const Template*>& templates) {
  Sha256 digest;
  digest.update(kPagesFormat).update("\n").update(generator).update("\n").update(commit_pattern).update("\n");
  for (const char* file : {".irctl/config.toml", ".irctl/people.toml"})
    digest.update(file).update("\n").update(repo.read(file).value_or("")).update("\n");
  for (const Template* tmpl : templates) digest.update(tmpl->text).update("\n");
  return digest.hex();
}

// --- incident pages -----------------------------------------------------------

Json milestones_of(const Incident& inc) {
  const std::pair<const char*, std::optional<Timestamp>> times[] = {
      {"Impact started", inc.started_at},   {"Detected", inc.detected_at},
      {"Declared", inc.declared_at},         {"Acknowledged", inc.acknowledged_at},
      {"Escalated", inc.escalated_at},       {"Contained", inc.contained_at},
      {"Eradicated", inc.eradicated_at},     {"Recovered", inc.recovered_at},
      {"Impact ended", inc.impact_ended_at}, {"Resolved", inc.resolved_at},
      {"Closed", inc.closed_at}};
  std::vector<std::pair<Timestamp, const char*>> reached;
  for (const auto& [name, at] : times)
    if (at) reached.emplace_back(*at, name);
  std::stable_sort(reached.begin(), reached.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  Json out = Json::array();
  for (const auto& [at, name] : reached) out.push_back({{"name", name}, {"at", format_rfc3339(at)}, {"time", human_time(at)}});
  return out;
}

Json durations_of_incident(const Incident& inc) {
  Json out = Json::array();
  for (const auto& [name, key, value] : named_durations(durations_of(inc)))
    if (value)
      out.push_back({{"name", std::string(name) == "impact" ? std::string("Impact") : "Time to " + std::string(name)},
                     {"value", format_duration(*value)},
                     {"seconds", value->count()}});
  return out;
}

// A follow-up action as the incident's page and the actions page show it;
// a link only when it is one irctl accepts (a hand edit may hold any text).
Json action_view(const FollowUp& a, const People& people, const std::string& today) {
  return {{"number", std::to_string(a.number)},
          {"text", a.text},
          {"owner", text_or_dash(people.name_of(a.owner))},
          {"due", text_or_dash(a.due)},
          {"type", text_or_dash(a.type)},
          {"link", web_link(a.link).value_or("")},
          {"done", a.done},
          {"overdue", a.overdue(today)},
          {"status", a.done ? "done" : a.overdue(today) ? "overdue" : "open"},
          {"added", format_rfc3339(a.added_at).substr(0, 10)}};
}

Json actions_of(const Incident& inc, const People& people, const std::string& today) {
  Json out = Json::array();
  for (const auto& a : inc.actions) out.push_back(action_view(a, people, today));
  return out;
}

// Whether an incident's page says something that changes with the day: an
// open action with a due date (overdue or not yet).
bool depends_on_today(const Incident& inc) {
  return std::any_of(inc.actions.begin(), inc.actions.end(), [](const FollowUp& a) { return !a.done && !a.due.empty(); });
}

// The commit of each event, with its short id and the page it is on.
void add_commits(Json& events, const std::unordered_map<std::string, std::string>& commits, const std::string& pattern) {
  for (auto& e : events) {
    const auto it = commits.find(e.value("id", ""));
    const std::string sha = it == commits.end() ? "" : it->second;
    e["commit"] = sha;
    e["commit_short"] = sha.substr(0, 10);
    std::string url;
    if (!sha.empty() && !pattern.empty()) {
      const size_t at = pattern.find("{commit}");
      url = pattern.substr(0, at) + sha + pattern.substr(at + 8);
    }
    e["commit_url"] = url;
  }
}

// --- the index ------------------------------------------------------------------

std::string commander_of(const Incident& inc, const People& people) {
  const auto who = inc.people_in("commander");
  return who.empty() ? "" : people.name_of(who.front());
}

Json site_index_row(const IncidentSummary& s, const Config& config, const People& people, bool has_postmortem,
               const std::string& today) {
  const Incident& inc = s.incident;
  const auto resolve = durations_of(inc).to_resolve;
  const auto open_actions = std::count_if(inc.actions.begin(), inc.actions.end(), [](const FollowUp& a) { return !a.done; });
  const auto overdue =
      std::count_if(inc.actions.begin(), inc.actions.end(), [&](const FollowUp& a) { return a.overdue(today); });
  std::string services;
  for (const auto& sv : inc.services) services += (services.empty() ? "" : ", ") + sv;
  std::string service_keys = "|";
  for (const auto& sv : inc.services) service_keys += sv + "|";
  return {{"id", inc.id},
          {"url", incident_page(inc.id)},
          {"title", inc.title},
          {"status", inc.status},
          {"status_rank", status_rank(inc.status)},
          {"open", !inc.resolved_at},
          {"severity", inc.severity},
          {"severity_rank", severity_rank(config, inc.severity)},
          // How severe, for sorting: the most severe is the largest, as the
          // most open actions or the longest time to resolve are.
          {"severity_weight", static_cast<int>(config.severities.size()) - severity_rank(config, inc.severity)},
          {"kind", inc.kind},
          {"services_text", text_or_dash(services)},
          {"service_keys", service_keys},
          {"declared", human_time(inc.declared_at)},
          {"declared_at", format_rfc3339(inc.declared_at)},
          {"resolve", resolve ? format_duration(*resolve) : "—"},
          {"resolve_seconds", resolve ? resolve->count() : -1},
          {"commander", text_or_dash(commander_of(inc, people))},
          {"actions_open", std::to_string(open_actions)},
          {"actions_overdue", std::to_string(overdue)},
          {"has_overdue", overdue > 0},
          {"has_postmortem", has_postmortem},
          {"postmortem_url", postmortem_page(inc.id)}};
}

Json filter_options(const std::vector<std::string>& names) {
  Json out = Json::array();
  for (const auto& n : names) out.push_back({{"value", n}});
  return out;
}

// No time of the build on it: the index's bytes change only when what it lists does.
Json site_index_data(const Config& config, const std::vector<Json>& rows, const std::set<std::string>& services) {
  Json d = site_chrome(config, "");
  d["incidents"] = rows;
  const auto open = std::count_if(rows.begin(), rows.end(), [](const Json& r) { return r["open"].get<bool>(); });
  d["count_text"] = std::to_string(rows.size()) + (rows.size() == 1 ? " incident" : " incidents") + ", " +
                    std::to_string(open) + " open";
  std::vector<std::string> status_names, severity_names;
  for (const auto& s : statuses()) status_names.push_back(s.name);
  for (const auto& s : config.severities) severity_names.push_back(s.name);
  d["status_options"] = filter_options(status_names);
  d["severity_options"] = filter_options(severity_names);
  d["service_options"] = filter_options({services.begin(), services.end()});
  return d;
}

// --- follow-up actions across incidents -------------------------------------------

struct ActionCounts {
  size_t open = 0, overdue = 0, done = 0;
};

ActionCounts count_actions(const std::vector<IncidentSummary>& incidents, const std::string& today) {
  ActionCounts c;
  for (const auto& s : incidents)
    for (const auto& a : s.incident.actions) {
      ++(a.done ? c.done : c.open);
      if (a.overdue(today)) ++c.overdue;
    }
  return c;
}

Json site_actions_data(const Config& config, const People& people, const std::vector<IncidentSummary>& incidents,
                       const std::string& today, const ActionCounts& counts) {
  struct Row {
    const Incident* inc;
    const FollowUp* action;
    std::string owner;
  };
  std::vector<Row> open;
  for (const auto& s : incidents)
    for (const auto& a : s.incident.actions)
      if (!a.done) open.push_back({&s.incident, &a, people.name_of(a.owner)});
  // Overdue first, then by due date (none last), then by incident and number.
  std::sort(open.begin(), open.end(), [&](const Row& x, const Row& y) {
    const auto key = [&](const Row& r) {
      return std::make_tuple(!r.action->overdue(today), r.action->due.empty(), r.action->due, r.inc->id, r.action->number);
    };
    return key(x) < key(y);
  });
  const auto row_json = [&](const Row& r) {
    Json row = action_view(*r.action, people, today);
    row["incident"] = r.inc->id;
    row["incident_title"] = r.inc->title;
    row["url"] = incident_page(r.inc->id);
    return row;
  };
  Json all = Json::array();
  std::map<std::string, Json> by_owner;  // "" (no owner) sorts first; moved last below
  for (const auto& r : open) {
    Json row = row_json(r);
    all.push_back(row);
    auto& group = by_owner[r.owner];
    if (group.is_null()) group = {{"owner", text_or_dash(r.owner)}, {"actions", Json::array()}, {"overdue_count", 0}};
    group["actions"].push_back(row);
    if (r.action->overdue(today)) group["overdue_count"] = group["overdue_count"].get<int>() + 1;
  }
  Json owners = Json::array();
  for (auto& [owner, group] : by_owner)
    if (!owner.empty()) owners.push_back(group);
  if (by_owner.count("")) owners.push_back(by_owner[""]);
  for (auto& g : owners) {
    g["count"] = std::to_string(g["actions"].size());
    g["has_overdue"] = g["overdue_count"].get<int>() > 0;
    g["overdue_count"] = std::to_string(g["overdue_count"].get<int>());
  }
  Json d = site_chrome(config, "");
  d["actions"] = all;
  d["owners"] = owners;
  d["has_actions"] = !open.empty();
  d["open_count"] = std::to_string(counts.open);
  d["overdue_count"] = std::to_string(counts.overdue);
  d["done_count"] = std::to_string(counts.done);
  d["today"] = today;
  return d;
}

// --- insights ---------------------------------------------------------------------

Json insights_page_data(const Config& config, const std::vector<Chart>& charts, const Insights& insights) {
  Json d = site_chrome(config, "");
  Json list = Json::array();
  for (const auto& c : charts)
    list.push_back({{"id", c.id},
                    {"title", c.title},
                    {"summary", c.summary},
                    {"svg", c.svg},
                    {"table", c.table_html},
                    {"json_url", "insights/" + c.id + ".json"}});
  d["charts"] = list;
  d["first_month"] = insights.months.front();
  d["last_month"] = insights.months.back();
  return d;
}

// --- building ---------------------------------------------------------------------

class SiteBuilder {
 public:
  SiteBuilder(Repository& repo, const SiteRequest& req)
      : repo_(repo),
        req_(req),
        config_(repo.config()),
        people_(repo.people()),
        today_(date_of(req.now)),
        commit_pattern_(commit_url_pattern(repo)),
        incident_template_(site_template(repo, "site-incident.html.mustache")),
        postmortem_template_(site_template(repo, "site-postmortem.html.mustache")),
        inputs_(shared_inputs(repo, req.generator, commit_pattern_, {&incident_template_, &postmortem_template_})),
        incident_renderer_(incident_template_),
        postmortem_renderer_(postmortem_template_),
        folder_(req.dir, kSiteManifest) {}

  SiteBuild run() {
    const SummaryRead summaries = read_summaries(repo_, SummaryDocuments::leave_out);
    if (!summaries.problems.empty()) {
      const auto& p = summaries.problems.front();
      throw Error(Errc::data, p.path + ": " + p.message,
                  "fix the file (irctl fsck lists every problem), then build the site again");
    }
    std::vector<IncidentSummary> shown;
    for (const auto& s : summaries.incidents)
      if (!s.incident.is_void()) shown.push_back(s);
    // Newest first, as irctl list shows them.
    std::stable_sort(shown.begin(), shown.end(), [](const IncidentSummary& a, const IncidentSummary& b) {
      return a.incident.declared_at > b.incident.declared_at;
    });
    std::vector<Json> rows;
    std::set<std::string> services;
    std::vector<bool> has_postmortem;
    for (const auto& s : shown) {
      has_postmortem.push_back(build_postmortem_page(s));
      rows.push_back(site_index_row(s, config_, people_, has_postmortem.back(), today_));
      services.insert(s.incident.services.begin(), s.incident.services.end());
    }
    build_.incidents = shown.size();
    // The pages across incidents, on a thread of their own while the
    // incidents' pages render: neither waits for the other.
    const PageTemplates templates{site_template(repo_, "site-index.html.mustache"),
                                  site_template(repo_, "site-actions.html.mustache"),
                                  site_template(repo_, "site-insights.html.mustache")};
    auto across = std::async(std::launch::async, [&] { build_pages_across(templates, shown, rows, services); });
    for (size_t i = 0; i < shown.size(); ++i) build_incident_page(shown[i], has_postmortem[i]);
    render_queued_pages();
    across.get();
    folder_.put("site.css", site_asset(repo_, "site.css"));
    folder_.put("site.js", site_asset(repo_, "site.js"));
    build_.files = folder_.finish();
    return build_;
  }

 private:
  struct PageTemplates {
    Template index, actions, insights;
  };

  // The index, the actions page and the insights. Reads nothing of the
  // repository: it runs beside the incidents' pages.
  void build_pages_across(const PageTemplates& templates, const std::vector<IncidentSummary>& shown,
                          const std::vector<Json>& rows, const std::set<std::string>& services) {
    folder_.put("index.html", render_template(templates.index, site_index_data(config_, rows, services)));
    const ActionCounts counts = count_actions(shown, today_);
    folder_.put("actions.html",
                render_template(templates.actions, site_actions_data(config_, people_, shown, today_, counts)));
    build_.actions_open = counts.open;
    build_.actions_overdue = counts.overdue;
    build_insights(templates.insights, shown);
  }

  // An incident page to render: its inputs changed since the last build.
  struct PageJob {
    std::string id;
    std::string path;  ///< of the incident's file
    std::string text;  ///< the file
    std::string key;
    bool has_postmortem = false;
  };

  // Keeps the incident's page when what it is built from has not changed;
  // otherwise queues it, rendering a batch at a time.
  void build_incident_page(const IncidentSummary& s, bool has_postmortem) {
    auto text = repo_.read(s.path);
    if (!text) return;
    const std::string page = incident_page(s.incident.id);
    Sha256 key;
    key.update(inputs_).update("\n").update(has_postmortem ? "postmortem\n" : "\n").update(*text);
    if (depends_on_today(s.incident)) key.update("\n").update(today_);
    std::string k = key.hex();
    if (folder_.holds(page, k)) {
      folder_.keep(page);
      return;
    }
    jobs_.push_back({s.incident.id, s.path, std::move(*text), std::move(k), has_postmortem});
    if (jobs_.size() == kBatch) render_queued_pages();
  }

  // Rendering and writing are what a first build of many incidents spends
  // its time on, and each page is independent of the others: a thread per
  // core renders and writes the pages of a batch (bounded, so that the
  // incidents' texts waiting in memory stay few).
  static constexpr size_t kBatch = 256;
  void render_queued_pages() {
    if (jobs_.empty()) return;
    const auto& commits = event_commits();
    std::atomic<size_t> next{0};
    std::vector<std::exception_ptr> failures;
    std::mutex failing;
    const auto work = [&] {
      for (size_t i = next++; i < jobs_.size(); i = next++) {
        try {
          const PageJob& job = jobs_[i];
          folder_.put(incident_page(job.id), incident_renderer_.render(incident_page_data(job, commits)), job.key);
        } catch (...) {
          const std::lock_guard<std::mutex> hold(failing);
          failures.push_back(std::current_exception());
          next = jobs_.size();
        }
      }
    };
    const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
    std::vector<std::thread> threads;
    for (size_t t = 1; t < std::min(workers, jobs_.size()); ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (!failures.empty()) std::rethrow_exception(failures.front());
    build_.rendered += jobs_.size();
    jobs_.clear();
  }

  // What the incident page's template sees: a postmortem template's data
  // and the site's own fields. Reads nothing but `job` and the builder's
  // constants: it runs on several threads.
  Json incident_page_data(const PageJob& job, const std::unordered_map<std::string, std::string>& commits) const {
    const IncidentFile file = IncidentFile::read_fast(job.text, job.path);
    const Incident& inc = file.incident();
    Json d = template_data(file, config_, people_);
    add_commits(d["timeline_all"], commits, commit_pattern_);
    const Json site = site_chrome(config_, "../");
    for (const auto& [name, value] : site.items()) d[name] = value;
    d["milestones"] = milestones_of(inc);
    d["durations_list"] = durations_of_incident(inc);
    d["has_durations"] = !d["durations_list"].empty();
    d["site_actions"] = actions_of(inc, people_, today_);
    d["has_postmortem"] = job.has_postmortem;
    d["has_channels"] = !inc.channels.empty();
    d["has_roles"] = !inc.roles.empty();
    d["has_evidence"] = !d["evidence"].empty();
    d["has_tasks"] = !inc.tasks.empty();
    d["postmortem_url"] = "../" + postmortem_page(inc.id);
    d["events_count"] = std::to_string(d["timeline_all"].size());
    return d;
  }

  // The postmortem's page, when the incident has a postmortem document in
  // the repository: the one irctl postmortem wrote, else one written by
  // hand where irctl would write it. False when it has none.
  bool build_postmortem_page(const IncidentSummary& s) {
    const Incident& inc = s.incident;
    // A key edited by hand may name any file; the site shows only a document
    // where irctl postmortem could have written it.
    if (!inc.postmortem.empty() && !safe_output_path(inc.postmortem))
      throw Error(Errc::data,
                  s.path + ": postmortem = " + quote(inc.postmortem) + " is not a postmortem irctl writes: it is not a "
                  "path inside the repository outside .git, .irctl, incidents and evidence",
                  "fix or remove the postmortem key (irctl postmortem " + inc.id +
                      " writes the document and the key), then build the site again");
    const std::string source = inc.postmortem.empty() ? postmortem_path(inc.id) : inc.postmortem;
    const auto text = repo_.read(source);
    if (!text) return false;
    ++build_.postmortems;
    const std::string path = postmortem_page(inc.id);
    const std::string k = Sha256().update(inputs_).update("\n").update(inc.title).update("\n").update(*text).hex();
    if (folder_.holds(path, k)) {
      folder_.keep(path);
      return true;
    }
    Json d = site_chrome(config_, "../");
    d["id"] = inc.id;
    d["title"] = inc.title;
    d["url"] = "../" + incident_page(inc.id);
    d["source"] = source;
    d["html"] = markdown_to_html(*text);
    folder_.put(path, postmortem_renderer_.render(d), k);
    ++build_.rendered;
    return true;
  }

  // The charts of the months that end with today's, from the summaries.
  void build_insights(const Template& page, const std::vector<IncidentSummary>& shown) {
    std::vector<Incident> incidents;
    incidents.reserve(shown.size());
    for (const auto& s : shown) incidents.push_back(s.incident);
    std::vector<std::string> severities;
    for (const auto& s : config_.severities) severities.push_back(s.name);
    const Insights insights = make_insights(incidents, severities, today_, config_.site.insight_months);
    const std::vector<Chart> charts = insights_charts(insights);
    folder_.put("insights.html", render_template(page, insights_page_data(config_, charts, insights)));
    for (const auto& c : charts) folder_.put("insights/" + c.id + ".json", c.data.dump(2) + "\n");
    folder_.put("insights.json", insights_to_json(insights).dump(2) + "\n");
  }

  // Read once, and only when a page needs it: a rebuild that renders no
  // incident page walks no history.
  const std::unordered_map<std::string, std::string>& event_commits() {
    if (!commits_) commits_ = repo_.event_commits();
    return *commits_;
  }

  Repository& repo_;
  const SiteRequest& req_;
  const Config& config_;
  const People& people_;
  const std::string today_;
  const std::string commit_pattern_;
  const Template incident_template_;
  const Template postmortem_template_;
  const std::string inputs_;
  const CompiledTemplate incident_renderer_;  ///< read once for every page
  const CompiledTemplate postmortem_renderer_;
  SiteFolder folder_;
  SiteBuild build_;
  std::optional<std::unordered_map<std::string, std::string>> commits_;
  std::vector<PageJob> jobs_;
};

}  // namespace

std::string commit_url_from_remote(const std::string& remote_url) {
  std::string host, path;
  std::string url = remote_url;
  if (const auto scheme = url.find("://"); scheme != std::string::npos) {
    url = url.substr(scheme + 3);
    if (const auto at = url.find('@'); at != std::string::npos && at < url.find('/')) url = url.substr(at + 1);
    const auto slash = url.find('/');
    if (slash == std::string::npos) return "";
    host = url.substr(0, slash);
    path = url.substr(slash + 1);
    if (const auto colon = host.find(':'); colon != std::string::npos) host = host.substr(0, colon);  // a port
  } else {  // scp-like: git@github.com:acme/incidents.git
    const auto colon = url.find(':');
    if (colon == std::string::npos) return "";
    host = url.substr(0, colon);
    if (const auto at = host.find('@'); at != std::string::npos) host = host.substr(at + 1);
    path = url.substr(colon + 1);
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".git") == 0) path.resize(path.size() - 4);
  if (path.empty() || path.find_first_of(" \"<>\\?#") != std::string::npos) return "";
  if (host == "github.com" || host == "codeberg.org") return "https://" + host + "/" + path + "/commit/{commit}";
  if (host == "gitlab.com") return "https://" + host + "/" + path + "/-/commit/{commit}";
  return "";
}

std::string commit_url_pattern(Repository& repo) {
  if (!repo.config().site.commit_url.empty()) return repo.config().site.commit_url;
  const auto url = repo.git_config_value("remote." + repo.default_remote() + ".url");
  return url ? commit_url_from_remote(*url) : "";
}

SiteBuild build_site(Repository& repo, const SiteRequest& req) {
  refuse_site_in_repository(repo, req.dir, "the incident site");
  return SiteBuilder(repo, req).run();
}

}  // namespace irctl
