// irctl status-page DIR: the public status page, as static files.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/status_page.hpp"

namespace irctl::cli {
namespace {

struct StatusPageOptions {
  std::string dir;
};

void run_status_page(const StatusPageOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  // --at builds the page as it stood then (what a test or a post-mortem needs).
  const Timestamp at = ctx.global.at ? ctx.parse_time(*ctx.global.at) : ctx.now();
  const std::string dir = ctx.user_folder(o.dir);
  const StatusPageBuild built = build_status_page(repo, dir, at);
  const StatusPage& page = built.page;
  size_t open = 0;
  for (const auto& inc : page.incidents) open += inc.resolved_at ? 0 : 1;
  if (ctx.json()) {
    Json components = Json::array();
    for (const auto& c : page.components)
      components.push_back({{"name", c.name}, {"title", c.title}, {"status", component_state_name(c.state)}});
    ctx.print_json({{"dir", dir},
                    {"index", dir + "/index.html"},
                    {"status", {{"indicator", page.indicator}, {"description", page.description}}},
                    {"components", components},
                    {"incidents", page.incidents.size()},
                    {"open_incidents", open},
                    {"files", {{"written", built.files.written}, {"unchanged", built.files.unchanged},
                               {"removed", built.files.removed}}}});
    return;
  }
  ctx.status("status page: " + page.description + "; " + std::to_string(page.incidents.size()) + " public incident" +
             (page.incidents.size() == 1 ? "" : "s") + " (" + std::to_string(open) + " open), " +
             std::to_string(page.components.size()) + " component" + (page.components.size() == 1 ? "" : "s") + "; " +
             std::to_string(built.files.written) + " file" + (built.files.written == 1 ? "" : "s") + " written, " +
             std::to_string(built.files.unchanged) + " unchanged" +
             (built.files.removed ? ", " + std::to_string(built.files.removed) + " removed" : ""));
  ctx.io.out << dir << "/index.html\n";
}

}  // namespace

void register_status_page(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<StatusPageOptions>();
  auto* cmd = app.add_subcommand(
      "status-page", "Build the public status page into DIR: static files of what was written for customers");
  cmd->add_option("dir", o->dir, "The folder to build it in (made if missing; rebuilt in place)")
      ->required()
      ->option_text("DIR");
  set_examples(cmd,
               "  irctl status-page public/                       # then publish public/ anywhere\n"
               "  irctl update @ 'We are investigating slow checkouts.' --audience external\n"
               "  irctl status-page public/ && rsync -a public/ web:/srv/status/\n"
               "  irctl --at 2026-03-10T12:00Z status-page /tmp/then   # the page as it stood then");
  cmd->callback([o, &ctx] { run_status_page(*o, ctx); });
}

}  // namespace irctl::cli
