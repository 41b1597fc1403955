#pragma once
// Files of templates/ compiled into the binary (see cmake/embed.cmake).

#include <optional>
#include <string>
#include <vector>

namespace irctl::embedded {

struct File {
  std::string name;
  std::string content;
};

const std::vector<File>& files();

inline std::optional<std::string> find(const std::string& name) {
  for (const auto& f : files())
    if (f.name == name) return f.content;
  return std::nullopt;
}

}  // namespace irctl::embedded
