// irctl timeline ID: the events of an incident, in order; with --pin,
// --hide, --unpin or --unhide, curate them for the postmortem.

#include <algorithm>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/curation.hpp"

namespace irctl::cli {
namespace {

struct TimelineOptions {
  std::string id;
  std::vector<std::string> types;  ///< "!TYPE" leaves TYPE out
  std::vector<std::string> excluded_types;
  std::string pin, unpin, hide, unhide;
  bool make_public = false;
};

void require_event_type(const std::string& type, const char* option) {
  if (!event_types().contains(type))
    throw Error(Errc::usage, "unknown event type " + quote(type) + " in " + option,
                "valid types: " + event_types().listed(", "));
}

// Which types to show and which to leave out: --type TYPE shows, --type
// '!TYPE' and --exclude-type TYPE leave out.
struct TypeFilter {
  std::vector<std::string> shown;
  std::vector<std::string> left_out;

  bool passes(const std::string& type) const {
    const auto has = [&](const std::vector<std::string>& list) {
      return std::find(list.begin(), list.end(), type) != list.end();
    };
    return (shown.empty() || has(shown)) && !has(left_out);
  }
};

TypeFilter type_filter(const TimelineOptions& o) {
  TypeFilter f;
  for (const auto& t : o.types) {
    const bool exclusion = !t.empty() && t[0] == '!';
    const std::string type = exclusion ? t.substr(1) : t;
    require_event_type(type, "--type");
    (exclusion ? f.left_out : f.shown).push_back(type);
  }
  for (const auto& t : o.excluded_types) {
    require_event_type(t, "--exclude-type");
    f.left_out.push_back(t);
  }
  return f;
}

// The curation the options ask for, if any; Error(Errc::usage) for
// options that do not go together.
std::optional<CurationRequest> curation_request(const TimelineOptions& o) {
  const std::pair<CurationChange, const std::string*> given[] = {{CurationChange::pin, &o.pin},
                                                                 {CurationChange::unpin, &o.unpin},
                                                                 {CurationChange::hide, &o.hide},
                                                                 {CurationChange::unhide, &o.unhide}};
  std::optional<CurationRequest> req;
  for (const auto& [change, event] : given) {
    if (event->empty()) continue;
    if (req)
      throw Error(Errc::usage, "--pin, --unpin, --hide and --unhide change one event each, one at a time",
                  "run irctl timeline once for each");
    req = CurationRequest{change, *event, o.make_public ? PinAudience::external : PinAudience::internal};
  }
  if (o.make_public && (!req || req->change != CurationChange::pin))
    throw Error(Errc::usage, "--public goes with --pin", "for example: irctl timeline @ --pin EVENT --public");
  if (req && (!o.types.empty() || !o.excluded_types.empty()))
    throw Error(Errc::usage, "--type and --exclude-type choose what to show; --pin and the like show nothing",
                "run them separately");
  return req;
}

std::string unchanged_text(CurationChange change) {
  switch (change) {
    case CurationChange::pin:
      return "pinned already";
    case CurationChange::unpin:
      return "not pinned";
    case CurationChange::hide:
      return "hidden already";
    case CurationChange::unhide:
      return "not hidden";
  }
  return "";
}

void curate(const std::string& id, const CurationRequest& req, Context& ctx) {
  const EventResult r = curate_event(ctx.repo(), id, req, ctx.recorder());
  print_event_result(ctx, r, id + ": " + r.event.text,
                     "event " + req.event + " is " + unchanged_text(req.change) + "; nothing changed");
}

void run_timeline(const TimelineOptions& o, Context& ctx) {
  const auto curation = curation_request(o);
  const TypeFilter filter = type_filter(o);
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  if (curation) return curate(id, *curation, ctx);
  const IncidentFile file = load_incident(repo, id);
  std::vector<Event> events;
  for (const auto& e : file.incident().timeline)
    if (filter.passes(e.type)) events.push_back(e);
  events = in_time_order(std::move(events));
  if (ctx.json()) {
    Json list = Json::array();
    for (const auto& e : events) list.push_back(event_to_json(e));
    // What the postmortem makes of the events, as the text marks it: the
    // pin and hide events say it too, but only replayed in order.
    Json curated = Json::object();
    for (const auto& [event, how] : file.incident().curation)
      curated[event] = how == Curation::hidden ? "hidden" : how == Curation::pinned_public ? "pinned-public" : "pinned";
    ctx.print_json({{"id", id}, {"timeline", list}, {"curation", curated}});
    return;
  }
  ctx.page_output();
  ctx.io.out << format_timeline(events, file.incident(), repo.people());
}

}  // namespace

void register_timeline(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TimelineOptions>();
  auto* cmd = app.add_subcommand("timeline", "Print an incident's timeline in the order things happened");
  add_id_option(cmd, o->id, ctx);
  offers(repeatable(cmd->add_option("--type", o->types,
                                    "Only events of these types: declare, note, ...; !TYPE leaves TYPE out (repeat, "
                                    "or separate with commas)")
                        ->option_text("TYPE"))
             ->delimiter(','),
         event_types(), ctx);
  offers(repeatable(cmd->add_option("--exclude-type", o->excluded_types,
                                    "Leave out events of these types (repeat, or separate with commas)")
                        ->option_text("TYPE"))
             ->delimiter(','),
         event_types(), ctx);
  cmd->add_option("--pin", o->pin, "Show this event in the postmortem's timeline (its id, or a unique start of it)")
      ->option_text("EVENT");
  cmd->add_option("--unpin", o->unpin, "Undo --pin")->option_text("EVENT");
  cmd->add_option("--hide", o->hide, "Leave this event out of the postmortem's timeline")->option_text("EVENT");
  cmd->add_option("--unhide", o->unhide, "Undo --hide")->option_text("EVENT");
  cmd->add_flag("--public", o->make_public, "With --pin: show it in the external postmortem too");
  set_examples(cmd,
               "  irctl timeline @\n"
               "  irctl timeline K7Q --type note\n"
               "  irctl timeline K7Q --type '!task' --exclude-type set,edit\n"
               "  irctl timeline @ --pin 7KQ4M2 --public    # in the postmortem, the external one too\n"
               "  irctl timeline @ --hide 9TZA3             # left out of the postmortem\n"
               "  irctl timeline @ --json | jq -r '.timeline[] | \"\\(.at) \\(.text)\"'");
  auto* self = cmd;
  cmd->callback([o, self, &ctx] {
    // An empty EVENT ("--pin ''", a script's unset variable) names nothing:
    // refused, not taken for no option at all.
    const std::pair<const char*, const std::string*> events[] = {
        {"--pin", &o->pin}, {"--unpin", &o->unpin}, {"--hide", &o->hide}, {"--unhide", &o->unhide}};
    for (const auto& [name, event] : events)
      if (self->count(name) && event->empty())
        throw Error(Errc::usage, std::string(name) + " needs an event's id",
                    "irctl timeline " + (o->id.empty() ? std::string("ID") : o->id) +
                        " --json lists the events with their ids");
    run_timeline(*o, ctx);
  });
}

}  // namespace irctl::cli
