#include "core/model/ids.hpp"

#include <algorithm>
#include <cctype>
#include <random>

namespace irctl {
namespace {

// Crockford's base32 leaves out I, L, O and U so that IDs survive being read
// aloud on a bridge call and typed back.
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
// 30 random bits: two clones that declare 1,000 incidents each on the same day
// collide with a chance of about one in a thousand; nobody types all of it.
constexpr size_t kRandomChars = 6;

std::string base32(uint64_t bits, int chars) {
  std::string out(static_cast<size_t>(chars), '0');
  for (int i = chars - 1; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kAlphabet[bits & 31];
    bits >>= 5;
  }
  return out;
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

uint64_t random_u64() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

namespace {

// "PREFIX-YYYYMMDD-" and kRandomChars characters of `random_bits`.
std::string make_dated_id(const char* prefix, Timestamp t, uint64_t random_bits) {
  const CivilTime c = to_civil(t);
  char date[16];
  std::snprintf(date, sizeof date, "%04d%02d%02d", c.year, c.month, c.day);
  return std::string(prefix) + "-" + date + "-" + base32(random_bits, kRandomChars);
}

// `prefix` is three letters, as make_dated_id writes them.
bool is_dated_id(const std::string& s, const char* prefix) {
  if (s.size() != 13 + kRandomChars || s.compare(0, 3, prefix) != 0 || s[3] != '-' || s[12] != '-') return false;
  for (size_t i = 4; i < 12; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  for (size_t i = 13; i < s.size(); ++i)
    if (std::string_view(kAlphabet).find(s[i]) == std::string_view::npos) return false;
  return true;
}

// The name without ".toml" of a file under `folder` ("incidents/"); empty
// for any other path.
std::string toml_name_under(const std::string& path, const char* folder) {
  if (path.rfind(folder, 0) != 0 || path.size() < 5 || path.compare(path.size() - 5, 5, ".toml") != 0) return "";
  const std::string name = path.substr(path.rfind('/') + 1);
  return name.substr(0, name.size() - 5);
}

}  // namespace

std::string make_incident_id(Timestamp declared, uint64_t random_bits) {
  return make_dated_id("INC", declared, random_bits);
}

std::string make_event_id(uint64_t random_bits) { return base32(random_bits, 12); }

bool is_incident_id(const std::string& s) { return is_dated_id(s, "INC"); }

std::string incident_dir(const std::string& id) {
  return "incidents/" + id.substr(4, 4) + "/" + id.substr(8, 2);
}

std::string incident_path(const std::string& id) { return incident_dir(id) + "/" + id + ".toml"; }

std::string postmortem_path(const std::string& id) { return "postmortems/" + id + ".md"; }

std::string external_postmortem_path(const std::string& id) { return "postmortems/" + id + ".external.md"; }

std::string make_maintenance_id(Timestamp starts, uint64_t random_bits) {
  return make_dated_id("MNT", starts, random_bits);
}

bool is_maintenance_id(const std::string& s) { return is_dated_id(s, "MNT"); }

std::string maintenance_path(const std::string& id) { return "maintenance/" + id.substr(4, 4) + "/" + id + ".toml"; }

bool is_maintenance_file(const std::string& path) {
  const std::string id = toml_name_under(path, "maintenance/");
  return is_maintenance_id(id) && maintenance_path(id) == path;
}

bool is_incident_file(const std::string& path) {
  const std::string id = toml_name_under(path, "incidents/");
  return is_incident_id(id) && incident_path(id) == path;
}

std::vector<std::string> match_ids(const std::vector<std::string>& ids, const std::string& query) {
  const std::string q = upper(query);
  std::vector<std::string> found;
  for (const auto& id : ids) {
    if (id == q) return {id};
    if (id.find(q) != std::string::npos) found.push_back(id);
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace irctl
