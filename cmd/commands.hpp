#pragma once
// The command line: a Context shared by every command, the registration of
// each command (one file per command in cmd/), and run(), the one place where
// errors become messages and exit statuses.
//
// What an option or a positional argument accepts is declared where it is
// registered, as gh's StringEnumFlag does: a closed set from core
// (AllowedValues) checks the value and completes it (one_of); other values
// (the configured severities, incident IDs, a follow-up's numbers) are
// completed by a function (completed_by). `irctl __complete` asks the option
// it completes, never its name.

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/allowed_values.hpp"
#include "core/model/config.hpp"
#include "core/model/tomldoc.hpp"
#include "core/operations.hpp"

namespace irctl::cli {

class Context;

struct Candidate {
  std::string word;
  std::string description;
};

/// What is known when a value is completed.
struct CompletionQuery {
  Context& ctx;
  std::vector<std::string> positionals;  ///< the command's positional arguments before the value
  std::string current;                   ///< what is typed of the value so far
};

/// The candidates for a value; complete() keeps those that start with what
/// is typed, unless the completer matched them itself (Matching::own).
using Completer = std::function<std::vector<Candidate>(const CompletionQuery&)>;
enum class Matching { prefix, own };

/// The completers of one run's options (a member of Context).
class Completers {
 public:
  void add(const CLI::Option* opt, Completer completer, Matching matching);
  /// nullptr when `opt` has none.
  const std::pair<Completer, Matching>* find(const CLI::Option* opt) const;

 private:
  std::vector<std::pair<const CLI::Option*, std::pair<Completer, Matching>>> entries_;
};

enum class Case { exact, ignored };
/// `opt` takes one of `values`: anything else is a usage error, and
/// completion offers them with their descriptions.
CLI::Option* one_of(CLI::Option* opt, const AllowedValues& values, Context& ctx, Case letters = Case::exact);
/// `opt` completes to `values`; what it accepts is checked elsewhere (by
/// core, with its own message).
CLI::Option* offers(CLI::Option* opt, const AllowedValues& values, Context& ctx);
/// `opt` completes with `completer`.
CLI::Option* completed_by(CLI::Option* opt, Completer completer, Context& ctx, Matching matching = Matching::prefix);

/// The configuration of the repository in reach, else the defaults.
Config completion_config(Context& ctx);

// Completers that several commands share.
std::vector<Candidate> incident_candidates(const CompletionQuery& q);  ///< Matching::own: any part of an ID
std::vector<Candidate> severity_candidates(const CompletionQuery& q);
std::vector<Candidate> kind_candidates(const CompletionQuery& q);
std::vector<Candidate> service_candidates(const CompletionQuery& q);
/// `opt` completes incident IDs (any unique part of one, as resolve_incident_id takes it).
CLI::Option* completes_incident_ids(CLI::Option* opt, Context& ctx);

struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool out_is_tty = false;
  bool err_is_tty = false;
  bool in_is_tty = false;
  /// Sends the rest of `out` through the pager command given (main() sets
  /// it; without it nothing is paged).
  std::function<void(const std::string& command)> start_pager = nullptr;
};

/// What the command line reads from the environment (IRCTL_DIR, IRCTL_ACTOR,
/// NO_COLOR, TERM), gathered once by main() so that tests can pass their own.
/// A variable that belongs to one job is read where that job is done: the
/// core's limits in seconds through core/util/env.hpp, VISUAL and EDITOR by
/// 'irctl edit', HOME by the global merge-driver install.
struct Env {
  std::string cwd;
  std::optional<std::string> irctl_dir;    ///< IRCTL_DIR
  std::optional<std::string> irctl_actor;  ///< IRCTL_ACTOR
  bool no_color = false;                   ///< NO_COLOR set, or TERM=dumb
  std::optional<std::string> irctl_pager;  ///< IRCTL_PAGER
  std::optional<std::string> pager;        ///< PAGER
};

struct GlobalOptions {
  std::vector<std::string> dirs;  ///< -C, in the order given
  bool json = false;
  std::optional<std::string> as;
  std::optional<std::string> at;
  bool quiet = false;
  bool no_color = false;
  bool no_pager = false;
};

class Context {
 public:
  Context(Io& streams, Env environment) : io(streams), env(std::move(environment)) {}

  Io& io;
  const Env env;
  GlobalOptions global;

  /// The incident repository: -C, else IRCTL_DIR, else the current directory.
  Repository& repo();
  /// The directory irctl was pointed at (for init and discovery).
  std::string start_dir() const;
  /// A path the user typed, as git -C would read it: relative to -C DIR when
  /// given, else to the current directory.
  std::string user_path(const std::string& path) const;
  /// user_path of a folder, normalised ("a/./b/" -> "a/b"), as messages
  /// and the output name it.
  std::string user_folder(const std::string& path) const;
  /// The wall clock, read once per run so that every time in it agrees.
  Timestamp now() const { return now_; }
  Timestamp parse_time(const std::string& text) const;
  /// Who records this and when (--as, --at).
  Recorder recorder();
  Actor actor(const Repository& repo) const;

  bool json() const { return global.json; }
  bool color_err() const { return io.err_is_tty && !global.no_color && !env.no_color; }
  bool color_out() const { return io.out_is_tty && !global.no_color && !env.no_color; }
  /// Pages what follows on stdout (long text: show, timeline, log) when it
  /// goes to a terminal, unless --json or --no-pager.
  void page_output() const;
  /// A status line for people, on stderr; silent with -q or --json.
  void status(const std::string& message) const;
  void warn(const std::string& message) const;
  void print_json(const Json& j) const;

  /// The exit status of a command that ran to its end: 0, or kExitCheckFound.
  int exit_code = 0;
  /// Whether repo() defines git's merge driver in a clone that lacks it
  /// (install-merge-driver does that itself, and says so).
  bool configure_merge_driver = true;
  /// What each option completes to, for irctl __complete.
  Completers completers;

 private:
  void configure_missing_merge_driver_once();
  /// The current directory moved by every -C in turn. Throws Error(usage)
  /// when one of them is not a directory.
  std::string dir_after_c_options() const;
  Timestamp now_ = now_utc();
  std::unique_ptr<Repository> repo_;
};

/// The exit status of a check that found what it looks for (action list
/// --overdue: overdue actions; gate: an open incident), so that scripts tell
/// it from a failure.
constexpr int kExitCheckFound = 6;

/// Runs irctl with `args` (without the program name); returns the exit status.
int run(const std::vector<std::string>& args, Io& io, const Env& env);

/// What a write did, as --json prints it (the "event_result" document).
Json event_result_json(const EventResult& r);
/// Reports what a write did: with --json the incident ID, commit and event
/// (and "recorded": false when nothing changed), else `message` on stderr
/// (or `unchanged` when nothing changed); then any hook warning.
void print_event_result(Context& ctx, const EventResult& r, const std::string& message,
                        const std::string& unchanged = "nothing to change");

/// Incident files a command could not read: as JSON, and as warnings followed
/// by Error(Errc::data) (exit 65) after the command has done what it could.
Json problems_json(const std::vector<FileProblem>& problems);
void report_problems(Context& ctx, const std::vector<FileProblem>& problems);

/// An option given once per value (--service a --service b): it never takes
/// the words after its value, which belong to the command's text.
CLI::Option* repeatable(CLI::Option* opt);

/// The option that takes the incident ID, the same for every command.
CLI::Option* add_id_option(CLI::App* cmd, std::string& id, Context& ctx);

/// Whether a phase command takes evidence files (--evidence, --hash-only).
enum class PhaseEvidence { none, files };
/// Registers contain, eradicate or recover: record an action of that phase.
void register_phase_command(CLI::App& app, Context& ctx, const std::string& name, const std::string& phase,
                            const std::string& description, const std::string& examples, PhaseEvidence evidence);

/// irctl's version ("0.1.0"), and the line `irctl --version` prints:
/// "irctl version 0.1.0", as git says it.
std::string irctl_version();
std::string version_line();

/// The path of the running irctl, for git to run it again (merge driver).
std::string self_program();

/// Adds the example block that ends every command's --help.
void set_examples(CLI::App* cmd, const std::string& examples);
/// Joins words given as several arguments into one text; "-" reads stdin.
std::string text_argument(const std::vector<std::string>& words, Context& ctx);

/// What a command's run needs built besides itself: `completion` and
/// `__complete` walk the whole command tree.
enum class Needs { itself, every_command };
/// A command, as git's command table has it: registrar(app, ctx) adds the
/// subcommand called `name` (and only it) to `app`.
struct Command {
  std::string_view name;
  void (*registrar)(CLI::App&, Context&);
  Needs needs = Needs::itself;
};
/// Every command, in the order `irctl --help` lists them.
std::span<const Command> commands();

// One per file in cmd/.
void register_init(CLI::App& app, Context& ctx);
void register_declare(CLI::App& app, Context& ctx);
void register_note(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_timeline(CLI::App& app, Context& ctx);
void register_list(CLI::App& app, Context& ctx);
void register_log(CLI::App& app, Context& ctx);
void register_use(CLI::App& app, Context& ctx);
void register_severity(CLI::App& app, Context& ctx);
void register_assign(CLI::App& app, Context& ctx);
void register_ack(CLI::App& app, Context& ctx);
void register_escalate(CLI::App& app, Context& ctx);
void register_contain(CLI::App& app, Context& ctx);
void register_eradicate(CLI::App& app, Context& ctx);
void register_recover(CLI::App& app, Context& ctx);
void register_resolve(CLI::App& app, Context& ctx);
void register_reopen(CLI::App& app, Context& ctx);
void register_close(CLI::App& app, Context& ctx);
void register_void(CLI::App& app, Context& ctx);
void register_update(CLI::App& app, Context& ctx);
void register_set(CLI::App& app, Context& ctx);
void register_task(CLI::App& app, Context& ctx);
void register_postmortem(CLI::App& app, Context& ctx);
void register_action(CLI::App& app, Context& ctx);
void register_maintenance(CLI::App& app, Context& ctx);
void register_stats(CLI::App& app, Context& ctx);
void register_ingest(CLI::App& app, Context& ctx);
void register_gate(CLI::App& app, Context& ctx);
void register_status_page(CLI::App& app, Context& ctx);
void register_serve(CLI::App& app, Context& ctx);
void register_site(CLI::App& app, Context& ctx);
void register_fsck(CLI::App& app, Context& ctx);
void register_edit(CLI::App& app, Context& ctx);
void register_sync(CLI::App& app, Context& ctx);
void register_resolve_conflicts(CLI::App& app, Context& ctx);
void register_install_merge_driver(CLI::App& app, Context& ctx);
void register_merge_driver(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);
void register_complete(CLI::App& app, Context& ctx);  ///< the hidden __complete
void register_version(CLI::App& app, Context& ctx);

}  // namespace irctl::cli
