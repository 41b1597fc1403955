#include "cmd/commands.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <sstream>

#include "cmd/output.hpp"
#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/validate.hpp"
#include "core/store/merge.hpp"

#ifndef IRCTL_VERSION
#define IRCTL_VERSION "dev"
#endif

namespace irctl::cli {
namespace {

// The order in which `irctl --help` lists the commands.
constexpr Command kCommands[] = {
    {"init", register_init},
    {"declare", register_declare},
    {"severity", register_severity},
    {"assign", register_assign},
    {"ack", register_ack},
    {"escalate", register_escalate},
    {"contain", register_contain},
    {"eradicate", register_eradicate},
    {"recover", register_recover},
    {"resolve", register_resolve},
    {"reopen", register_reopen},
    {"close", register_close},
    {"void", register_void},
    {"note", register_note},
    {"update", register_update},
    {"set", register_set},
    {"task", register_task},
    {"edit", register_edit},
    {"postmortem", register_postmortem},
    {"action", register_action},
    {"maintenance", register_maintenance},
    {"stats", register_stats},
    {"ingest", register_ingest},
    {"serve", register_serve},
    {"gate", register_gate},
    {"status-page", register_status_page},
    {"site", register_site},
    {"show", register_show},
    {"timeline", register_timeline},
    {"list", register_list},
    {"log", register_log},
    {"use", register_use},
    {"sync", register_sync},
    {"fsck", register_fsck},
    {"resolve-conflicts", register_resolve_conflicts},
    {"install-merge-driver", register_install_merge_driver},
    {"merge-driver", register_merge_driver},
    {"completion", register_completion, Needs::every_command},
    {"__complete", register_complete, Needs::every_command},
    {"version", register_version},
};

// Global options that take a value, so the command name can be found before
// parsing.
bool global_takes_value(const std::string& arg) { return arg == "-C" || arg == "--as" || arg == "--at"; }

// Edits to turn `a` into `b`, a swap of neighbours counting as one (the
// commonest typo: "delcare").
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// Where the command's name is in the arguments: the first that is neither
// an option nor a global option's value; nullopt when there is none.
std::optional<size_t> command_position(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (global_takes_value(a)) {
      ++i;
      continue;
    }
    if (a == "--") return std::nullopt;
    if (!a.empty() && a[0] == '-') continue;
    return i;
  }
  return std::nullopt;
}

// Everything irctl records is UTF-8 text (TOML and JSON require it), and a
// command-line argument can reach a file from any option: refused here, once,
// before anything is read. The merge driver is git's plumbing and takes
// paths, which git passes as they are.
void require_utf8_arguments(const std::vector<std::string>& args) {
  const auto command = command_position(args);
  if (command && args[*command] == "merge-driver") return;
  for (size_t i = 0; i < args.size(); ++i) require_utf8(args[i], "argument " + std::to_string(i + 1) + " " + quote(args[i]));
}

// The name in `names` that `typed` most likely meant: the closest of those
// it begins, or that are close enough to be a typo of it (about one edit in
// three letters); empty when none is.
std::string closest_name(const std::string& typed, const std::vector<std::string>& names) {
  std::string best;
  size_t best_distance = 0;
  for (const auto& n : names) {
    const size_t d = edit_distance(typed, n);
    const bool typo = d * 3 <= n.size() + 1;
    if ((typo || n.rfind(typed, 0) == 0) && (best.empty() || d < best_distance)) {
      best = n;
      best_distance = d;
    }
  }
  return best;
}

// Refuses an unknown command with "did you mean", as git does.
void check_command_name(const CLI::App& app, const std::vector<std::string>& args) {
  if (const auto position = command_position(args)) {
    const std::string& a = args[*position];
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), a) != names.end()) return;
    std::erase_if(names, [](const std::string& n) { return n.rfind("__", 0) == 0; });
    const std::string best = closest_name(a, names);
    throw Error(Errc::usage, "unknown command " + quote(a),
                best.empty() ? "run 'irctl --help' for the list of commands" : "did you mean 'irctl " + best + "'?");
  }
}

// Whether `irctl --help` (or -h) is asked for before any "--".
bool asks_for_help(const std::vector<std::string>& args) {
  const auto end = std::find(args.begin(), args.end(), "--");
  return std::find(args.begin(), end, "--help") != end || std::find(args.begin(), end, "-h") != end;
}

// Building a command's options is a quarter of what a short command costs
// (CLI11 constructs every option, with its validators, before parsing), so
// only the command typed is built, and none when no command is typed
// (--version; a missing command is refused all the same). The root's --help
// lists every command, an unknown one gets "did you mean" from all their
// names, and a command that Needs::every_command walks them all: then all
// are built.
void register_commands(CLI::App& app, Context& ctx, const std::vector<std::string>& args) {
  const auto position = command_position(args);
  if (!position && !asks_for_help(args)) return;
  if (position) {
    const auto typed = std::find_if(std::begin(kCommands), std::end(kCommands),
                                    [&](const Command& c) { return c.name == args[*position]; });
    if (typed != std::end(kCommands) && typed->needs == Needs::itself) {
      typed->registrar(app, ctx);
      return;
    }
  }
  for (const Command& c : kCommands) c.registrar(app, ctx);
}

// The command that was parsed, as typed after "irctl" ("action add"); empty
// when none was.
std::vector<const CLI::App*> parsed_commands(const CLI::App& app) {
  std::vector<const CLI::App*> chain;
  for (const CLI::App* at = &app; !at->get_subcommands().empty();) chain.push_back(at = at->get_subcommands().back());
  return chain;
}

std::string command_words(const CLI::App& app) {
  std::string words;
  for (const auto* sub : parsed_commands(app)) words += " " + sub->get_name();
  return words;
}

// What to say about arguments the command does not take: a mistyped option
// gets "did you mean", from the options of the command and the global ones.
std::string unexpected_arguments_hint(const CLI::App& app, const std::vector<std::string>& unexpected) {
  std::vector<std::string> options;
  std::vector<const CLI::App*> scopes = parsed_commands(app);
  scopes.push_back(&app);
  for (const auto* scope : scopes)
    for (const auto* opt : scope->get_options())
      for (const auto& name : opt->get_lnames()) options.push_back("--" + name);
  for (const auto& arg : unexpected) {
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) continue;
    const std::string best = closest_name(arg.substr(0, arg.find('=')), options);
    if (!best.empty()) return "did you mean '" + best + "'?";
  }
  return "run 'irctl" + command_words(app) + " --help' for usage";
}

void report(const Context& ctx, Errc code, const std::string& message, const std::string& hint) {
  if (ctx.json()) {
    Json j = {{"error", {{"code", errc_name(code)}, {"exit", exit_status(code)}, {"message", message}}}};
    if (!hint.empty()) j["error"]["hint"] = hint;
    ctx.io.err << j.dump() << "\n";
    return;
  }
  ctx.io.err << "irctl: " << colored("error:", kRed, ctx.color_err()) << " " << printable(message) << "\n";
  if (!hint.empty()) ctx.io.err << "hint: " << printable(hint) << "\n";
}

int report_unexpected_arguments(const Context& ctx, const CLI::App& app) {
  // CLI11's own message lists them in reverse order.
  const std::vector<std::string> unexpected = app.remaining(true);
  std::string message = unexpected.size() == 1 ? "the following argument was not expected:"
                                               : "the following arguments were not expected:";
  for (const auto& a : unexpected) message += " " + a;
  report(ctx, Errc::usage, message, unexpected_arguments_hint(app, unexpected));
  return exit_status(Errc::usage);
}

void configure_root(CLI::App& app, GlobalOptions& g) {
  app.name("irctl");
  app.description(
      "irctl: incident response from the shell, recorded in git.\n"
      "Each incident is a TOML file in a git repository; every change is an event\n"
      "on its timeline and one commit.");
  app.set_version_flag("--version", version_line());
  app.require_subcommand(1);
  // Global options may also follow the command: `irctl show @ --json`.
  app.fallthrough();
  repeatable(app.add_option("-C", g.dirs,
                            "Run as if irctl was started in DIR (repeatable: each relative to the one before)")
                 ->option_text("DIR"));
  app.add_flag("--json", g.json, "Print one JSON document on stdout (errors as JSON on stderr)");
  app.add_option("--as", g.as, "Record as this person instead of git's user.name/user.email")
      ->option_text("\"NAME <EMAIL>\"");
  app.add_option("--at", g.at, "Record the event at TIME (RFC 3339, or relative like -15m)")->option_text("TIME");
  app.add_flag("-q,--quiet", g.quiet, "Print only the essential output");
  app.add_flag("--no-color", g.no_color, "Never use colour");
  app.add_flag("--no-pager", g.no_pager, "Never send long output (show, timeline, log) through a pager");
  app.footer(
      "Examples:\n"
      "  irctl init incidents && cd incidents\n"
      "  irctl declare \"Checkout API returns 503\" --severity SEV2 --service checkout\n"
      "  irctl use K7Q && irctl note @ \"Rolled back deploy 4711\"\n"
      "  irctl show @ --json\n"
      "\n"
      "Run 'irctl COMMAND --help' for a command's options; 'man irctl' for the manual.");
}

}  // namespace

std::span<const Command> commands() { return kCommands; }

std::string irctl_version() { return IRCTL_VERSION; }

std::string version_line() { return "irctl version " + irctl_version(); }

Repository& Context::repo() {
  if (!repo_) {
    repo_ = std::make_unique<Repository>(Repository::discover(start_dir()));
    // discover() takes the lock and finishes or drops a write a killed irctl
    // left, before anything is read: every command that does says so here, once.
    if (const auto& recovered = repo_->recovered_write()) warn(*recovered);
    if (configure_merge_driver) configure_missing_merge_driver_once();
  }
  return *repo_;
}

void Context::configure_missing_merge_driver_once() {
  try {
    if (configure_missing_merge_driver(*repo_, self_program()))
      status("Configured git's merge driver for incident files in this clone (merge.irctl.driver in .git/config): "
             "'git pull' now merges them as 'irctl sync' does");
  } catch (const Error&) {
    // A configuration irctl may not write (a read-only clone) stops no command.
  }
}

std::string self_program() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("irctl") : exe.string();
}

std::string Context::start_dir() const {
  const bool moved = std::any_of(global.dirs.begin(), global.dirs.end(), [](const auto& d) { return !d.empty(); });
  if (!moved && env.irctl_dir && !env.irctl_dir->empty()) return *env.irctl_dir;
  return dir_after_c_options();
}

// git's rule for -C given several times: each is relative to the one before,
// and an absolute one starts again from there; an empty one changes nothing.
// git changes to each in turn, so each must be a directory: a command that
// creates its path (init) must not create one that -C mistyped.
std::string Context::dir_after_c_options() const {
  std::string dir = env.cwd;
  for (const auto& d : global.dirs) {
    if (d.empty()) continue;
    dir = d[0] == '/' ? d : dir + "/" + d;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
      throw Error(Errc::usage,
                  "cannot change to " + quote(d) + ": " +
                      (std::filesystem::exists(dir, ec) ? "not a directory" : "no such directory"),
                  "check the path given to -C");
  }
  return dir;
}

std::string Context::user_path(const std::string& path) const {
  if (path.empty() || path[0] == '/') return path;
  return dir_after_c_options() + "/" + path;
}

std::string Context::user_folder(const std::string& path) const {
  std::string out = std::filesystem::path(user_path(path)).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

Timestamp Context::parse_time(const std::string& text) const { return irctl::parse_time(text, now_); }

Actor Context::actor(const Repository& r) const { return resolve_actor(global.as, env.irctl_actor, r); }

Recorder Context::recorder() {
  Repository& r = repo();
  return Recorder{actor(r), global.at ? parse_time(*global.at) : now_, now_};
}

void Context::page_output() const {
  if (global.json || global.no_pager || !io.out_is_tty || !io.start_pager) return;
  if (const std::string command = pager_command(env); !command.empty()) io.start_pager(command);
}

void Context::status(const std::string& message) const {
  if (!global.quiet && !global.json) io.err << message << "\n";
}

void Context::warn(const std::string& message) const {
  if (global.json) return;
  io.err << "irctl: " << colored("warning:", kYellow, color_err()) << " " << printable(message) << "\n";
}

void Context::print_json(const Json& j) const { io.out << j.dump(2) << "\n"; }

void set_examples(CLI::App* cmd, const std::string& examples) { cmd->footer("Examples:\n" + examples); }

Json problems_json(const std::vector<FileProblem>& problems) {
  Json list = Json::array();
  for (const auto& p : problems) list.push_back({{"path", p.path}, {"message", p.message}});
  return list;
}

void report_problems(Context& ctx, const std::vector<FileProblem>& problems) {
  if (problems.empty()) return;
  for (const auto& p : problems) ctx.warn(p.message);
  throw Error(Errc::data, std::to_string(problems.size()) + " incident file(s) could not be read",
              "fix them by hand, or bring back good versions with 'git log -- FILE' and 'git checkout COMMIT -- FILE'");
}

CLI::Option* repeatable(CLI::Option* opt) {
  return opt->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::Option* add_id_option(CLI::App* cmd, std::string& id, Context& ctx) {
  return completes_incident_ids(
      cmd->add_option("id", id, "Incident: its ID, any unique part of it, or @ for the current one")->required(), ctx);
}

Json event_result_json(const EventResult& r) {
  Json j = {{"id", r.incident_id}, {"recorded", r.recorded}};
  add_event_result_json(j, r);
  return j;
}

void print_event_result(Context& ctx, const EventResult& r, const std::string& message, const std::string& unchanged) {
  if (ctx.json()) {
    ctx.print_json(event_result_json(r));
    return;
  }
  ctx.status(r.recorded ? message : r.incident_id + ": " + unchanged);
  if (r.hook_warning) ctx.warn(*r.hook_warning);
}

std::string text_argument(const std::vector<std::string>& words, Context& ctx) {
  if (words.size() == 1 && words[0] == "-") return read_limited_text(ctx.io.in, "standard input");
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
  return text;
}

namespace {

struct PhaseOptions {
  std::string id;
  std::vector<std::string> action;
  PhaseAction request;
};

void run_phase(PhaseOptions o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  o.request.action = text_argument(o.action, ctx);
  for (auto& f : o.request.evidence_files) f = ctx.user_path(f);
  const EventResult r = record_phase_action(repo, id, o.request, ctx.recorder());
  std::string message = id + ": " + o.request.phase + " recorded";
  if (r.event.set.count("status")) message += "; status is now " + r.event.set.at("status").as_string().str;
  for (const auto& ev : recorded_evidence(r.event))
    message += "\n  evidence sha256:" + ev.sha256 + "  " + printable(ev.source) +
               (ev.stored.empty() ? "" : "  (kept in " + ev.stored + ")");
  print_event_result(ctx, r, message);
}

}  // namespace

void register_phase_command(CLI::App& app, Context& ctx, const std::string& name, const std::string& phase,
                            const std::string& description, const std::string& examples, PhaseEvidence evidence) {
  auto o = std::make_shared<PhaseOptions>();
  o->request.phase = phase;
  auto* cmd = app.add_subcommand(name, description);
  add_id_option(cmd, o->id, ctx);
  cmd->add_option("action", o->action, "What was done (several words are joined; - reads stdin)")->required();
  if (evidence == PhaseEvidence::files) {
    repeatable(cmd->add_option("-e,--evidence", o->request.evidence_files,
                               "A file collected as evidence: its SHA-256, size, source path, collector and time go "
                               "on the timeline, and the file is kept under evidence/ (repeatable)")
                   ->option_text("FILE"));
    cmd->add_flag("--hash-only", o->request.hash_only, "Record the evidence's hash and size but do not keep the file");
  }
  set_examples(cmd, examples);
  cmd->callback([o, &ctx] { run_phase(*o, ctx); });
}

int run(const std::vector<std::string>& args, Io& io, const Env& env) {
  Context ctx(io, env);
  CLI::App app;
  configure_root(app, ctx.global);
  register_commands(app, ctx, args);

  // --json may come anywhere before "--"; errors before parsing must already honour it.
  ctx.global.json = std::find(args.begin(), std::find(args.begin(), args.end(), "--"), "--json") !=
                    std::find(args.begin(), args.end(), "--");
  // --at is checked before any command runs, so that no command ignores a bad one.
  app.parse_complete_callback([&ctx] {
    if (ctx.global.at) ctx.parse_time(*ctx.global.at);
  });
  try {
    require_utf8_arguments(args);
    check_command_name(app, args);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    app.parse(reversed);
    return ctx.exit_code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::ExtrasError&) {
    return report_unexpected_arguments(ctx, app);
  } catch (const CLI::ParseError& e) {
    // An unknown option and no command ("irctl --verison"): the option is the mistake.
    if (parsed_commands(app).empty() && !app.remaining(true).empty()) return report_unexpected_arguments(ctx, app);
    std::string message = e.what();
    if (!message.empty()) message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    report(ctx, Errc::usage, message, "run 'irctl" + command_words(app) + " --help' for usage");
    return exit_status(Errc::usage);
  } catch (const Error& e) {
    report(ctx, e.code(), e.what(), e.hint());
    return exit_status(e.code());
  } catch (const std::exception& e) {
    report(ctx, Errc::failure, e.what(), "");
    return exit_status(Errc::failure);
  }
}

void Completers::add(const CLI::Option* opt, Completer completer, Matching matching) {
  entries_.push_back({opt, {std::move(completer), matching}});
}

const std::pair<Completer, Matching>* Completers::find(const CLI::Option* opt) const {
  for (const auto& [o, entry] : entries_)
    if (o == opt) return &entry;
  return nullptr;
}

CLI::Option* one_of(CLI::Option* opt, const AllowedValues& values, Context& ctx, Case letters) {
  if (letters == Case::ignored)
    opt->check(CLI::IsMember(values.names(), CLI::ignore_case));
  else
    opt->check(CLI::IsMember(values.names()));
  return offers(opt, values, ctx);
}

CLI::Option* offers(CLI::Option* opt, const AllowedValues& values, Context& ctx) {
  return completed_by(opt, [values](const CompletionQuery&) {
    std::vector<Candidate> out;
    for (const auto& v : values) out.push_back({v.name, v.description});
    return out;
  }, ctx);
}

CLI::Option* completed_by(CLI::Option* opt, Completer completer, Context& ctx, Matching matching) {
  ctx.completers.add(opt, std::move(completer), matching);
  return opt;
}

Config completion_config(Context& ctx) {
  try {
    return ctx.repo().config();
  } catch (const std::exception&) {
    return parse_config(default_config_text());
  }
}

std::vector<Candidate> incident_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  if (q.current.empty() || q.current == "@") out.push_back({"@", "the current incident (irctl use)"});
  try {
    Repository& repo = q.ctx.repo();
    std::vector<std::string> ids = q.current.empty() ? repo.incident_ids() : match_ids(repo.incident_ids(), q.current);
    std::reverse(ids.begin(), ids.end());  // newest first
    constexpr size_t kDescribed = 50;  // titles cost a parse each
    for (size_t i = 0; i < ids.size(); ++i) {
      std::string title;
      if (i < kDescribed) try {
          title = load_incident(repo, ids[i]).incident().title;
        } catch (const std::exception&) {
        }
      out.push_back({ids[i], title});
    }
  } catch (const std::exception&) {
  }
  return out;
}

CLI::Option* completes_incident_ids(CLI::Option* opt, Context& ctx) {
  return completed_by(opt, incident_candidates, ctx, Matching::own);
}

std::vector<Candidate> severity_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& s : completion_config(q.ctx).severities) out.push_back({s.name, s.title});
  return out;
}

std::vector<Candidate> kind_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& k : completion_config(q.ctx).kinds) out.push_back({k.name, k.title});
  return out;
}

std::vector<Candidate> service_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  for (const auto& s : completion_config(q.ctx).services) out.push_back({s.name, s.team});
  return out;
}

}  // namespace irctl::cli
