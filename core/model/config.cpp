#include "core/model/config.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/error.hpp"
#include "core/model/embedded.hpp"
#include "core/model/tomldoc.hpp"
#include "core/util/text.hpp"

namespace irctl {

const AllowedValues& serve_log_formats() {
  static const AllowedValues v{{"text", "one line of key=value fields per request and outcome"},
                               {"json", "one JSON object per line, for journald, Loki and jq"}};
  return v;
}

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

template <class T>
const T* find_named(const std::vector<T>& items, const std::string& name) {
  for (const auto& item : items)
    if (iequals(item.name, name)) return &item;
  return nullptr;
}

template <class T>
std::string names_of(const std::vector<T>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item.name;
  return out;
}

template <class T>
std::string resolve_named(const std::vector<T>& items, const std::string& input, const char* what,
                          const char* plural) {
  if (const T* found = find_named(items, input)) return found->name;
  throw Error(Errc::usage, std::string("unknown ") + what + " " + quote(input),
              std::string("valid ") + plural + ": " + names_of(items) + " (from " + kConfigPath + ")");
}

// A name is what people type on the command line: no spaces, no quoting.
void check_name(const FieldReader& r, const std::string& name, const char* what) {
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) r.fail(r.value(), std::string(what) + " name " + quote(name) + " must be letters, digits, '-', '_' or '.'");
}

// Names are unique without regard to case; a repeat is reported where it is.
class UniqueNames {
 public:
  explicit UniqueNames(const char* what) : what_(what) {}
  void add(const FieldReader& r, const std::string& name) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!seen_.insert(lower).second) r.fail(std::string(what_) + " " + quote(name) + " is defined twice");
  }

 private:
  const char* what_;
  std::set<std::string> seen_;
};

// [ingest]: a repository without the section (made before it existed) gets
// the same defaults as one that has it.
void read_ingest(const FieldReader& r, Config& c) {
  r.reject_unknown({"service_labels", "severity_labels", "title_annotations", "kind", "resolve", "severity"});
  IngestMapping& m = c.ingest;
  m.service_labels = r.strings_or("service_labels", m.service_labels);
  m.severity_labels = r.strings_or("severity_labels", m.severity_labels);
  m.title_annotations = r.strings_or("title_annotations", m.title_annotations);
  m.kind = r.string_or("kind", c.default_kind);
  if (!c.find_kind(m.kind)) r.fail(*r.find("kind"), "ingest kind " + quote(m.kind) + " is not one of " + names_of(c.kinds));
  m.kind = c.find_kind(m.kind)->name;
  m.resolve = r.boolean_or("resolve", m.resolve);
  if (r.find("severity")) {
    const FieldReader levels = r.table_or_empty("severity");
    m.severity.clear();
    for (const auto& [alert_level, value] : levels.value().as_table()) {
      if (!value.is_string()) levels.fail(value, "[ingest.severity] maps alert levels to level names, as strings");
      const Severity* s = c.find_severity(value.as_string().str);
      if (!s)
        levels.fail(value, "[ingest.severity] maps " + quote(alert_level) + " to the unknown level " +
                               quote(value.as_string().str) + "; levels: " + names_of(c.severities));
      m.severity.emplace_back(alert_level, s->name);
    }
  } else {
    // The built-in map names SEV1-SEV4; keep only what this scale has.
    std::erase_if(m.severity, [&](const auto& entry) { return !c.find_severity(entry.second); });
  }
}

}  // namespace

const Severity* Config::find_severity(const std::string& name) const { return find_named(severities, name); }
const Role* Config::find_role(const std::string& name) const { return find_named(roles, name); }
const Kind* Config::find_kind(const std::string& name) const { return find_named(kinds, name); }
const EscalationPolicy* Config::find_policy(const std::string& name) const { return find_named(policies, name); }

std::string Config::resolve_severity(const std::string& input) const {
  return resolve_named(severities, input, "severity", "severities");
}
std::string Config::resolve_kind(const std::string& input) const {
  return resolve_named(kinds, input, "kind", "kinds");
}
std::vector<std::string> Config::severities_at_least(const std::string& level) const {
  std::vector<std::string> out;
  const std::string name = resolve_severity(level);
  for (const auto& s : severities) {  // most severe first
    out.push_back(s.name);
    if (s.name == name) break;
  }
  return out;
}

std::string Config::resolve_role(const std::string& input) const {
  return resolve_named(roles, input, "role", "roles");
}

std::string default_config_text() { return *embedded::find("templates/config.toml"); }

namespace {

// [status_page]: how the public status page looks (irctl-status-page(1)).
StatusPageConfig read_status_page(const FieldReader& r) {
  r.reject_unknown({"title", "url", "logo", "color", "link", "history_days"});
  StatusPageConfig p;
  p.title = r.string_or("title", p.title);
  p.url = r.string_or("url", "");
  if (!p.url.empty() && p.url.rfind("https://", 0) != 0 && p.url.rfind("http://", 0) != 0)
    r.fail(*r.find("url"), "status_page.url must be an http or https URL, such as \"https://status.example.com\"");
  p.logo = r.string_or("logo", "");
  if (p.logo.find(':') != std::string::npos && p.logo.rfind("https://", 0) != 0 && p.logo.rfind("http://", 0) != 0 &&
      p.logo.find('/') > p.logo.find(':'))
    r.fail(*r.find("logo"), "status_page.logo must be an http or https URL, or a path");
  p.color = r.string_or("color", p.color);
  const bool hex = p.color.size() == 7 && p.color[0] == '#' &&
                   p.color.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
  if (!hex) r.fail(*r.find("color"), "status_page.color must be a colour such as \"#1f6feb\"");
  for (const auto& l : r.tables("link")) {
    l.reject_unknown({"name", "url"});
    StatusPageLink link{l.string("name"), l.string("url")};
    // A public page's links: the web, mail, or the page's own files; never a
    // script (javascript:) or anything else a browser would run or open.
    const auto colon = link.url.find(':');
    const bool relative = colon == std::string::npos || link.url.find('/') < colon;
    const std::string scheme = relative ? "" : link.url.substr(0, colon);
    if (!relative && scheme != "https" && scheme != "http" && scheme != "mailto")
      l.fail(*l.find("url"), "a status_page link must be an http, https or mailto URL, or a path");
    p.links.push_back(std::move(link));
  }
  p.history_days = r.integer_or("history_days", p.history_days, 1, 366);
  return p;
}

// [site]: the internal incident site (irctl-site(1)).
SiteConfig read_site(const FieldReader& r) {
  r.reject_unknown({"title", "commit_url", "insight_months"});
  SiteConfig s;
  s.title = r.string_or("title", s.title);
  s.commit_url = r.string_or("commit_url", "");
  if (!s.commit_url.empty() && ((s.commit_url.rfind("https://", 0) != 0 && s.commit_url.rfind("http://", 0) != 0) ||
                                s.commit_url.find("{commit}") == std::string::npos))
    r.fail(*r.find("commit_url"),
           "site.commit_url must be an http or https URL with {commit} where the commit's id goes, such as "
           "\"https://github.com/acme/incidents/commit/{commit}\"");
  s.insight_months = r.integer_or("insight_months", s.insight_months, 1, 120);
  return s;
}

// [serve]: irctl serve (irctl-serve(1)).
ServeConfig read_serve(const FieldReader& r) {
  r.reject_unknown({"listen", "token_files", "tls_cert", "tls_key", "log_format", "max_queue", "max_connections",
                    "request_timeout", "idle_timeout", "shutdown_timeout", "push", "remote"});
  ServeConfig s;
  s.listen = r.string_or("listen", s.listen);
  s.token_files = r.strings_or("token_files", {});
  s.tls_cert = r.string_or("tls_cert", "");
  s.tls_key = r.string_or("tls_key", "");
  s.log_format = r.string_or("log_format", s.log_format);
  if (!serve_log_formats().contains(s.log_format))
    r.fail(*r.find("log_format"), "serve.log_format must be " + join(serve_log_formats().names(), " or "));
  s.max_queue = r.integer_or("max_queue", s.max_queue, 1, 1000000);
  s.max_connections = r.integer_or("max_connections", s.max_connections, 1, 1024);
  s.request_timeout = r.integer_or("request_timeout", s.request_timeout, 1, 3600);
  s.idle_timeout = r.integer_or("idle_timeout", s.idle_timeout, 0, 3600);
  s.shutdown_timeout = r.integer_or("shutdown_timeout", s.shutdown_timeout, 1, 3600);
  s.push = r.boolean_or("push", s.push);
  s.remote = r.string_or("remote", "");
  return s;
}

Config config_from(const TomlValue& doc, const std::string& path) {
  const FieldReader root(doc, path, "fix " + path + " (see irctl-config(5)), then commit it");
  const int64_t schema = root.integer_or("schema", 1);
  if (schema != 1)
    root.fail(*root.find("schema"), "schema " + std::to_string(schema) +
                                        " is not supported by this irctl (it reads schema 1); upgrade irctl");

  root.reject_unknown(
      {"schema", "defaults", "severity", "role", "kind", "escalation_policy", "service", "ingest", "status_page",
                      "site", "serve"});
  Config c;
  UniqueNames severities("severity"), roles("role"), kinds("kind"), policies("escalation policy"), services("service");
  for (const auto& r : root.tables("severity")) {
    r.reject_unknown({"name", "title", "criteria", "requires_roles", "min_escalation"});
    Severity s{r.string("name"), r.string_or("title", ""), r.string_or("criteria", ""),
               r.strings_or("requires_roles", {}), r.integer_or("min_escalation", 0, 0, kMaxEscalationLevel)};
    check_name(r, s.name, "severity");
    severities.add(r, s.name);
    c.severities.push_back(std::move(s));
  }
  for (const auto& r : root.tables("role")) {
    r.reject_unknown({"name", "title", "multiple"});
    Role role{r.string("name"), r.string_or("title", ""), r.boolean_or("multiple", false)};
    check_name(r, role.name, "role");
    roles.add(r, role.name);
    c.roles.push_back(std::move(role));
  }
  for (const auto& r : root.tables("kind")) {
    r.reject_unknown({"name", "title", "security"});
    Kind k{r.string("name"), r.string_or("title", ""), r.boolean_or("security", false)};
    check_name(r, k.name, "kind");
    kinds.add(r, k.name);
    c.kinds.push_back(std::move(k));
  }
  for (const auto& r : root.tables("escalation_policy")) {
    r.reject_unknown({"name", "level"});
    EscalationPolicy p{r.string("name"), {}};
    check_name(r, p.name, "escalation policy");
    policies.add(r, p.name);
    for (const auto& l : r.tables("level")) {
      l.reject_unknown({"targets", "timeout"});
      EscalationLevel level{l.strings_or("targets", {}), Seconds{0}};
      if (level.targets.empty()) l.fail("each escalation level needs at least one target in 'targets'");
      try {
        level.timeout = parse_duration(l.string("timeout"));
      } catch (const Error& e) {
        l.fail(*l.find("timeout"), e.what());
      }
      p.levels.push_back(std::move(level));
    }
    if (p.levels.empty()) r.fail("escalation policy " + quote(p.name) + " has no [[escalation_policy.level]]");
    c.policies.push_back(std::move(p));
  }
  for (const auto& r : root.tables("service")) {
    r.reject_unknown({"name", "team", "escalation_policy", "title", "group", "description", "status_page"});
    Service s{r.string("name"),         r.string_or("team", ""),        r.string_or("escalation_policy", ""),
              r.string_or("title", ""), r.string_or("group", ""),       r.string_or("description", ""),
              r.boolean_or("status_page", true)};
    check_name(r, s.name, "service");
    services.add(r, s.name);
    if (!s.escalation_policy.empty() && !c.find_policy(s.escalation_policy))
      r.fail(*r.find("escalation_policy"), "service " + quote(s.name) + " names the unknown escalation policy " +
                                               quote(s.escalation_policy));
    c.services.push_back(std::move(s));
  }

  if (c.severities.empty()) root.fail("no severity is defined; add at least one [[severity]]");
  if (c.roles.empty()) root.fail("no role is defined; add at least one [[role]]");
  if (c.kinds.empty()) root.fail("no incident kind is defined; add at least one [[kind]]");
  for (const auto& r : root.tables("severity"))
    for (const auto& role : r.strings_or("requires_roles", {}))
      if (!c.find_role(role))
        r.fail(*r.find("requires_roles"), "severity " + quote(r.string("name")) + " requires the unknown role " + quote(role));

  c.status_page = read_status_page(root.table_or_empty("status_page"));
  c.site = read_site(root.table_or_empty("site"));
  c.serve = read_serve(root.table_or_empty("serve"));

  const FieldReader defaults = root.table_or_empty("defaults");
  defaults.reject_unknown({"severity", "kind", "escalation_policy"});
  c.default_severity = defaults.string_or("severity", c.severities.back().name);
  c.default_kind = defaults.string_or("kind", c.kinds.front().name);
  c.default_policy = defaults.string_or("escalation_policy", c.policies.empty() ? "" : c.policies.front().name);
  if (!c.find_severity(c.default_severity))
    defaults.fail("the default severity " + quote(c.default_severity) + " is not one of " + names_of(c.severities));
  if (!c.find_kind(c.default_kind))
    defaults.fail("the default kind " + quote(c.default_kind) + " is not one of " + names_of(c.kinds));
  if (!c.default_policy.empty() && !c.find_policy(c.default_policy))
    defaults.fail("the default escalation policy " + quote(c.default_policy) + " is not defined");
  c.default_severity = c.find_severity(c.default_severity)->name;
  c.default_kind = c.find_kind(c.default_kind)->name;
  read_ingest(root.table_or_empty("ingest"), c);
  return c;
}

}  // namespace

Config parse_config(const std::string& text, const std::string& path) {
  // Every command reads it (tests/fuzz/toml_differential.hpp checks that
  // toml++ reads what toml11 reads).
  return read_toml(text, path, [&](const TomlValue& doc) { return config_from(doc, path); });
}

}  // namespace irctl
