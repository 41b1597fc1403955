// irctl task ID [done|undo N...]: the playbook's checklist for an incident.

#include <algorithm>
#include <charconv>

#include "cmd/commands.hpp"
#include "cmd/output.hpp"

namespace irctl::cli {
namespace {

struct TaskOptions {
  std::string id;
  std::string action;
  std::vector<std::string> numbers;  ///< as typed: task_numbers() reads them
};

const AllowedValues& task_actions() {
  static const AllowedValues actions = {{"done", "tick a task off"}, {"undo", "reopen a task"}};
  return actions;
}

void print_tasks(const Incident& inc, Context& ctx) {
  if (ctx.json()) {
    Json tasks = Json::array();
    for (size_t i = 0; i < inc.tasks.size(); ++i) {
      const Task& t = inc.tasks[i];
      Json j = {{"number", i + 1}, {"text", t.text}, {"done", t.done}};
      if (t.done_at) j["done_at"] = format_rfc3339(*t.done_at);
      if (!t.done_by.empty()) j["done_by"] = t.done_by;
      tasks.push_back(j);
    }
    ctx.print_json({{"id", inc.id}, {"tasks", tasks}});
    return;
  }
  if (inc.tasks.empty()) {
    ctx.status(inc.id + " has no tasks (no playbook for kind " + inc.kind + " in .irctl/playbooks/)");
    return;
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < inc.tasks.size(); ++i) {
    const Task& t = inc.tasks[i];
    rows.push_back({std::to_string(i + 1), t.done ? "[x]" : "[ ]", printable(t.text),
                    t.done ? "(" + printable(short_name(t.done_by)) + ", " + format_short(*t.done_at) + ")" : ""});
  }
  ctx.io.out << format_table(rows);
}

// The task numbers typed, each once, in the order first given (as git takes
// a path named twice); a word that is not a number is a usage error.
std::vector<int> task_numbers(const TaskOptions& o) {
  std::vector<int> numbers;
  for (const auto& word : o.numbers) {
    int n = 0;
    const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), n);
    if (ec != std::errc() || end != word.data() + word.size())
      throw Error(Errc::usage, quote(word) + " is not a task number", "give the numbers that 'irctl task " + o.id + "' lists");
    if (std::find(numbers.begin(), numbers.end(), n) == numbers.end()) numbers.push_back(n);
  }
  return numbers;
}

void run_task(const TaskOptions& o, Context& ctx) {
  Repository& repo = ctx.repo();
  const std::string id = resolve_incident_id(repo, o.id);
  if (o.action.empty()) {
    print_tasks(load_incident(repo, id).incident(), ctx);
    return;
  }
  if (o.action != "done" && o.action != "undo")
    throw Error(Errc::usage, "unknown task action " + quote(o.action), "use: irctl task ID done N, or irctl task ID undo N");
  if (o.numbers.empty())
    throw Error(Errc::usage, "which task?", "give its number: irctl task " + o.id + " " + o.action + " N");
  const bool done = o.action == "done";
  const std::vector<int> numbers = task_numbers(o);
  const std::vector<EventResult> results =
      mark_tasks(repo, id, numbers, done ? MarkAs::done : MarkAs::open, ctx.recorder());
  if (ctx.json() && results.size() > 1) {
    Json list = Json::array();
    for (const auto& r : results) list.push_back(event_result_json(r));
    ctx.print_json({{"id", id}, {"results", list}});
    return;
  }
  for (size_t i = 0; i < results.size(); ++i)
    print_event_result(ctx, results[i], id + ": " + printable(results[i].event.text),
                       "task " + std::to_string(numbers[i]) + " is already " + (done ? "done" : "open"));
}

// The numbers of the tasks that the action typed would change (open ones
// for done, done ones for undo), less those already typed after it.
std::vector<Candidate> task_number_candidates(const CompletionQuery& q) {
  std::vector<Candidate> out;
  if (q.positionals.size() < 2 || !task_actions().contains(q.positionals[1])) return out;
  const bool done = q.positionals[1] == "done";
  try {
    Repository& repo = q.ctx.repo();
    const Incident inc = load_incident(repo, resolve_incident_id(repo, q.positionals[0])).incident();
    for (size_t i = 0; i < inc.tasks.size(); ++i) {
      const std::string number = std::to_string(i + 1);
      if (inc.tasks[i].done != done && std::find(q.positionals.begin() + 2, q.positionals.end(), number) == q.positionals.end())
        out.push_back({number, inc.tasks[i].text});
    }
  } catch (const std::exception&) {
  }
  return out;
}

}  // namespace

void register_task(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<TaskOptions>();
  auto* cmd = app.add_subcommand("task", "List an incident's playbook tasks, or tick some off (done N... / undo N...)");
  add_id_option(cmd, o->id, ctx);
  one_of(cmd->add_option("action", o->action, task_actions().listed()), task_actions(), ctx);
  completed_by(cmd->add_option("number", o->numbers, "The tasks' numbers, as listed: each is recorded once, in the order given"),
               task_number_candidates, ctx);
  set_examples(cmd,
               "  irctl task @             # the checklist\n"
               "  irctl task @ done 2\n"
               "  irctl task @ done 3 4 5\n"
               "  irctl task @ undo 2");
  cmd->callback([o, &ctx] { run_task(*o, ctx); });
}

}  // namespace irctl::cli
