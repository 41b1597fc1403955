// irctl completion SHELL: print a completion script. The scripts ask the
// binary itself for candidates (the hidden `irctl __complete WORDS...`), so
// completions never drift from the commands and options.

#include <algorithm>
#include <cctype>

#include "cmd/commands.hpp"
#include "core/model/embedded.hpp"
#include "core/util/text.hpp"

namespace irctl::cli {
namespace {

const AllowedValues& shells() {
  static const AllowedValues names = {{"bash", ""}, {"zsh", ""}, {"fish", ""}};
  return names;
}

struct CompletionOptions {
  std::string shell;
};

struct CompleteOptions {
  std::vector<std::string> words;
};

bool is_hidden(const CLI::App* app) { return app->get_group().empty(); }
bool has_subcommands(const CLI::App* app) {
  return !app->get_subcommands([](const CLI::App*) { return true; }).empty();
}
// Flags expect no value (CLI11 gives them a type size all the same).
bool takes_value(const CLI::Option* opt) { return opt->get_expected_max() > 0; }
bool is_repeatable(const CLI::Option* opt) {
  return opt->get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
}

const CLI::Option* find_option(const CLI::App& root, const CLI::App* cmd, const std::string& name) {
  if (cmd)
    if (const auto* o = cmd->get_option_no_throw(name)) return o;
  return root.get_option_no_throw(name);
}

// The options of `app`; after a command, the global ones without --version,
// which belongs before the command.
bool global_only_before_command(const CLI::Option* opt) { return opt->check_lname("version"); }

void add_options(const CLI::App* app, std::vector<Candidate>& out, bool after_command = false) {
  const auto add = [&](const std::string& word, const std::string& description) {
    // A command's own --help and the global one are the same option.
    for (const auto& c : out)
      if (c.word == word) return;
    out.push_back({word, description});
  };
  for (const auto* opt : app->get_options()) {
    if (!opt->nonpositional() || (after_command && global_only_before_command(opt))) continue;
    for (const auto& l : opt->get_lnames()) add("--" + l, opt->get_description());
    for (const auto& s : opt->get_snames()) add("-" + s, opt->get_description());
  }
}

// Candidates that start with what is typed (in any case, as irctl takes
// severities and kinds).
std::vector<Candidate> starting_with(std::vector<Candidate> candidates, const std::string& current) {
  std::vector<Candidate> matching;
  for (auto& c : candidates)
    if (c.word.rfind(current, 0) == 0 || lower(c.word).rfind(lower(current), 0) == 0) matching.push_back(std::move(c));
  return matching;
}

// What `opt` completes to, from what was declared with it (cmd/commands.hpp: one_of, offers, completed_by).
std::vector<Candidate> values_of(const CLI::Option* opt, std::vector<std::string> positionals,
                                 const std::string& current, Context& ctx) {
  const auto* completer = ctx.completers.find(opt);
  if (!completer) return {};
  auto candidates = completer->first(CompletionQuery{ctx, std::move(positionals), current});
  return completer->second == Matching::own ? candidates : starting_with(std::move(candidates), current);
}

// "--by=se": the value of an option that takes one, typed after '=' (as
// CLI11 takes it); its candidates are whole words ("--by=severity"), as fish
// replaces the whole word (bash and zsh complete after the '=' and cut them).
struct GluedValue {
  const CLI::Option* option;
  std::string name;
  std::string value;
};
std::optional<GluedValue> glued_value(const CLI::App& root, const CLI::App* cmd, const std::string& word) {
  const size_t equals = word.find('=');
  if (word.rfind("--", 0) != 0 || equals == std::string::npos) return std::nullopt;
  const std::string name = word.substr(0, equals);
  const auto* opt = find_option(root, cmd, name);
  if (!opt || !takes_value(opt)) return std::nullopt;
  return GluedValue{opt, name, word.substr(equals + 1)};
}

// -C DIR before the command: candidates come from that repository, as the
// command will run there (Context::dir_after_c_options stacks them).
void apply_directory(const std::string& dir, Context& ctx) { ctx.global.dirs.push_back(dir); }

std::vector<Candidate> complete(const CLI::App& root, const std::vector<std::string>& words, Context& ctx) {
  const std::string current = words.empty() ? "" : words.back();
  const CLI::App* cmd = nullptr;
  const CLI::Option* pending = nullptr;
  size_t positionals = 0;
  std::vector<std::string> positional_words;
  const CLI::Option* directory = root.get_option_no_throw("-C");
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const std::string& w = words[i];
    if (pending) {
      if (pending == directory) apply_directory(w, ctx);
      pending = nullptr;
    } else if (w.size() > 1 && w[0] == '-') {
      if (w.find('=') == std::string::npos) {
        const auto* opt = find_option(root, cmd, w);
        if (opt && takes_value(opt)) pending = opt;
      }
    } else if (!cmd || (positionals == 0 && has_subcommands(cmd))) {
      // A command, or a command's own subcommand (irctl action add).
      for (const auto* sub : (cmd ? cmd : &root)->get_subcommands([](const CLI::App*) { return true; }))
        if (sub->get_name() == w) cmd = sub;
    } else {
      ++positionals;
      positional_words.push_back(w);
    }
  }

  if (pending) return values_of(pending, positional_words, current, ctx);
  if (const auto glued = glued_value(root, cmd, current)) {
    auto candidates = values_of(glued->option, positional_words, glued->value, ctx);
    for (auto& c : candidates) c.word = glued->name + "=" + c.word;
    return candidates;
  }
  std::vector<Candidate> out;
  if (current.size() > 0 && current[0] == '-') {
    if (cmd) add_options(cmd, out);
    add_options(&root, out, cmd != nullptr);
  } else if (!cmd || has_subcommands(cmd)) {
    for (const auto* sub : (cmd ? cmd : &root)->get_subcommands([](const CLI::App*) { return true; }))
      if (!is_hidden(sub)) out.push_back({sub->get_name(), sub->get_description()});
  } else {
    std::vector<const CLI::Option*> positional;
    for (const auto* opt : cmd->get_options())
      if (opt->get_positional()) positional.push_back(opt);
    if (positionals < positional.size()) return values_of(positional[positionals], positional_words, current, ctx);
    // The last one may take several words (task ID done N...): each completes.
    if (!positional.empty() && positional.back()->get_items_expected_max() > 1)
      return values_of(positional.back(), positional_words, current, ctx);
  }
  return starting_with(std::move(out), current);
}

void run_complete(const CompleteOptions& o, const CLI::App& root, Context& ctx) {
  for (const auto& c : complete(root, o.words, ctx)) {
    std::string description = c.description.substr(0, c.description.find('\n'));
    std::replace_if(
        description.begin(), description.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20; }, ' ');
    ctx.io.out << c.word << "\t" << description << "\n";
  }
}

// --- zsh: a script generated from the command definitions -------------------
// zsh shows every command and option with its description, which only a
// script that lists them can offer; it is generated here, from the same
// definitions that parse the command line, so it cannot drift from them.
// Values (incident IDs, severities, roles) still come from `irctl __complete`.

// A zsh word in single quotes.
std::string zsh_quote(const std::string& s) { return shell_quote(s); }

// A description inside an _arguments [...] or a _describe entry: one line,
// without the characters those specs give a meaning to.
std::string zsh_description(const std::string& s) {
  std::string out;
  for (const char c : s.substr(0, s.find('\n'))) {
    if (c == '[') out += '(';
    else if (c == ']') out += ')';
    else if (c == ':') out += "\\:";
    else out += c;
  }
  return out;
}

std::string zsh_function(const std::string& prefix, const CLI::App* cmd) {
  std::string name = prefix + "_" + cmd->get_name();
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

// The _arguments specs of a command's options, and of the global options
// (which may follow the command), each once.
std::vector<std::string> zsh_option_specs(const CLI::App* cmd, const CLI::App& root, const std::string& values) {
  std::vector<std::string> specs, seen;
  for (const CLI::App* app : {cmd, &root}) {
    for (const auto* opt : app->get_options()) {
      if (!opt->nonpositional() || (app != cmd && global_only_before_command(opt))) continue;
      std::vector<std::string> names, spelled;
      for (const auto& s : opt->get_snames()) names.push_back("-" + s);
      for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
      // "--by=": zsh takes the value in the next word or after '=' (--by=month).
      for (const auto& n : names) spelled.push_back(n.rfind("--", 0) == 0 && takes_value(opt) ? n + "=" : n);
      if (std::any_of(names.begin(), names.end(),
                      [&](const std::string& n) { return std::find(seen.begin(), seen.end(), n) != seen.end(); }))
        continue;
      seen.insert(seen.end(), names.begin(), names.end());
      const bool repeatable = is_repeatable(opt);
      std::string spec;
      if (names.size() == 1) {
        spec = zsh_quote((repeatable ? "*" : "") + spelled[0] + "[" + zsh_description(opt->get_description()) + "]");
      } else {
        std::string exclusion = "(" + join(names, " ") + ")";
        spec = (repeatable ? std::string("'*'") : zsh_quote(exclusion)) + "{" + join(spelled, ",") + "}" +
               zsh_quote("[" + zsh_description(opt->get_description()) + "]");
      }
      if (takes_value(opt)) {
        std::string label = opt->get_option_text().empty() ? "VALUE" : opt->get_option_text();
        spec += zsh_quote(":" + zsh_description(label) + ":" + values);
      }
      specs.push_back(spec);
    }
  }
  return specs;
}

void zsh_command(std::string& out, const std::string& function, const CLI::App* cmd, const CLI::App& root,
                 const std::string& path) {
  const std::string values = "_irctl_values" + (path.empty() ? "" : " " + path);
  const auto subcommands = cmd->get_subcommands([](const CLI::App* a) { return !is_hidden(a); });
  const std::string next = " \\\n    ";
  out += "\n" + function + "() {\n";
  if (!subcommands.empty()) out += "  local curcontext=$curcontext state line ret=1\n";
  out += subcommands.empty() ? "  _arguments -s" : "  _arguments -s -C -A '-*'";
  for (const auto& spec : zsh_option_specs(cmd, root, values)) out += next + spec;
  if (subcommands.empty()) {
    const auto& options = cmd->get_options();
    if (std::any_of(options.begin(), options.end(), [](const CLI::Option* o) { return o->get_positional(); }))
      out += next + zsh_quote("*:argument:" + values);
    out += "\n}\n";
    return;
  }
  out += next + "'1:subcommand:->subcommand'" + next + "'*::argument:->argument' && ret=0\n";
  out += "  case $state in\n    subcommand)\n      local -a subcommands=(\n";
  for (const auto* sub : subcommands)
    out += "        " + zsh_quote(sub->get_name() + ":" + zsh_description(sub->get_description())) + "\n";
  const std::string what = cmd == &root ? "irctl command" : "irctl " + cmd->get_name() + " subcommand";
  out += "      )\n      _describe -t subcommands " + zsh_quote(what) +
         " subcommands && ret=0\n      ;;\n    argument)\n      case $words[1] in\n";
  for (const auto* sub : subcommands)
    out += "        " + sub->get_name() + ") " + zsh_function(function, sub) + " && ret=0 ;;\n";
  out += "      esac\n      ;;\n  esac\n  return ret\n}\n";
  const std::string sub_path = cmd == &root ? "" : (path.empty() ? "" : path + " ") + cmd->get_name();
  for (const auto* sub : subcommands) zsh_command(out, zsh_function(function, sub), sub, root, sub_path);
}

std::string zsh_script(const CLI::App& root) {
  std::string out =
      "#compdef irctl\n"
      "# zsh completion for irctl: every command and subcommand with its options.\n"
      "# Generated by 'irctl completion zsh' from the command definitions; the copy\n"
      "# in irctl's sources (completions/_irctl) is checked against it by the tests.\n"
      "# Values (incident IDs, severities, roles, ...) come from 'irctl __complete'.\n"
      "\n"
      "# Usage: _irctl_values [WORDS...]: the candidates irctl offers after WORDS\n"
      "# and the words typed so far, else file names. irctl has matched them to\n"
      "# what is typed (any part of an incident ID), so zsh takes them all (-U).\n"
      "# After --by=, what follows the '=' is completed: the candidates lose \"--by=\".\n"
      "_irctl_values() {\n"
      "  local line glued=\n"
      "  local -a candidates\n"
      "  if [[ $PREFIX == --*=* ]]; then\n"
      "    glued=${PREFIX%%=*}=\n"
      "    compset -P \"${(b)glued}\"\n"
      "  fi\n"
      "  for line in \"${(@f)$(irctl __complete \"$@\" \"${(@)words[1,CURRENT]}\" 2>/dev/null)}\"; do\n"
      "    [[ -z $line ]] && continue\n"
      "    candidates+=(\"${${${line%%$'\\t'*}#$glued}//:/\\\\:}:${line#*$'\\t'}\")\n"
      "  done\n"
      "  if (( ${#candidates} )); then\n"
      "    _describe -t values value candidates -U\n"
      "  else\n"
      "    _files\n"
      "  fi\n"
      "}\n";
  zsh_command(out, "_irctl", &root, root, "");
  out += "\n_irctl \"$@\"\n";
  return out;
}

void run_completion(const CompletionOptions& o, const CLI::App& root, Context& ctx) {
  const std::string script = o.shell == "zsh"    ? zsh_script(root)
                             : o.shell == "bash" ? embedded::find("completions/irctl.bash").value_or("")
                                                 : embedded::find("completions/irctl.fish").value_or("");
  if (ctx.json())
    ctx.print_json({{"shell", o.shell}, {"script", script}});
  else
    ctx.io.out << script;
}

}  // namespace

void register_completion(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<CompletionOptions>();
  auto* cmd = app.add_subcommand("completion", "Print the shell completion script for bash, zsh or fish");
  one_of(cmd->add_option("shell", o->shell, shells().listed())->required(), shells(), ctx);
  set_examples(cmd,
               "  source <(irctl completion bash)                 # in ~/.bashrc\n"
               "  irctl completion zsh > ~/.zfunc/_irctl          # with fpath+=(~/.zfunc)\n"
               "  irctl completion fish > ~/.config/fish/completions/irctl.fish");
  cmd->callback([o, &app, &ctx] { run_completion(*o, app, ctx); });
}

void register_complete(CLI::App& app, Context& ctx) {
  auto c = std::make_shared<CompleteOptions>();
  auto* hidden = app.add_subcommand("__complete", "Print completion candidates for WORDS (used by the scripts)");
  hidden->group("");
  hidden->prefix_command();
  hidden->fallthrough(false);
  hidden->allow_extras();
  hidden->callback([c, hidden, &app, &ctx] {
    // Completing reads the repository; a Tab press configures nothing in it.
    ctx.configure_merge_driver = false;
    c->words = hidden->remaining();
    run_complete(*c, app, ctx);
  });
}

}  // namespace irctl::cli
