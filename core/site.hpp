#pragma once
// The internal incident site (irctl site DIR): static HTML of everything the
// repository records, for the people around an incident who do not use the
// shell (support, executives, other teams). Unlike the status page it shows
// everything: people, internal notes, evidence hashes, commits.
//
// Files: index.html (every incident but the voided ones, filterable and
// sortable in the browser, complete without JavaScript), incidents/ID.html
// (state, roles, milestones and durations, the whole timeline with its
// actors and commits, evidence, tasks and follow-up actions),
// postmortems/ID.html (the committed postmortem through markdown_to_html,
// the renderer of postmortem --format html), actions.html (open follow-up
// actions across incidents, overdue first, by owner), insights.html (SVG
// charts with their tables) and insights/NAME.json, site.css and site.js.
// Templates: templates/site-*.html.mustache and site.css, which a
// repository's .irctl/templates/ overrides, as for the status page.
//
// Incremental: an incident's or a postmortem's page is rendered again only
// when what it is built from changed (its file, the configuration, the
// people, the templates, this irctl; the day, for a page that says which
// actions are overdue). The folder's manifest (.irctl-site) keeps each
// page's key. The pages across incidents are rendered every time, and, like
// every file, written only when their bytes changed.

#include <string>

#include "core/static_site.hpp"
#include "core/util/time.hpp"

namespace irctl {

class Repository;

struct SiteRequest {
  std::string dir;
  Timestamp now{};
  /// The irctl that builds it ("1.4.0"): a page built by another one is
  /// rendered again.
  std::string generator;
};

struct SiteBuild {
  size_t incidents = 0;      ///< on the index
  size_t rendered = 0;       ///< incident and postmortem pages rendered (the others' inputs had not changed)
  size_t postmortems = 0;    ///< postmortem pages
  size_t actions_open = 0;   ///< follow-up actions open across incidents
  size_t actions_overdue = 0;
  SiteWrite files;
};

/// irctl site DIR: builds (or brings up to date) the site in `req.dir`.
SiteBuild build_site(Repository& repo, const SiteRequest& req);

/// The web page of a commit: [site] commit_url, else one derived from the
/// default remote's URL on GitHub, GitLab or Codeberg; "{commit}" stands
/// for the commit's id. Empty when neither is known.
std::string commit_url_pattern(Repository& repo);

/// The URL of a repository's commit page, from its remote's URL
/// ("git@github.com:acme/incidents.git", "https://gitlab.com/acme/inc"),
/// with "{commit}" for the id; empty for another host.
std::string commit_url_from_remote(const std::string& remote_url);

}  // namespace irctl
