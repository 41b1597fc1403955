// irctl gate: fails while a matching incident is open (a deploy freeze).

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct GateOptions {
  std::string severity;
  std::vector<std::string> services;
};

void run_gate(const GateOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  ListFilter filter;
  filter.statuses = {"open"};
  filter.services = o.services;
  if (!o.severity.empty()) filter.severities = repo.config().severities_at_least(o.severity);
  const ListResult r = list_incidents(repo, filter);
  const bool blocked = !r.incidents.empty();
  if (ctx.json()) {
    Json incidents = Json::array();
    for (const auto& f : r.incidents) {
      const Incident& inc = f.incident;
      incidents.push_back({{"id", inc.id}, {"severity", inc.severity}, {"status", inc.status}, {"title", inc.title},
                           {"services", inc.services}});
    }
    ctx.print_json({{"blocked", blocked}, {"incidents", incidents}, {"problems", problems_json(r.problems)}});
  } else if (blocked) {
    ctx.io.err << "irctl gate: blocked by " << r.incidents.size() << " open incident"
               << (r.incidents.size() == 1 ? "" : "s") << ":\n";
    for (const auto& f : r.incidents) {
      const Incident& inc = f.incident;
      ctx.io.err << "  " << inc.id << "  " << printable(inc.severity) << "  " << inc.status << "  "
                 << printable(inc.title) << "\n";
    }
  } else if (r.problems.empty()) {
    // With an unreadable file there is no saying "go ahead": the error below.
    ctx.status("irctl gate: no matching open incident; go ahead.");
  }
  // An unreadable incident file might be the open SEV1: report it (exit 65)
  // rather than let the deploy through.
  report_problems(ctx, r.problems);
  if (blocked) ctx.exit_code = kExitCheckFound;
}

}  // namespace

void register_gate(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<GateOptions>();
  auto* cmd = app.add_subcommand("gate",
                                 "Exit 6 while a matching incident is open (a deploy freeze for CI), 0 otherwise");
  completed_by(cmd->add_option("-s,--severity", o->severity, "Only incidents of this level or a more severe one")
                   ->option_text("LEVEL"),
               severity_candidates, ctx);
  completed_by(repeatable(cmd->add_option("--service", o->services, "Only incidents affecting this service (repeatable)")
                              ->option_text("NAME")),
               service_candidates, ctx);
  set_examples(cmd,
               "  irctl gate --severity SEV2 && ./deploy.sh\n"
               "  irctl gate --service checkout --severity SEV1 || echo 'deploy frozen'");
  cmd->callback([o, &ctx] { run_gate(*o, ctx); });
}

}  // namespace irctl::cli
