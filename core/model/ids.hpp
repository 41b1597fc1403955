#pragma once
// Incident and event identifiers. Both are made on the clone that records them,
// without coordination: the date keeps incident IDs in order, the random part
// keeps them apart across clones.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/util/time.hpp"

namespace irctl {

/// 64 bits from the operating system's random source.
uint64_t random_u64();

/// "INC-20261128-K7QXM4": the UTC date of the declaration and six Crockford
/// base32 characters (2^30, about a billion per day) taken from `random_bits`.
std::string make_incident_id(Timestamp declared, uint64_t random_bits);

/// "7KQ4M2XR9TZA": twelve Crockford base32 characters (60 random bits).
std::string make_event_id(uint64_t random_bits);

/// True for a well-formed incident ID such as INC-20261128-K7QXM4.
bool is_incident_id(const std::string& s);

/// The folder an incident lives in, sharded by year and month so that no tree
/// rewritten by a commit grows with the whole history: "incidents/2026/11".
std::string incident_dir(const std::string& id);
/// "incidents/2026/11/INC-20261128-K7QXM4.toml"
std::string incident_path(const std::string& id);

/// Where an incident's postmortem lives: "postmortems/INC-20261128-K7QXM4.md".
std::string postmortem_path(const std::string& id);
/// Where its external version goes by default (irctl postmortem --audience
/// external): "postmortems/INC-20261128-K7QXM4.external.md".
std::string external_postmortem_path(const std::string& id);

/// True for an incident's file at its place: incidents/YYYY/MM/ID.toml.
bool is_incident_file(const std::string& path);

/// "MNT-20261205-K7QXM4": a scheduled maintenance window's ID, made as an
/// incident's, from the UTC date the window starts on.
std::string make_maintenance_id(Timestamp starts, uint64_t random_bits);
/// True for a well-formed maintenance ID such as MNT-20261205-K7QXM4.
bool is_maintenance_id(const std::string& s);
/// "maintenance/2026/MNT-20261205-K7QXM4.toml": by the year the window starts.
std::string maintenance_path(const std::string& id);
/// True for a maintenance window's file at its place: maintenance/YYYY/ID.toml.
bool is_maintenance_file(const std::string& path);
/// The incidents whose ID contains `query` (case-insensitive); an exact match
/// alone when there is one.
std::vector<std::string> match_ids(const std::vector<std::string>& ids, const std::string& query);

}  // namespace irctl
