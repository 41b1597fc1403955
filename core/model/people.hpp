#pragma once
// The people a repository knows (.irctl/people.toml, irctl-config(5)): a
// handle, which roles hold (assign --commander yp), mapped to a name, an
// email and a team, so that every output can show a name.

#include <string>
#include <vector>

namespace irctl {

struct Person {
  std::string handle;
  std::string name;
  std::string email;
  std::string team;

  bool operator==(const Person&) const = default;
};

class People {
 public:
  People() = default;
  explicit People(std::vector<Person> people) : people_(std::move(people)) {}

  /// The person `who` names: a handle, an email, or "Name <email>" (an
  /// event's author, matched by the email); handles and emails in any case.
  /// nullptr for someone the directory does not know.
  const Person* find(const std::string& who) const;
  /// The name to show for `who`: the directory's, else `who` without its
  /// "<email>".
  std::string name_of(const std::string& who) const;

  const std::vector<Person>& all() const { return people_; }
  bool operator==(const People&) const = default;

 private:
  std::vector<Person> people_;
};

constexpr const char* kPeoplePath = ".irctl/people.toml";

/// Parses and validates a directory of people; problems are
/// Error(Errc::data) naming the file, the line and the key.
People parse_people(const std::string& text, const std::string& path = kPeoplePath);

}  // namespace irctl
