#pragma once
// What an option or a positional argument accepts, declared where it is
// registered, as gh's StringEnumFlag does: a closed set from core
// (AllowedValues) checks the value and completes it; other values (the
// configured severities, incident IDs, a follow-up's numbers) are completed
// by a function. `irctl __complete` asks the option it completes, never its
// name.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/model/allowed_values.hpp"
#include "core/model/config.hpp"

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

}  // namespace irctl::cli
