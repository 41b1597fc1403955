#pragma once
// Who records an event: the author of its commit.

#include <optional>
#include <string>

namespace irctl {

struct Actor {
  std::string name;
  std::string email;
  /// "Alice Example <alice@example.com>", the form git and the timeline use.
  std::string display() const { return email.empty() ? name : name + " <" + email + ">"; }
};

/// Parses "Name <email>"; throws Error(Errc::usage) with the expected form.
Actor parse_actor(const std::string& text, const std::string& source);

}  // namespace irctl
