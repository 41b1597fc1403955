#include "core/model/people.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "core/error.hpp"
#include "core/model/tomldoc.hpp"
#include "core/util/text.hpp"

namespace irctl {
namespace {

std::string lowered(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The email of "Name <email>", or `who` itself when it is no such form.
std::string email_part(const std::string& who) {
  const auto open = who.rfind('<');
  const auto close = who.rfind('>');
  if (open == std::string::npos || close == std::string::npos || close < open) return who;
  return trim(who.substr(open + 1, close - open - 1));
}

std::string without_email(const std::string& who) {
  const auto open = who.find(" <");
  return open == std::string::npos ? who : who.substr(0, open);
}

// A handle is what people type after --commander: no spaces, no quoting.
bool is_handle(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_' || c == '.'; });
}

}  // namespace

const Person* People::find(const std::string& who) const {
  const std::string key = lowered(trim(who));
  const std::string email = lowered(email_part(trim(who)));
  for (const auto& p : people_)
    if (lowered(p.handle) == key || (!p.email.empty() && lowered(p.email) == email)) return &p;
  return nullptr;
}

std::string People::name_of(const std::string& who) const {
  if (const Person* p = find(who)) return p->name;
  return without_email(who);
}

namespace {

People people_from(const TomlValue& doc, const std::string& path) {
  const FieldReader root(doc, path, "fix " + path + " (see irctl-config(5)), then commit it");
  root.reject_unknown({"people"});
  const FieldReader table = root.table_or_empty("people");
  std::vector<Person> people;
  std::set<std::string> handles, emails;
  for (const auto& [handle, value] : table.value().as_table()) {
    if (!value.is_table()) table.fail(value, "[people." + handle + "] must be a table with name, email and team");
    const FieldReader r(value, path, "fix " + path + " (see irctl-config(5)), then commit it");
    r.reject_unknown({"name", "email", "team"});
    if (!is_handle(handle)) r.fail("the handle " + quote(handle) + " must be letters, digits, '-', '_' or '.'");
    Person p{handle, r.string("name"), r.string_or("email", ""), r.string_or("team", "")};
    if (trim(p.name).empty() || has_control(p.name) || p.name.find_first_of("<>") != std::string::npos)
      r.fail(*r.find("name"), "the name of " + quote(handle) + " must be one line of text without '<' or '>'");
    if (!p.email.empty() && (p.email.find_first_of("<> ") != std::string::npos || has_control(p.email) ||
                             p.email.find('@') == std::string::npos))
      r.fail(*r.find("email"), "the email of " + quote(handle) + " must be an address such as name@example.com");
    if (!handles.insert(lowered(handle)).second) r.fail("the handle " + quote(handle) + " is defined twice");
    if (!p.email.empty() && !emails.insert(lowered(p.email)).second)
      r.fail(*r.find("email"), "the email " + quote(p.email) + " belongs to two people");
    people.push_back(std::move(p));
  }
  return People(std::move(people));
}

}  // namespace

People parse_people(const std::string& text, const std::string& path) {
  return read_toml(text, path, [&](const TomlValue& doc) { return people_from(doc, path); });
}

}  // namespace irctl
