#pragma once
// The typed errors of irctl's core. The core never prints and never exits: it
// throws one of these, and only the command line turns it into a message and
// an exit status (documented in irctl(1)).

#include <stdexcept>
#include <string>

namespace irctl {

enum class Errc {
  failure,     ///< anything unexpected (I/O, git): exit 1
  usage,       ///< the caller asked for something malformed: exit 2
  not_found,   ///< no repository, no such incident: exit 3
  refused,     ///< the lifecycle rules refuse the change: exit 4
  conflict,    ///< uncommitted edits in the way, a merge that needs a person: exit 5
  busy,        ///< other writers kept the repository (or the remote) busy through every retry: exit 75
  data,        ///< a file or payload that cannot be read as what it claims: exit 65
};

/// The exit status documented for each kind of error.
int exit_status(Errc code);
/// A stable machine-readable name for each kind of error ("not_found", ...).
const char* errc_name(Errc code);

class Error : public std::runtime_error {
 public:
  Error(Errc code, std::string message, std::string hint = {})
      : std::runtime_error(message), code_(code), hint_(std::move(hint)) {}
  Errc code() const noexcept { return code_; }
  /// What the user can do about it; may be empty.
  const std::string& hint() const noexcept { return hint_; }

 private:
  Errc code_;
  std::string hint_;
};

inline int exit_status(Errc code) {
  switch (code) {
    case Errc::failure: return 1;
    case Errc::usage: return 2;
    case Errc::not_found: return 3;
    case Errc::refused: return 4;
    case Errc::conflict: return 5;
    case Errc::busy: return 75;
    case Errc::data: return 65;
  }
  return 1;
}

inline const char* errc_name(Errc code) {
  switch (code) {
    case Errc::failure: return "failure";
    case Errc::usage: return "usage";
    case Errc::not_found: return "not_found";
    case Errc::refused: return "refused";
    case Errc::conflict: return "conflict";
    case Errc::busy: return "busy";
    case Errc::data: return "data";
  }
  return "failure";
}

/// Errc::busy that a write may simply redo from the start: the branch moved
/// under it (another program committed), or git held the branch's lock for
/// an instant. Every other error, a busy one included, ends the write.
class BranchMoved : public Error {
 public:
  using Error::Error;
};

/// Quotes a user-supplied value for an error message: 'value', with
/// whatever could drive a terminal escaped (printable() in core/util/text.hpp).
std::string quote(const std::string& s);

}  // namespace irctl
