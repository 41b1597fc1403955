// irctl log ID: the git history of one incident.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct LogOptions {
  std::string id;
};

void run_log(const LogOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const auto commits = incident_history(repo, id);
  if (ctx.json()) {
    Json list = Json::array();
    for (const auto& c : commits)
      list.push_back({{"commit", c.sha},
                      {"author", {{"name", c.author_name}, {"email", c.author_email}}},
                      {"authored_at", format_rfc3339(c.author_time)},
                      {"committed_at", format_rfc3339(c.commit_time)},
                      {"subject", c.subject}});
    ctx.print_json({{"id", id}, {"commits", list}});
    return;
  }
  ctx.page_output();
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : commits)
    rows.push_back({colored(c.sha.substr(0, 10), kYellow, ctx.color_out()), format_short(c.author_time),
                    printable(c.author_name), printable(c.subject)});
  ctx.io.out << format_table(rows);
}

}  // namespace

void register_log(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<LogOptions>();
  auto* cmd = app.add_subcommand("log", "Show the commits that changed an incident: who, when, what");
  add_id_option(cmd, o->id, ctx);
  set_examples(cmd,
               "  irctl log @\n"
               "  irctl log K7Q --json | jq -r '.commits[].author.name' | sort -u");
  cmd->callback([o, &ctx] { run_log(*o, ctx); });
}

}  // namespace irctl::cli
