// The inbox of irctl serve; see inbox.hpp.
#include "core/serve/inbox.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>

#include "core/error.hpp"
#include "core/store/repository.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

fs::path inbox_dir(const Repository& repo) { return repo.git_dir() / "irctl" / "inbox"; }

// Sortable by arrival: the time to the nanosecond (the clock's, not the
// delivery's time, which irctl keeps to the second), then the process and a
// counter, so that two deliveries of the same nanosecond keep their order
// and never share a name.
std::string delivery_name() {
  static std::atomic<unsigned long> counter{0};
  const auto now = std::chrono::system_clock::now();
  const Timestamp at = std::chrono::floor<std::chrono::seconds>(now);
  const auto since = now.time_since_epoch();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(since).count() % 1000000000;
  std::string stamp = format_rfc3339(at);  // 2026-12-06T20:15:00Z
  stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':' || c == 'Z'; }),
              stamp.end());
  char tail[64];
  std::snprintf(tail, sizeof tail, ".%09lld-%d-%lu.json", static_cast<long long>(ns), static_cast<int>(::getpid()),
                counter++);
  return stamp + tail;
}

Json to_json(const Delivery& d) {
  return {{"format", d.format}, {"sender", d.sender}, {"received_at", format_rfc3339(d.received_at)}, {"body", d.body}};
}

Delivery from_json(const Json& j) {
  Delivery d;
  d.format = j.at("format").get<std::string>();
  d.sender = j.at("sender").get<std::string>();
  d.received_at = parse_time(j.at("received_at").get<std::string>(), now_utc());
  d.body = j.at("body").get<std::string>();
  if (!ingest_formats().contains(d.format)) throw std::runtime_error("unknown format " + d.format);
  return d;
}

// Out of the inbox, into rejected/, with the reason in NAME.reason.
void reject(const fs::path& dir, const std::string& name, const std::string& reason) {
  const fs::path rejected = dir / "rejected";
  write_file_atomically(rejected / (name + ".reason"), reason + "\n", kDefaultFilePerms, Durability::synced);
  std::error_code ec;
  fs::rename(dir / name, rejected / name, ec);
  if (ec) throw Error(Errc::failure, "cannot move " + (dir / name).string() + " to " + rejected.string() + ": " + ec.message());
}

}  // namespace

std::string spool_delivery(const Repository& repo, const Delivery& d) {
  const std::string name = delivery_name();
  write_file_atomically(inbox_dir(repo) / name, to_json(d).dump() + "\n", 0600, Durability::synced);
  return name;
}

std::vector<SpooledDelivery> spooled_deliveries(const Repository& repo) {
  const fs::path dir = inbox_dir(repo);
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0 &&
        name.find(std::string(kTemporaryMarker)) == std::string::npos)
      names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<SpooledDelivery> out;
  for (const auto& name : names) {
    try {
      out.push_back({name, from_json(Json::parse(read_file(dir / name)))});
    } catch (const std::exception& e) {
      reject(dir, name, std::string("not a delivery irctl serve kept: ") + e.what());
    }
  }
  return out;
}

InboxOutcome ingest_spooled(Repository& repo, const SpooledDelivery& s, const Recorder& rec) {
  const fs::path dir = inbox_dir(repo);
  InboxOutcome out;
  std::optional<Alert> alert;
  try {
    alert = parse_alert(s.delivery.body, s.delivery.format, repo.config().ingest);
  } catch (const Error& e) {
    if (e.code() != Errc::data) throw;
    out.rejected_because = e.what();
    reject(dir, s.name, out.rejected_because);
    return out;
  }
  out.ingested = ingest_alert(repo, *alert, rec);
  std::error_code ec;
  fs::remove(dir / s.name, ec);
  return out;
}

void reject_spooled(const Repository& repo, const std::string& name, const std::string& reason) {
  reject(inbox_dir(repo), name, reason);
}

}  // namespace irctl
