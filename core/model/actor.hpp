#pragma once
// Who records an event (the author of its commit), and when.

#include <optional>
#include <string>

#include "core/util/time.hpp"

namespace irctl {

struct Actor {
  std::string name;
  std::string email;
  /// "Alice Example <alice@example.com>", the form git and the timeline use.
  std::string display() const { return email.empty() ? name : name + " <" + email + ">"; }
};

/// Parses "Name <email>"; throws Error(Errc::usage) with the expected form.
Actor parse_actor(const std::string& text, const std::string& source);

/// Refuses (Error(Errc::usage), naming `source` and how to fix it) a name or
/// an email that git would write into a malformed commit or that a file
/// could not hold: empty, not UTF-8, a control character (a line break
/// included), or '<' and '>' where git's header puts them.
void require_valid_identity(const Actor& actor, const std::string& source, const std::string& fix);

/// Who is recording and when, for every write.
struct Recorder {
  Actor actor;
  Timestamp at;   ///< when the event happened (--at), UTC
  Timestamp now;  ///< the wall clock, to refuse events in the future
};

}  // namespace irctl
