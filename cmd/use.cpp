// irctl use [ID]: choose the incident that '@' stands for.

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct UseOptions {
  std::string id;
  bool clear = false;
};

void run_use(const UseOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  if (o.clear && !o.id.empty())
    throw Error(Errc::usage, "--clear takes no incident", "run 'irctl use --clear' alone, or 'irctl use ID'");
  if (o.clear) {
    repo.set_current_incident(std::nullopt);
    if (ctx.json()) ctx.print_json({{"current", nullptr}});
    else ctx.status("'@' no longer stands for any incident");
    return;
  }
  if (o.id.empty()) {
    const auto current = repo.current_incident();
    if (!current) throw Error(Errc::not_found, "no current incident", "choose one with 'irctl use ID'");
    if (ctx.json())
      ctx.print_json({{"current", *current}});
    else
      ctx.io.out << *current << "\n";
    return;
  }
  const std::string id = resolve_incident_id(repo, o.id);
  const IncidentFile file = load_incident(repo, id);
  repo.set_current_incident(id);
  if (ctx.json()) {
    ctx.print_json({{"current", id}});
    return;
  }
  ctx.status("'@' is now " + id + ": " + printable(file.incident().title));
}

}  // namespace

void register_use(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<UseOptions>();
  auto* cmd = app.add_subcommand("use", "Choose the incident that @ stands for (on this clone only)");
  completes_incident_ids(
      cmd->add_option("id", o->id, "Incident ID or a unique part of it; without it, print the current one"), ctx);
  cmd->add_flag("--clear", o->clear, "Forget the current incident");
  set_examples(cmd,
               "  irctl use K7Q          # then: irctl note @ \"...\"\n"
               "  irctl use              # print the current incident's ID\n"
               "  irctl use --clear");
  cmd->callback([o, &ctx] { run_use(*o, ctx); });
}

}  // namespace irctl::cli
