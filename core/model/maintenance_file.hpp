#pragma once
// A scheduled maintenance window and its file, maintenance/YYYY/ID.toml:
// what the window is, read and written here alone, so that the commit's
// check (Repository::require_readable) and every reader agree on it.

#include <optional>
#include <string>
#include <vector>

#include "core/util/time.hpp"

namespace irctl {

struct Maintenance {
  std::string id;                     ///< "MNT-YYYYMMDD-XXXXXX" (make_maintenance_id)
  std::string title;                  ///< public: written for customers
  std::string text;                   ///< public description (may be empty)
  std::vector<std::string> services;  ///< each a [[service]] of the configuration; at least one
  Timestamp starts_at{};
  Timestamp ends_at{};  ///< after starts_at
  Timestamp created_at{};
  std::string created_by;  ///< "Name <email>" (internal: the status page never shows it)
  std::optional<Timestamp> cancelled_at;
  std::string cancel_reason;  ///< internal
  std::string path;           ///< repository-relative file path
  bool operator==(const Maintenance&) const = default;
};

/// The version of the file format that this irctl reads and writes.
constexpr int kMaintenanceSchema = 1;

/// Reads and validates a window's file at `path` (maintenance_path of its
/// id): every key known, a title, at least one service, an end after the
/// start, a reason with a cancellation. Error(Errc::data) names the file,
/// the line and the key.
Maintenance parse_maintenance(const std::string& text, const std::string& path);

/// The file of a window, its keys always in the same order.
std::string render_maintenance(const Maintenance& m);

}  // namespace irctl
