#include "core/store/summaries.hpp"

#include <algorithm>
#include <limits>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <unordered_map>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/store/git.hpp"
#include "core/store/repository.hpp"

namespace irctl {
namespace {

// Bump whenever IncidentSummary, the fields below, or the way a file is read
// into an Incident changes: a cache of another version is rebuilt, never
// misread. Numbers are written in the machine's byte order: the cache is
// this clone's, never shared.
constexpr uint64_t kFormatVersion = 3;
constexpr char kMagic[] = "irctl summaries\n";
constexpr char kSummariesName[] = "summaries";
constexpr char kDocumentsName[] = "documents";

// One list of fields serves both directions: the writer reads them, the
// reader fills them.
template <class A, class T>
void fields(A& a, T& r) requires std::is_same_v<std::remove_const_t<T>, RoleAssignment> {
  a(r.role), a(r.person), a(r.workstream);
}
template <class A, class T>
void fields(A& a, T& t) requires std::is_same_v<std::remove_const_t<T>, Task> {
  a(t.text), a(t.done), a(t.done_at), a(t.done_by);
}
template <class A, class T>
void fields(A& a, T& f) requires std::is_same_v<std::remove_const_t<T>, FollowUp> {
  a(f.id), a(f.number), a(f.text), a(f.owner), a(f.due), a(f.type), a(f.link), a(f.added_at), a(f.added_by),
      a(f.done), a(f.done_at), a(f.done_by);
}
template <class A, class T>
void fields(A& a, T& i) requires std::is_same_v<std::remove_const_t<T>, Incident> {
  a(i.id), a(i.title), a(i.status), a(i.severity), a(i.kind), a(i.services), a(i.summary), a(i.impact),
      a(i.root_cause), a(i.resolution), a(i.postmortem), a(i.channels), a(i.started_at), a(i.detected_at), a(i.declared_at),
      a(i.acknowledged_at), a(i.contained_at), a(i.eradicated_at), a(i.recovered_at), a(i.impact_ended_at), a(i.resolved_at),
      a(i.closed_at), a(i.voided_at), a(i.void_reason), a(i.escalation_policy), a(i.escalation_level), a(i.escalated_at), a(i.roles), a(i.alerts),
      a(i.alert_status), a(i.tasks), a(i.actions);
}
template <class A, class T>
concept HasFields = requires(A& a, T& t) { fields(a, t); };

class CacheWriter {
 public:
  explicit CacheWriter(std::string& out) : out_(out) {}
  void operator()(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof v); }
  void operator()(int v) { (*this)(static_cast<uint64_t>(static_cast<int64_t>(v))); }
  void operator()(bool v) { out_.push_back(v ? '\1' : '\0'); }
  void operator()(const std::string& s) {
    (*this)(static_cast<uint64_t>(s.size()));
    out_ += s;
  }
  void operator()(const Timestamp& t) { (*this)(static_cast<uint64_t>(t.time_since_epoch().count())); }
  void operator()(const std::optional<Timestamp>& t) {
    (*this)(t.has_value());
    if (t) (*this)(*t);
  }
  template <class T>
  void operator()(const std::vector<T>& items) {
    (*this)(static_cast<uint64_t>(items.size()));
    for (const auto& item : items) (*this)(item);
  }
  template <class T>
    requires HasFields<CacheWriter, const T>
  void operator()(const T& record) {
    fields(*this, record);
  }

 private:
  std::string& out_;
};

struct Damaged {};

class CacheReader {
 public:
  CacheReader(std::string_view bytes, size_t at) : bytes_(bytes), at_(at) {}
  size_t at() const { return at_; }
  void seek(size_t at) {
    if (at > bytes_.size()) throw Damaged{};
    at_ = at;
  }

  void operator()(uint64_t& v) { take(&v, sizeof v); }
  void operator()(int& v) {
    uint64_t raw = 0;
    (*this)(raw);
    v = static_cast<int>(static_cast<int64_t>(raw));
  }
  void operator()(bool& v) {
    char c = 0;
    take(&c, 1);
    if (c != 0 && c != 1) throw Damaged{};
    v = c == 1;
  }
  void operator()(std::string& s) {
    const size_t n = length();
    s.assign(bytes_.substr(at_, n));
    at_ += n;
  }
  std::string_view view() {
    const size_t n = length();
    at_ += n;
    return bytes_.substr(at_ - n, n);
  }
  void operator()(Timestamp& t) {
    uint64_t raw = 0;
    (*this)(raw);
    t = Timestamp{Seconds{static_cast<int64_t>(raw)}};
  }
  void operator()(std::optional<Timestamp>& t) {
    bool present = false;
    (*this)(present);
    if (!present) {
      t.reset();
      return;
    }
    Timestamp v{};
    (*this)(v);
    t = v;
  }
  template <class T>
  void operator()(std::vector<T>& items) {
    const size_t n = length();  // every item takes a byte at least
    items.clear();
    items.reserve(n);
    for (size_t i = 0; i < n; ++i) (*this)(items.emplace_back());
  }
  template <class T>
    requires HasFields<CacheReader, T>
  void operator()(T& record) {
    fields(*this, record);
  }

 private:
  void take(void* to, size_t n) {
    if (bytes_.size() - at_ < n) throw Damaged{};
    std::memcpy(to, bytes_.data() + at_, n);
    at_ += n;
  }
  // A count that the bytes left can hold, so damage never asks for gigabytes.
  size_t length() {
    uint64_t n = 0;
    (*this)(n);
    if (n > bytes_.size() - at_) throw Damaged{};
    return static_cast<size_t>(n);
  }

  std::string_view bytes_;
  size_t at_;
};

std::string encode_summary(const IncidentSummary& s) {
  std::string out;
  CacheWriter w(out);
  w(true);
  w(s.incident);
  w(static_cast<uint64_t>(s.events));
  w(s.path);
  return out;
}

std::string encode_problem(const std::string& message) {
  std::string out;
  CacheWriter w(out);
  w(false);
  w(message);
  return out;
}

// Decodes into `summary`, or into `problem` for a file that did not parse;
// false when the bytes are damaged.
bool decode_summary(std::string_view bytes, IncidentSummary& summary, std::optional<std::string>& problem) {
  try {
    CacheReader r(bytes, 0);
    bool ok = false;
    r(ok);
    if (!ok) {
      problem.emplace();
      r(*problem);
    } else {
      r(summary.incident);
      uint64_t events = 0;
      r(events);
      summary.events = static_cast<size_t>(events);
      r(summary.path);
    }
    return r.at() == bytes.size();
  } catch (const Damaged&) {
    return false;
  }
}

// One file of .git/irctl holding values by key, mapped rather than read.
// The keys come first, each with where its value is, so that finding them
// touches none of the values. What is found or added is what the next
// version holds, in that order; the file is written again only when that
// differs from what it holds now.
//
//   magic, format version, count, then count times (key, value offset, value
//   size), then the values; offsets count from the end of the key table.
class KeyedFile {
 public:
  KeyedFile(const Repository& repo, const char* name) : repo_(repo), name_(name), mapped_(repo.map_private(name)) {
    index();
  }

  std::optional<std::string_view> find(const std::string& key) {
    const auto hit = where_.find(key);
    if (hit == where_.end()) return std::nullopt;
    const std::string_view value = hit->second;
    next_.push_back({hit->first, value});
    where_.erase(hit);
    return value;
  }

  /// Drops the entry find() just returned (its value did not decode).
  void reject_last_found() {
    next_.pop_back();
    rejected_ = true;
  }

  /// A new entry. Returns the value as kept, which lives as long as this.
  std::string_view add(const std::string& key, std::string value) {
    const std::string_view kept_key = made_.emplace_back(key);
    const std::string_view kept_value = made_.emplace_back(std::move(value));
    next_.emplace_back(kept_key, kept_value);
    return kept_value;
  }

  // Left in where_: entries of files that changed or went away.
  void save() {
    if (made_.empty() && where_.empty() && !rejected_ && (valid_ || next_.empty())) return;
    std::string table = kMagic;
    CacheWriter w(table);
    w(kFormatVersion);
    w(static_cast<uint64_t>(next_.size()));
    uint64_t offset = 0;
    for (const auto& [key, value] : next_) {
      w(std::string(key));
      w(offset);
      w(static_cast<uint64_t>(value.size()));
      offset += value.size();
    }
    std::vector<std::string_view> pieces = {table};
    pieces.reserve(next_.size() + 1);
    for (const auto& [key, value] : next_) pieces.push_back(value);
    try {
      repo_.write_private(name_, pieces);
    } catch (const Error&) {
      // A repository we may read but not write (another user's, read-only):
      // the cache is only a speed-up, and the next run parses again.
    }
  }

 private:
  void index() {
    const std::string_view bytes = mapped_.bytes();
    const size_t magic = sizeof kMagic - 1;
    if (bytes.substr(0, magic) != std::string_view(kMagic, magic)) return;
    try {
      CacheReader r(bytes, magic);
      uint64_t version = 0, count = 0;
      r(version);
      if (version != kFormatVersion) return;
      r(count);
      if (count > bytes.size()) throw Damaged{};
      std::vector<std::pair<std::string_view, std::pair<uint64_t, uint64_t>>> table(static_cast<size_t>(count));
      for (auto& [key, place] : table) {
        key = r.view();
        r(place.first);
        r(place.second);
      }
      const std::string_view values = bytes.substr(r.at());
      uint64_t expected = 0;  // the values follow one another, in table order
      where_.reserve(table.size());
      for (const auto& [key, place] : table) {
        if (place.first != expected || place.second > values.size() - place.first) throw Damaged{};
        where_.emplace(key, values.substr(static_cast<size_t>(place.first), static_cast<size_t>(place.second)));
        expected += place.second;
      }
      valid_ = expected == values.size();
    } catch (const Damaged&) {
      valid_ = false;
    }
    if (!valid_) where_.clear();  // rebuilt from the files, as if there were none
  }

  const Repository& repo_;
  const char* name_;
  MappedFile mapped_;
  bool valid_ = false;
  bool rejected_ = false;
  std::unordered_map<std::string_view, std::string_view> where_;
  std::vector<std::pair<std::string_view, std::string_view>> next_;  // (key, value), in the mapping or in made_
  std::deque<std::string> made_;  // a deque, so that adding never moves what the views see
};

std::string cache_key(const git_oid& blob, const std::string& path) {
  return std::string(reinterpret_cast<const char*>(blob.id), GIT_OID_RAWSZ) + path;
}

std::string document_of(const IncidentFile& file) {
  Json doc = file.to_json();
  doc.erase("timeline");
  // list --json adds these after the document's own keys; a key of the same
  // name written by hand would come out twice.
  for (const char* added : {"missing", "actions", "events"}) doc.erase(added);
  return doc.dump(2);
}

}  // namespace

namespace {

IncidentSummary summary_of(Incident incident, const std::string& path) {
  IncidentSummary s;
  s.incident = std::move(incident);
  s.events = s.incident.timeline.size();
  // Swapped out, not cleared: clear() keeps the memory, and at 10,000
  // incidents that was 80 MiB of timelines nobody reads.
  std::vector<Event>().swap(s.incident.timeline);
  std::vector<Task>().swap(s.incident.tasks);
  s.incident.curation.clear();  // about the timeline, which a summary leaves out
  s.path = path;
  return s;
}

}  // namespace

IncidentSummary summarize_incident(const IncidentFile& file) { return summary_of(file.incident(), file.path()); }

namespace {

// What the documents of a SummaryRead point into: the mapped cache, and the
// documents this read made.
struct DocumentStore {
  KeyedFile cache;
  explicit DocumentStore(const Repository& repo) : cache(repo, kDocumentsName) {}
};

}  // namespace

namespace {

// A file the cache did not know: read in order, parsed on any thread.
struct Miss {
  size_t slot;       ///< its place in SummaryRead::incidents
  size_t order;      ///< its place among all the files, for the problems
  std::string key;   ///< for the cache
  std::string path;
  std::string text;
  bool summary_cached = false;  ///< only its document was missing
  std::string entry;  ///< the summary cache's entry for it, unless summary_cached
  std::string document;
  std::optional<std::string> problem;
};

void parse_miss(Miss& m, IncidentSummary& summary, bool documents) {
  try {
    IncidentFile file = IncidentFile::read_fast(m.text, m.path);
    if (documents) m.document = document_of(file);
    summary = summary_of(std::move(file).take_incident(), m.path);
  } catch (const Error& e) {
    m.problem = e.what();
  }
  if (!m.summary_cached) m.entry = m.problem ? encode_problem(*m.problem) : encode_summary(summary);
  std::string().swap(m.text);
}

// Parsing is what costs: a new clone of 10,000 incidents parses them all,
// so every core takes its share, and this thread does `meanwhile` (reads
// the next batch's files) before it takes its own.
void parse_misses(std::span<Miss> misses, std::vector<IncidentSummary>& slots, bool documents,
                  const std::function<void()>& meanwhile) {
  const size_t threads = std::min<size_t>(std::max(1u, std::thread::hardware_concurrency()), misses.size() / 16 + 1);
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < misses.size();) parse_miss(misses[i], slots[misses[i].slot], documents);
  };
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  meanwhile();
  work();
  for (auto& h : helpers) h.join();
}

// Checked on every read, not cached: the scale is the configuration's, which
// may change while the files do not.
void set_aside_off_scale(const Config& config, std::vector<IncidentSummary>& incidents,
                         std::vector<std::pair<size_t, FileProblem>>& problems) {
  std::erase_if(incidents, [&](const IncidentSummary& s) {
    auto problem = off_scale_problem(s.path, s.incident.severity, config);
    if (problem) problems.push_back({std::numeric_limits<size_t>::max(), {s.path, std::move(*problem)}});
    return problem.has_value();
  });
}

}  // namespace

SummaryRead read_summaries(Repository& repo, SummaryDocuments wanted) {
  const bool documents = wanted == SummaryDocuments::include;
  KeyedFile summaries(repo, kSummariesName);
  std::shared_ptr<DocumentStore> docs;
  if (documents) docs = std::make_shared<DocumentStore>(repo);

  SummaryRead out;
  std::vector<std::pair<size_t, FileProblem>> problems;  // (order, problem)
  std::vector<Miss> misses;
  const auto blobs = repo.incident_blobs();
  out.incidents.reserve(blobs.size());
  for (size_t order = 0; order < blobs.size(); ++order) {
    const auto& blob = blobs[order];
    if (blob.id.empty()) {
      problems.push_back({order, {blob.path, blob.path + ": not an incident file, in the folders irctl reads incidents "
                                                         "from; 'irctl fsck' says where it belongs"}});
      continue;
    }
    if (blob.path != incident_path(blob.id)) {
      problems.push_back({order, {blob.path, blob.path + ": incident " + blob.id + " is not where its ID puts it (" +
                                                 incident_path(blob.id) + "); 'irctl fsck' says how to move it"}});
      continue;
    }
    // Without a blob id from git, hash the content as git would.
    const git_oid oid = blob.oid ? *blob.oid : git::blob_hash(repo.read(blob.path).value_or(""));
    std::string key = cache_key(oid, blob.path);
    IncidentSummary& summary = out.incidents.emplace_back();
    std::optional<std::string> problem;
    const auto cached = summaries.find(key);
    const bool summary_cached = cached && decode_summary(*cached, summary, problem);
    if (cached && !summary_cached) summaries.reject_last_found();
    if (summary_cached && problem) {
      problems.push_back({order, {blob.path, *problem}});
      out.incidents.pop_back();
      continue;
    }
    if (summary_cached && docs) {
      if (const auto doc = docs->cache.find(key)) summary.document = *doc;
    }
    if (summary_cached && (!docs || !summary.document.empty())) continue;
    summary = IncidentSummary{};
    // The text is read again when its turn comes: holding every file of a new
    // clone at once would take more memory than all their summaries.
    misses.push_back({out.incidents.size() - 1, order, std::move(key), blob.path, {}, summary_cached, {}, {}, std::nullopt});
  }

  // In batches, so that only a batch of texts is in memory at a time.
  constexpr size_t kBatch = 256;
  const auto batch_at = [&](size_t begin) {
    return std::span(misses).subspan(begin, std::min(kBatch, misses.size() - std::min(begin, misses.size())));
  };
  const auto read_texts = [&](std::span<Miss> batch) {
    for (auto& m : batch) m.text = repo.read(m.path).value_or("");
  };
  read_texts(batch_at(0));
  for (size_t begin = 0; begin < misses.size(); begin += kBatch)
    parse_misses(batch_at(begin), out.incidents, documents, [&] { read_texts(batch_at(begin + kBatch)); });
  out.parsed = misses.size();
  // In order again: the cache's entries, and the problems; a file that does
  // not parse is cached too, with its message, so that it is not parsed on
  // every run.
  std::vector<bool> failed(out.incidents.size(), false);
  for (auto& m : misses) {
    IncidentSummary& summary = out.incidents[m.slot];
    if (!m.summary_cached) summaries.add(m.key, std::move(m.entry));
    if (m.problem) {
      problems.push_back({m.order, {m.path, *m.problem}});
      failed[m.slot] = true;
    } else if (docs) {
      summary.document = docs->cache.add(m.key, std::move(m.document));
    }
  }
  misses = {};
  if (std::find(failed.begin(), failed.end(), true) != failed.end()) {
    size_t kept = 0;
    for (size_t i = 0; i < out.incidents.size(); ++i) {
      if (failed[i]) continue;
      if (kept != i) out.incidents[kept] = std::move(out.incidents[i]);  // never onto itself: that empties vectors
      ++kept;
    }
    out.incidents.resize(kept);
  }
  set_aside_off_scale(repo.config(), out.incidents, problems);
  std::stable_sort(problems.begin(), problems.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [order, problem] : problems) out.problems.push_back(std::move(problem));

  summaries.save();
  if (docs) {
    docs->cache.save();
    out.storage = docs;
  }
  return out;
}

}  // namespace irctl
