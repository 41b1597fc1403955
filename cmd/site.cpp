// irctl site DIR: the internal incident site, as static files.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/site.hpp"

namespace irctl::cli {
namespace {

struct SiteOptions {
  std::string dir;
};

std::string counted(size_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

void run_site(const SiteOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  // --at builds the site as of then: which actions are overdue, the insights' months.
  const Timestamp at = ctx.global.at ? ctx.parse_time(*ctx.global.at) : ctx.now();
  const std::string dir = ctx.user_folder(o.dir);
  const SiteBuild built = build_site(repo, {dir, at, irctl_version()});
  if (ctx.json()) {
    ctx.print_json({{"dir", dir},
                    {"index", dir + "/index.html"},
                    {"incidents", built.incidents},
                    {"postmortems", built.postmortems},
                    {"rendered", built.rendered},
                    {"actions", {{"open", built.actions_open}, {"overdue", built.actions_overdue}}},
                    {"files", {{"written", built.files.written}, {"unchanged", built.files.unchanged},
                               {"removed", built.files.removed}}}});
    return;
  }
  ctx.status("site: " + counted(built.incidents, "incident", "incidents") + ", " +
             counted(built.postmortems, "postmortem", "postmortems") + ", " +
             counted(built.actions_open, "open action", "open actions") +
             (built.actions_overdue ? " (" + std::to_string(built.actions_overdue) + " overdue)" : "") + "; " +
             counted(built.rendered, "page", "pages") + " rendered, " +
             counted(built.files.written, "file", "files") + " written, " + std::to_string(built.files.unchanged) +
             " unchanged" + (built.files.removed ? ", " + std::to_string(built.files.removed) + " removed" : ""));
  ctx.io.out << dir << "/index.html\n";
}

}  // namespace

void register_site(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<SiteOptions>();
  auto* cmd = app.add_subcommand(
      "site", "Build the internal incident site into DIR: every incident, postmortem and follow-up action, with insights");
  cmd->add_option("dir", o->dir, "The folder to build it in (made if missing; rebuilt in place, only what changed)")
      ->required()
      ->option_text("DIR");
  set_examples(cmd,
               "  irctl site site/ && xdg-open site/index.html\n"
               "  irctl site /srv/incidents --json | jq .files       # what a rebuild wrote\n"
               "  irctl site site/ && rsync -a --delete site/ intranet:/srv/incidents/");
  cmd->callback([o, &ctx] { run_site(*o, ctx); });
}

}  // namespace irctl::cli
