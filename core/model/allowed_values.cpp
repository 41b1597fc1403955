#include "core/model/allowed_values.hpp"

#include <algorithm>

namespace irctl {
namespace {

std::string sentence(const std::vector<std::string>& items, const char* last) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : i + 1 == items.size() ? last : ", ") + items[i];
  return out;
}

}  // namespace

bool AllowedValues::contains(const std::string& name) const {
  return std::any_of(values_.begin(), values_.end(), [&](const AllowedValue& v) { return v.name == name; });
}

std::vector<std::string> AllowedValues::names() const {
  std::vector<std::string> out;
  for (const auto& v : values_) out.push_back(v.name);
  return out;
}

std::string AllowedValues::listed(const char* last) const { return sentence(names(), last); }

std::string AllowedValues::described(const std::string& default_name) const {
  std::vector<std::string> items;
  for (const auto& v : values_) {
    const std::string mark = v.name == default_name ? "default: " : "";
    items.push_back(v.description.empty() ? v.name : v.name + " (" + mark + v.description + ")");
  }
  return sentence(items, " or ");
}

}  // namespace irctl
