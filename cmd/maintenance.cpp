// irctl maintenance add|list|cancel|ical: scheduled maintenance windows and
// their iCalendar feed.

#include "core/maintenance.hpp"
#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/util/file.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {
namespace {

/// The X-WR-CALNAME of `irctl maintenance ical`.
constexpr const char* kCalendarName = "Scheduled maintenance";

struct MaintenanceAddOptions {
  std::vector<std::string> title;
  std::vector<std::string> services;
  std::string start;
  std::string end;
  std::string text;
  bool force = false;
};

struct MaintenanceListOptions {
  bool all = false;
};

struct MaintenanceCancelOptions {
  std::string id;
  std::string reason;
};

struct MaintenanceIcalOptions {
  std::string output = "-";
};

// "2026-12-05 02:00 to 04:00 UTC", or with both dates when it ends on another day.
std::string window_text(const Maintenance& m) {
  const std::string start = format_short(m.starts_at), end = format_short(m.ends_at);
  const bool same_day = start.substr(0, 10) == end.substr(0, 10);
  return start + " to " + (same_day ? end.substr(11) : end) + " UTC";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void print_write(Context& ctx, const MaintenanceResult& r, const std::string& message) {
  if (ctx.json()) {
    ctx.print_json({{"id", r.window.id},
                    {"path", r.window.path},
                    {"commit", r.commit},
                    {"maintenance", maintenance_to_json(r.window, ctx.now())}});
    return;
  }
  ctx.status(message);
}

void run_add(const MaintenanceAddOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  MaintenanceRequest req;
  req.title = text_argument(o.title, ctx);
  req.text = o.text;
  req.services = o.services;
  // A time from now counts from --at when it is given, as everything that
  // command records does (a window recorded afterwards, with --force).
  const Timestamp from = ctx.global.at ? ctx.parse_time(*ctx.global.at) : ctx.now();
  req.starts_at = parse_planned_time(o.start, from);
  req.ends_at = parse_planned_time(o.end, from);
  const MaintenanceResult r =
      add_maintenance(repo, req, o.force ? PastWindow::recorded : PastWindow::refused, ctx.recorder());
  if (!ctx.json()) ctx.io.out << r.window.id << "\n";
  print_write(ctx, r,
              "Scheduled " + r.window.id + " (" + window_text(r.window) + ", " + printable(joined(r.window.services)) +
                  "): " + printable(r.window.title));
}

void run_list(const MaintenanceListOptions& o, Context& ctx) {
  const Timestamp now = ctx.now();
  std::vector<Maintenance> shown;
  for (auto& m : list_maintenance(ctx.repo())) {
    const std::string state = maintenance_state(m, now);
    if (o.all || state == "scheduled" || state == "in_progress") shown.push_back(std::move(m));
  }
  if (ctx.json()) {
    Json windows = Json::array();
    for (const auto& m : shown) windows.push_back(maintenance_to_json(m, now));
    ctx.print_json({{"maintenance", windows}});
    return;
  }
  if (shown.empty()) {
    ctx.status(o.all ? "No maintenance windows." : "No maintenance scheduled or in progress (--all shows past ones).");
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "STATE", "STARTS", "ENDS", "SERVICES", "TITLE"}};
  for (const auto& m : shown)
    rows.push_back({m.id, maintenance_state(m, now), format_short(m.starts_at), format_short(m.ends_at),
                    printable(joined(m.services)), printable(m.title)});
  std::string table = format_table(rows);
  if (ctx.color_out()) table = painted(table.substr(0, table.find('\n')), kDim) + table.substr(table.find('\n'));
  ctx.io.out << table;
}

void run_cancel(const MaintenanceCancelOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_maintenance_id(repo, o.id);
  const MaintenanceResult r = cancel_maintenance(repo, id, o.reason, ctx.recorder());
  print_write(ctx, r, "Cancelled " + id + " (" + window_text(r.window) + "): " + printable(r.window.title));
}

void run_ical(const MaintenanceIcalOptions& o, Context& ctx) {
  const std::string ical = maintenance_to_ical(list_maintenance(ctx.repo()), ctx.now(), kCalendarName);
  const bool to_stdout = o.output == "-";
  if (!to_stdout) write_file_atomically(ctx.user_path(o.output), ical);
  if (ctx.json()) {
    ctx.print_json({{"output", to_stdout ? Json(nullptr) : Json(o.output)}, {"ical", ical}});
  } else if (to_stdout) {
    ctx.io.out << ical;
  } else {
    ctx.status("Wrote " + printable(o.output));
  }
}

std::vector<Candidate> cancellable_windows(const CompletionQuery& q) {
  std::vector<Candidate> out;
  try {
    for (const auto& m : list_maintenance(q.ctx.repo())) {
      const std::string state = maintenance_state(m, q.ctx.now());
      if (state == "scheduled" || state == "in_progress") out.push_back({m.id, m.title});
    }
  } catch (const std::exception&) {
  }
  return out;
}

}  // namespace

void register_maintenance(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("maintenance", "Schedule maintenance windows: add, list, cancel, ical (a calendar feed)");
  cmd->require_subcommand(1);
  set_examples(
      cmd,
      "  irctl maintenance add \"Database upgrade\" --service checkout --start 2026-12-05T02:00:00Z --end +1d\n"
      "  irctl maintenance list\n"
      "  irctl maintenance cancel K7Q --reason \"Postponed to January\"\n"
      "  irctl maintenance ical --output public/maintenance.ics");

  auto add = std::make_shared<MaintenanceAddOptions>();
  auto* a = cmd->add_subcommand("add", "Schedule a maintenance window and print its ID");
  a->add_option("title", add->title, "What customers see, in a line (several words are joined; - reads stdin)")
      ->required();
  completed_by(repeatable(a->add_option("--service", add->services,
                                        "A service under maintenance, from the configuration (repeat, or separate "
                                        "with commas)")
                              ->option_text("NAME"))
                   ->delimiter(',')
                   ->required(),
               service_candidates, ctx);
  a->add_option("--start", add->start, "When it starts: RFC 3339, or relative (+2h ahead, -15m ago)")
      ->option_text("TIME")
      ->required();
  a->add_option("--end", add->end, "When it ends, after --start: RFC 3339, or relative (+4h)")
      ->option_text("TIME")
      ->required();
  a->add_option("--text", add->text, "What customers are told about it (public)")->option_text("TEXT");
  a->add_flag("--force", add->force, "Record a window that is already over (for the history)");
  set_examples(a,
               "  irctl maintenance add \"Database upgrade\" --service checkout --service search \\\n"
               "      --start 2026-12-05T02:00:00Z --end 2026-12-05T04:00:00Z \\\n"
               "      --text \"Checkout may be slow for a few minutes.\"\n"
               "  irctl maintenance add \"Load balancer swap\" --service api --start +2h --end +3h\n"
               "  irctl maintenance add \"Past upgrade\" --service api --start -3h --end -1h --force");
  a->callback([add, &ctx] { run_add(*add, ctx); });

  auto list = std::make_shared<MaintenanceListOptions>();
  auto* l = cmd->add_subcommand("list", "List the windows scheduled or in progress, by start");
  l->add_flag("--all", list->all, "Also the completed and cancelled ones");
  set_examples(l,
               "  irctl maintenance list\n"
               "  irctl maintenance list --all --json | jq -r '.maintenance[] | [.id, .state] | @tsv'");
  l->callback([list, &ctx] { run_list(*list, ctx); });

  auto cancel = std::make_shared<MaintenanceCancelOptions>();
  auto* c = cmd->add_subcommand("cancel", "Cancel a window that has not ended");
  completed_by(c->add_option("id", cancel->id, "The window's ID, or any unique part of it")->required(),
               cancellable_windows, ctx);
  c->add_option("--reason", cancel->reason, "Why it is cancelled (internal)")->option_text("TEXT")->required();
  set_examples(c, "  irctl maintenance cancel MNT-20261205-K7QXM4 --reason \"Vendor postponed the upgrade\"");
  c->callback([cancel, &ctx] { run_cancel(*cancel, ctx); });

  auto ical = std::make_shared<MaintenanceIcalOptions>();
  auto* i = cmd->add_subcommand("ical", "Print every window as an iCalendar (RFC 5545) feed");
  i->add_option("-o,--output", ical->output, "A file to write it to; - for standard output (the default)")
      ->option_text("FILE");
  set_examples(i,
               "  irctl maintenance ical\n"
               "  irctl maintenance ical --output public/maintenance.ics   # for calendars to subscribe to");
  i->callback([ical, &ctx] { run_ical(*ical, ctx); });
}

}  // namespace irctl::cli
