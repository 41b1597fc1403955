#pragma once
// Closed sets of values (statuses, audiences, follow-up types, ...), each
// declared once beside the model it belongs to. Validation, --help texts,
// error hints and shell completion all read the one declaration, so they
// cannot disagree.

#include <initializer_list>
#include <string>
#include <vector>

namespace irctl {

/// A value an option or a field accepts, with what it means (for --help and
/// completion; empty when the name says it all).
struct AllowedValue {
  std::string name;
  std::string description;
};

/// One closed set of values, in the order they are shown.
class AllowedValues {
 public:
  AllowedValues(std::initializer_list<AllowedValue> values) : values_(values) {}
  explicit AllowedValues(std::vector<AllowedValue> values) : values_(std::move(values)) {}

  auto begin() const { return values_.begin(); }
  auto end() const { return values_.end(); }
  const AllowedValue& front() const { return values_.front(); }

  bool contains(const std::string& name) const;
  std::vector<std::string> names() const;
  /// The names for a sentence: "a, b, c or d" (or "a, b, c, d" with `last` ", ").
  std::string listed(const char* last = " or ") const;
  /// The names with their descriptions: "a (what a is) or b (what b is)", the
  /// default one marked "(default: what it is)".
  std::string described(const std::string& default_name = "") const;

 private:
  std::vector<AllowedValue> values_;
};

}  // namespace irctl
