// irctl timeline ID: the events of an incident, in order.

#include <algorithm>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct TimelineOptions {
  std::string id;
  std::vector<std::string> types;
};

void run_timeline(const TimelineOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  for (const auto& t : o.types)
    if (!event_types().contains(t))
      throw Error(Errc::usage, "unknown event type " + quote(t), "valid types: " + event_types().listed(", "));
  const IncidentFile file = load_incident(repo, id);
  std::vector<Event> events;
  for (const auto& e : file.incident().timeline)
    if (o.types.empty() || std::find(o.types.begin(), o.types.end(), e.type) != o.types.end()) events.push_back(e);
  events = in_time_order(std::move(events));
  if (ctx.json()) {
    Json list = Json::array();
    for (const auto& e : events) list.push_back(event_to_json(e));
    ctx.print_json({{"id", id}, {"timeline", list}});
    return;
  }
  ctx.page_output();
  ctx.io.out << format_timeline(events);
}

}  // namespace

void register_timeline(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TimelineOptions>();
  auto* cmd = app.add_subcommand("timeline", "Print an incident's timeline in the order things happened");
  add_id_option(cmd, o->id, ctx);
  offers(repeatable(cmd->add_option("--type", o->types,
                                    "Only events of these types: declare, note, ... (repeat, or separate with commas)")
                        ->option_text("TYPE"))
             ->delimiter(','),
         event_types(), ctx);
  set_examples(cmd,
               "  irctl timeline @\n"
               "  irctl timeline K7Q --type note\n"
               "  irctl timeline @ --json | jq -r '.timeline[] | \"\\(.at) \\(.text)\"'");
  cmd->callback([o, &ctx] { run_timeline(*o, ctx); });
}

}  // namespace irctl::cli
