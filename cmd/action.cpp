// irctl action add|done|reopen|edit|list: follow-up actions from incident reviews.

#include <algorithm>
#include <functional>
#include <sstream>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"
#include "core/actions.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {
namespace {

struct ActionAddOptions {
  std::string id;
  std::vector<std::string> text;
  FollowUpRequest request;
};

struct ActionMarkOptions {
  std::string id;
  std::string which;
};

struct ActionEditOptions {
  std::string id;
  std::string which;
  FollowUpEdit edit;
  bool no_owner = false;
  bool no_due = false;
  bool no_type = false;
  bool no_link = false;
};

struct ActionListOptions {
  std::string id;
  FollowUpFilter filter;
};

void run_add(ActionAddOptions o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  o.request.text = text_argument(o.text, ctx);
  const EventResult r = add_follow_up(repo, id, o.request, ctx.recorder());
  print_event_result(ctx, r, id + ": action " + std::to_string(r.follow_up_number) + " added: " + printable(r.event.text));
}

void run_mark(const ActionMarkOptions& o, bool done, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = mark_follow_up(repo, id, o.which, done ? MarkAs::done : MarkAs::open, ctx.recorder());
  print_event_result(ctx, r, id + ": action " + printable(r.event.text),
                     "action " + o.which + " is already " + (done ? "done" : "open"));
}

// An empty value would read as "clear it"; --no-owner (and the others) says
// that, so that there is one way to do it.
void apply_clear_flags(ActionEditOptions& o) {
  const struct {
    const char* name;
    std::optional<std::string>* value;
    bool clear;
  } fields[] = {{"owner", &o.edit.owner, o.no_owner},
                {"due", &o.edit.due, o.no_due},
                {"type", &o.edit.type, o.no_type},
                {"link", &o.edit.link, o.no_link}};
  for (const auto& f : fields) {
    if (*f.value && f.clear)
      throw Error(Errc::usage, std::string("--") + f.name + " and --no-" + f.name + " contradict each other",
                  std::string("give one of them"));
    if (*f.value && trim(**f.value).empty())
      throw Error(Errc::usage, std::string("--") + f.name + " needs a value",
                  std::string("to clear the ") + f.name + ", give --no-" + f.name);
    if (f.clear) *f.value = std::string();
  }
}

void run_edit(ActionEditOptions o, Context& ctx) {
  apply_clear_flags(o);
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  const EventResult r = edit_follow_up(repo, id, o.which, o.edit, ctx.recorder());
  print_event_result(ctx, r, id + ": action " + printable(r.event.text),
                     "action " + o.which + " is already so; nothing changed");
}

// The numbers of the incident's actions that `wanted` accepts (for done:
// the open ones; for reopen: the done ones; for edit: all).
std::vector<Candidate> follow_up_numbers(const CompletionQuery& q, const std::function<bool(const FollowUp&)>& wanted) {
  std::vector<Candidate> out;
  if (q.positionals.empty()) return out;
  try {
    Repository& repo = q.ctx.repo();
    const IncidentFile file = load_incident(repo, resolve_incident_id(repo, q.positionals.front()));
    for (const auto& a : file.incident().actions)
      if (wanted(a)) out.push_back({std::to_string(a.number), a.text});
  } catch (const std::exception&) {
  }
  return out;
}

std::vector<std::string> action_row(const FollowUpRow& row) {
  const FollowUp& a = row.action;
  const std::string due = a.due.empty() ? "-" : a.due;
  const std::string status = a.done ? "done" : row.overdue ? "overdue" : "open";
  return {row.incident, std::to_string(a.number), due, a.owner.empty() ? "-" : printable(short_name(a.owner)),
          a.type.empty() ? "-" : a.type, status, printable(a.text)};
}

void run_list(ActionListOptions o, Context& ctx) {
  Repository& repo = ctx.repo();
  if (!o.id.empty()) o.filter.incident = resolve_incident_id(repo, o.id);
  o.filter.today = date_of(ctx.now());
  const FollowUpList list = list_follow_ups(repo, o.filter);
  if (ctx.json()) {
    Json actions = Json::array();
    for (const auto& row : list.rows) {
      Json j = follow_up_to_json(row.action, o.filter.today);
      j["incident"] = row.incident;
      j["incident_title"] = row.incident_title;
      j["incident_status"] = row.incident_status;
      actions.push_back(j);
    }
    ctx.print_json({{"actions", actions}, {"problems", problems_json(list.problems)}});
  } else if (list.rows.empty()) {
    ctx.status(o.filter.overdue_only ? "No overdue actions." : "No actions match.");
  } else {
    const bool color = ctx.color_out();
    std::vector<std::vector<std::string>> rows = {{"INCIDENT", "#", "DUE", "OWNER", "TYPE", "STATUS", "ACTION"}};
    for (const auto& row : list.rows) rows.push_back(action_row(row));
    std::string table = format_table(rows);
    if (color) {
      // Colour codes would skew the alignment: colour after it, the header dim
      // and the due dates of overdue actions red. Row i is line i + 1.
      std::istringstream lines(table);
      std::string line, out;
      for (size_t i = 0; std::getline(lines, line); ++i) {
        if (i == 0) {
          line = painted(line, kDim);
        } else if (i <= list.rows.size() && list.rows[i - 1].overdue && line.rfind(list.rows[i - 1].incident, 0) == 0) {
          const std::string& due = list.rows[i - 1].action.due;
          const auto pos = line.find(due, list.rows[i - 1].incident.size());
          if (pos != std::string::npos) line.replace(pos, due.size(), painted(due, kRed));
        }
        out += line + "\n";
      }
      table = out;
    }
    ctx.io.out << table;
  }
  report_problems(ctx, list.problems);
  // A scheduled job fails while follow-ups are overdue.
  if (o.filter.overdue_only && !list.rows.empty()) ctx.exit_code = kExitCheckFound;
}

}  // namespace

void register_action(CLI::App& app, Context& ctx) {
  auto* cmd =
      app.add_subcommand("action", "Track follow-up actions: add, done, reopen, edit, list (across all incidents)");
  cmd->require_subcommand(1);
  set_examples(cmd,
               "  irctl action add @ \"Add a canary stage to the deploy\" --owner alice --due 14d --type prevent\n"
               "  irctl action list --open --owner alice\n"
               "  irctl action done K7Q 2\n"
               "  irctl action list --overdue || notify-team     # exit 6 while any is overdue");

  auto add = std::make_shared<ActionAddOptions>();
  auto* a = cmd->add_subcommand("add", "Add a follow-up action to an incident");
  add_id_option(a, add->id, ctx);
  a->add_option("text", add->text, "What is to be done (several words are joined; - reads stdin)")->required();
  a->add_option("-o,--owner", add->request.owner, "Who owns it: a name or \"Name <email>\"")->option_text("PERSON");
  a->add_option("-d,--due", add->request.due, "When it is due: a date (2026-12-15) or a span from today (14d, 2w)")
      ->option_text("DATE");
  one_of(a->add_option("-t,--type", add->request.type, follow_up_types().listed())->option_text("TYPE"),
         follow_up_types(), ctx, Case::ignored);
  a->add_option("-l,--link", add->request.link, "A ticket or document that tracks it")->option_text("URL");
  set_examples(a,
               "  irctl action add @ \"Alert on the error budget, not on single errors\" --owner bob --type detect\n"
               "  irctl action add K7Q \"Add a canary stage\" -o \"Alice <alice@example.com>\" -d 2026-12-15 \\\n"
               "      -l https://tracker.example.com/OPS-123");
  a->callback([add, &ctx] { run_add(*add, ctx); });

  for (const bool done : {true, false}) {
    auto mark = std::make_shared<ActionMarkOptions>();
    auto* m = cmd->add_subcommand(done ? "done" : "reopen",
                                  done ? "Mark a follow-up action done" : "Mark a follow-up action open again");
    add_id_option(m, mark->id, ctx);
    completed_by(m->add_option("number", mark->which, "The action's number on the incident (or its id), as listed")
                     ->required(),
                 [done](const CompletionQuery& q) {
                   return follow_up_numbers(q, [done](const FollowUp& f) { return f.done != done; });
                 },
                 ctx);
    set_examples(m, done ? "  irctl action done @ 2" : "  irctl action reopen @ 2");
    m->callback([mark, done, &ctx] { run_mark(*mark, done, ctx); });
  }

  auto edit = std::make_shared<ActionEditOptions>();
  auto* e = cmd->add_subcommand("edit", "Change a follow-up action's text, owner, due date, type or link");
  add_id_option(e, edit->id, ctx);
  completed_by(e->add_option("number", edit->which, "The action's number on the incident (or its id), as listed")
                   ->required(),
               [](const CompletionQuery& q) { return follow_up_numbers(q, [](const FollowUp&) { return true; }); },
               ctx);
  e->add_option("--text", edit->edit.text, "What is to be done, in new words")->option_text("TEXT");
  e->add_option("-o,--owner", edit->edit.owner, "A new owner: a name or \"Name <email>\"")->option_text("PERSON");
  e->add_option("-d,--due", edit->edit.due,
                "A new due date: a date (2026-12-15) or a span from the event's time (14d, 2w)")
      ->option_text("DATE");
  one_of(e->add_option("-t,--type", edit->edit.type, follow_up_types().listed())->option_text("TYPE"),
         follow_up_types(), ctx, Case::ignored);
  e->add_option("-l,--link", edit->edit.link, "A new ticket or document that tracks it")->option_text("URL");
  e->add_flag("--no-owner", edit->no_owner, "Clear the owner");
  e->add_flag("--no-due", edit->no_due, "Clear the due date");
  e->add_flag("--no-type", edit->no_type, "Clear the type");
  e->add_flag("--no-link", edit->no_link, "Clear the link");
  set_examples(e,
               "  irctl action edit @ 2 --owner \"Carol <carol@example.com>\" --due 2026-12-20\n"
               "  irctl action edit K7Q 1 --text \"Add a canary stage to every deploy\" --type prevent\n"
               "  irctl action edit @ 3 --no-due --no-link");
  e->callback([edit, &ctx] { run_edit(*edit, ctx); });

  auto list = std::make_shared<ActionListOptions>();
  auto* l = cmd->add_subcommand("list", "List follow-up actions of every incident (or one), by due date");
  completes_incident_ids(l->add_option("id", list->id, "Only this incident's actions"), ctx);
  l->add_flag("--open", list->filter.open_only, "Only actions not done yet");
  l->add_flag("--overdue", list->filter.overdue_only,
              "Only open actions past their due date; exit status 6 when there are any");
  l->add_option("--owner", list->filter.owner, "Only actions of this owner (name, email, or both)")
      ->option_text("PERSON");
  set_examples(l,
               "  irctl action list --open\n"
               "  irctl action list --owner alice@example.com --json | jq -r '.actions[].text'\n"
               "  irctl action list @");
  l->callback([list, &ctx] { run_list(*list, ctx); });
}

}  // namespace irctl::cli
