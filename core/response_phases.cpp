// The response phases (contain, eradicate, recover): their actions on the
// timeline, and the evidence they collect, hashed and kept in the repository.

#include <sys/stat.h>

#include <filesystem>
#include <memory>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/lifecycle_internal.hpp"
#include "core/model/validate.hpp"
#include "core/util/digest.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace {

// Evidence kept in git is for logs and small artefacts; disk images belong
// elsewhere and are recorded by hash alone.
constexpr uint64_t kMaxStoredEvidence = 100ull * 1024 * 1024;

// Moves the status forward to `status` when it is behind; never back.
void advance_status(const Incident& inc, const std::string& status, Event& e) {
  if (status_rank(status) > status_rank(inc.status)) e.set["status"] = TomlValue(status);
}

const char* phase_type(const std::string& phase) {
  if (phase == "containment") return "contain";
  if (phase == "eradication") return "eradicate";
  if (phase == "recovery") return "recover";
  throw Error(Errc::usage, "unknown phase " + quote(phase), "containment, eradication or recovery");
}

const char* phase_time_field(const std::string& phase) {
  if (phase == "containment") return "contained_at";
  if (phase == "eradication") return "eradicated_at";
  return "recovered_at";
}

// Reads evidence with `read`, refusing a file that cannot be read in the
// evidence's own words: the caller named it (exit 2), and nothing is recorded.
template <class Read>
auto read_evidence(const std::string& file, const Read& read) {
  try {
    return read();
  } catch (const ReadFailure& e) {
    if (e.not_regular())
      throw Error(Errc::usage, "the evidence " + quote(file) + " is not a file",
                  "give files one by one (an archive of a directory is a file)");
    throw Error(Errc::usage, "cannot read the evidence file " + quote(file) + ": " + e.reason(),
                "run irctl as a user who may read it; nothing was recorded");
  }
}

}  // namespace

Evidence hash_evidence(const std::string& file) {
  Sha256 digest;
  Evidence ev;
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(file, ec);
  ev.source = ec ? file : absolute.lexically_normal().string();
  struct stat st {};
  read_evidence(file, [&] {
    read_file_in_pieces(
        file,
        [&](std::string_view piece) {
          digest.update(piece);
          ev.size += piece.size();
        },
        &st);
  });
  ev.perms = st.st_mode & 07777;
  ev.sha256 = digest.hex();
  return ev;
}

std::vector<Evidence> recorded_evidence(const Event& e) {
  std::vector<Evidence> out;
  const auto it = e.details.find("evidence");
  if (it == e.details.end()) return out;
  for (const auto& item : it->second.as_array()) {
    const TomlTable& t = item.as_table();
    Evidence ev;
    ev.sha256 = t.at("sha256").as_string().str;
    ev.size = static_cast<uint64_t>(t.at("size").as_integer());
    ev.source = t.at("source").as_string().str;
    if (const auto stored = t.find("stored"); stored != t.end()) ev.stored = stored->second.as_string().str;
    out.push_back(std::move(ev));
  }
  return out;
}

EventResult record_phase_action(Repository& repo, const std::string& id, const PhaseAction& req, const Recorder& rec) {
  const char* type = phase_type(req.phase);
  const std::string action = require_text(req.action, "the action");
  if (req.hash_only && req.evidence_files.empty())
    throw Error(Errc::usage, "--hash-only without --evidence", "give the evidence with --evidence FILE");
  std::vector<Evidence> evidence;
  std::vector<FileWrite> files;
  std::vector<std::string> seen;
  for (const auto& f : req.evidence_files) {
    if (std::find(seen.begin(), seen.end(), f) != seen.end()) continue;
    seen.push_back(f);
    Evidence ev = hash_evidence(f);
    if (!req.hash_only) {
      if (ev.size > kMaxStoredEvidence)
        throw Error(Errc::usage, "the evidence file " + quote(f) + " is larger than 100 MiB",
                    "keep it elsewhere and record its hash with --hash-only");
      std::string content = read_evidence(f, [&] { return read_file(f); });
      if (hash_evidence(f).sha256 != ev.sha256)
        throw Error(Errc::conflict, "the evidence file " + quote(f) + " changed while it was read", "try again");
      ev.stored = "evidence/" + ev.sha256.substr(0, 2) + "/" + ev.sha256;
      // Never executable, never more readable than the source.
      if (!repo.committed(ev.stored))
        files.push_back({.path = ev.stored, .content = std::move(content), .work_tree_perms = ev.perms & 0666});
    }
    evidence.push_back(std::move(ev));
  }
  return record_event_with_files(
      repo, id,
      [&](const Incident& inc) -> std::optional<Event> {
        require_open(inc, std::string("recording ") + req.phase);
        Event e = make_event(type, action);
        if (!evidence.empty()) {
          TomlArray items;
          for (const auto& ev : evidence) {
            TomlTable t{{"sha256", TomlValue(ev.sha256)},
                        {"size", TomlValue(static_cast<int64_t>(ev.size))},
                        {"source", TomlValue(ev.source)},
                        {"collected_by", TomlValue(rec.actor.display())},
                        {"collected_at", toml_time(rec.at)}};
            if (!ev.stored.empty()) t["stored"] = TomlValue(ev.stored);
            items.emplace_back(std::move(t));
          }
          e.details["evidence"] = TomlValue(std::move(items));
        }
        advance_status(inc, req.phase, e);
        const char* time_field = phase_time_field(req.phase);
        const bool first = (req.phase == "containment" && !inc.contained_at) ||
                           (req.phase == "eradication" && !inc.eradicated_at) ||
                           (req.phase == "recovery" && !inc.recovered_at);
        if (first) e.set[time_field] = toml_time(rec.at);
        return e;
      },
      files, rec);
}

}  // namespace irctl
