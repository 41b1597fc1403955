// irctl ingest [FILE|-]: one alert webhook body declares, updates or resolves
// an incident.

#include <fstream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/ingest.hpp"
#include "core/util/file.hpp"

namespace irctl::cli {
namespace {

struct IngestOptions {
  std::string format = "auto";
  std::string file = "-";
};

// The body as a stream, not through read_file: FILE stands in for
// standard input, so a named pipe is a fair thing to give, and a huge body
// is refused without being held in memory (one byte past the limit is read).
std::string read_body(const std::string& file, Context& ctx) {
  std::istream* in = &ctx.io.in;
  std::ifstream f;
  if (file != "-") {
    f.open(ctx.user_path(file), std::ios::binary);
    if (!f) throw Error(Errc::usage, "cannot read " + quote(file), "give a file with the webhook body, or - for stdin");
    in = &f;
  }
  auto body = read_at_most(*in, kMaxAlertBytes);
  if (!body)
    throw Error(Errc::usage, "cannot read " + (file == "-" ? std::string("standard input") : quote(file)),
                "give a file with the webhook body, or - for stdin");
  return std::move(*body);
}

void run_ingest(const IngestOptions& o, Context& ctx) {
  const std::string body = read_body(o.file, ctx);
  Repository& repo = ctx.repo();
  const Alert alert = parse_alert(body, o.format, repo.config().ingest);
  const bool writes = alert.state != Alert::State::ignored;
  const IngestResult r = ingest_alert(repo, alert, writes ? ctx.recorder() : Recorder{});
  if (ctx.json()) {
    Json j = {{"format", r.alert.format},  {"outcome", r.outcome},
              {"id", r.incident_id.empty() ? Json(nullptr) : Json(r.incident_id)},
              {"recorded", r.event.recorded}, {"keys", r.alert.keys}, {"message", r.message}};
    add_event_result_json(j, r.event);
    ctx.print_json(j);
    return;
  }
  if (r.event.recorded && !ctx.global.quiet) ctx.io.out << r.incident_id << "\n";
  ctx.status(printable(r.message));
  if (r.event.hook_warning) ctx.warn(*r.event.hook_warning);
}

}  // namespace

void register_ingest(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<IngestOptions>();
  auto* cmd = app.add_subcommand("ingest",
                                 "Declare, update or resolve an incident from an alert webhook (Alertmanager, "
                                 "Grafana, PagerDuty, Opsgenie, GitHub Actions)");
  one_of(cmd->add_option("-f,--format", o->format, ingest_formats().described(o->format))->option_text("FORMAT"),
         ingest_formats(), ctx);
  cmd->add_option("file", o->file, "The webhook body; - or nothing reads stdin");
  set_examples(cmd,
               "  irctl ingest alert.json\n"
               "  curl ... | irctl ingest --format alertmanager -\n"
               "  IRCTL_ACTOR='Alertmanager <alerts@example.com>' irctl ingest --json < body.json");
  cmd->callback([o, &ctx] { run_ingest(*o, ctx); });
}

}  // namespace irctl::cli
