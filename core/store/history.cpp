// The commits that changed a file, newest first (an incident's history),
// the commit that brought a text into a file, and a file as a commit had it.

#include <sstream>

#include "core/error.hpp"
#include "core/store/repository.hpp"
#include "core/store/repository_internal.hpp"

namespace irctl {

namespace {

Timestamp to_timestamp(git_time_t t) { return Timestamp{Seconds{t}}; }

// The blob at `path` in a commit's tree; nullopt when it has none.
std::optional<git_oid> blob_in_commit(const git_commit* commit, const std::string& path) {
  git_tree* tree = nullptr;
  git::check(git_commit_tree(&tree, commit), "cannot read a commit's tree");
  git::TreePtr owner(tree);
  return git::blob_id_at(tree, path);
}

bool blob_holds(git_repository* repo, const std::optional<git_oid>& blob, const std::string& needle,
                const std::string& path) {
  return blob && git::blob_content(repo, *blob, path).find(needle) != std::string::npos;
}

// Adds the events each commit's message names ("Event: ID" lines) to `out`,
// for the commits reachable from `from` but not from `known` (when set).
void collect_event_commits(git_repository* repo, const git_oid& from, const std::optional<git_oid>& known,
                           std::unordered_map<std::string, std::string>& out) {
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo), "cannot walk the history");
  git::RevwalkPtr walk(raw);
  git::check(git_revwalk_push(raw, &from), "cannot walk the history");
  if (known) git::check(git_revwalk_hide(raw, &*known), "cannot walk the history");
  constexpr std::string_view trailer = "\nEvent: ";
  git_oid id;
  while (git_revwalk_next(&id, raw) == 0) {
    git_commit* c = nullptr;
    git::check(git_commit_lookup(&c, repo, &id), "cannot read a commit");
    git::CommitPtr commit(c);
    const std::string_view message = git_commit_message(c);
    const std::string sha = git::oid_hex(id);
    for (size_t at = message.find(trailer); at != std::string_view::npos; at = message.find(trailer, at + 1)) {
      const size_t start = at + trailer.size();
      const size_t end = std::min(message.find('\n', start), message.size());
      // The walk goes from the newest: an event named again (a cherry-pick) keeps its first commit.
      out.emplace(std::string(message.substr(start, end - start)), sha);
    }
  }
}

}  // namespace

std::unordered_map<std::string, std::string> Repository::event_commits() const {
  std::unordered_map<std::string, std::string> out;
  const auto start = tip();
  if (!start) return out;
  const std::string tip_hex = git::oid_hex(*start);
  constexpr const char* kCache = "event-commits";
  // "TIP\n" then "EVENT COMMIT" lines.
  std::optional<git_oid> known;
  if (const auto kept = read_private(kCache)) {
    std::istringstream in(*kept);
    std::string first;
    git_oid oid{};
    if (std::getline(in, first) && git_oid_fromstr(&oid, first.c_str()) == 0 &&
        (git_oid_equal(&oid, &*start) || git_graph_descendant_of(repo_.get(), &*start, &oid) == 1)) {
      known = oid;
      for (std::string event, commit; in >> event >> commit;) out.emplace(event, commit);
    }
  }
  if (known && git_oid_equal(&*known, &*start)) return out;
  std::unordered_map<std::string, std::string> added;
  collect_event_commits(repo_.get(), *start, known, added);
  std::string text = tip_hex + "\n";
  for (auto& [event, commit] : added) out[event] = std::move(commit);
  for (const auto& [event, commit] : out) text += event + ' ' + commit + '\n';
  try {
    write_private(kCache, text);
  } catch (const Error&) {
    // An optimisation only: a read-only git folder still gets the map.
  }
  return out;
}

std::vector<CommitInfo> Repository::history(const std::string& path) const {
  std::vector<CommitInfo> out;
  git_revwalk* raw = nullptr;
  git::check(git_revwalk_new(&raw, repo_.get()), "cannot walk the history");
  git::RevwalkPtr walk(raw);
  git_revwalk_sorting(raw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
  const auto start = tip();
  if (!start) return out;
  git::check(git_revwalk_push(raw, &*start), "cannot walk the history");

  // A null id when it is absent.
  const auto blob_at = [&](const git_commit* commit) {
    git_oid id{};
    if (const auto blob = blob_in_commit(commit, path)) id = *blob;
    return id;
  };

  git_oid id;
  while (git_revwalk_next(&id, raw) == 0) {
    git_commit* c = nullptr;
    git::check(git_commit_lookup(&c, repo_.get(), &id), "cannot read a commit");
    git::CommitPtr commit(c);
    const git_oid mine = blob_at(c);
    bool changed = true;
    const unsigned parents = git_commit_parentcount(c);
    if (parents == 0) {
      changed = !git_oid_is_zero(&mine);
    } else {
      for (unsigned i = 0; i < parents && changed; ++i) {
        git_commit* p = nullptr;
        git::check(git_commit_parent(&p, c, i), "cannot read a parent commit");
        git::CommitPtr parent(p);
        const git_oid theirs = blob_at(p);
        if (git_oid_equal(&mine, &theirs)) changed = false;
      }
    }
    if (!changed) continue;
    const git_signature* a = git_commit_author(c);
    const std::string message = git_commit_message(c);
    out.push_back(CommitInfo{git::oid_hex(id), a->name, a->email, to_timestamp(a->when.time),
                             to_timestamp(git_commit_time(c)), subject_of(message), message});
  }
  return out;
}


std::optional<std::string> Repository::commit_introducing(const std::string& path, const std::string& needle) const {
  const auto start = tip();
  if (!start) return std::nullopt;
  git_commit* raw = nullptr;
  git::check(git_commit_lookup(&raw, repo_.get(), &*start), "cannot read a commit");
  git::CommitPtr commit(raw);
  std::optional<git_oid> blob = blob_in_commit(raw, path);
  if (!blob_holds(repo_.get(), blob, needle, path)) return std::nullopt;
  for (;;) {
    // A parent with the same blob holds it too, without reading it again.
    git::CommitPtr next;
    std::optional<git_oid> next_blob;
    for (unsigned i = 0; i < git_commit_parentcount(commit.get()) && !next; ++i) {
      git_commit* p = nullptr;
      git::check(git_commit_parent(&p, commit.get(), i), "cannot read a parent commit");
      git::CommitPtr parent(p);
      const auto parent_blob = blob_in_commit(p, path);
      const bool same = parent_blob && git_oid_equal(&*parent_blob, &*blob);
      if (same || blob_holds(repo_.get(), parent_blob, needle, path)) {
        next = std::move(parent);
        next_blob = parent_blob;
      }
    }
    if (!next) return git::oid_hex(*git_commit_id(commit.get()));
    commit = std::move(next);
    blob = next_blob;
  }
}

std::optional<std::string> Repository::read_at(const std::string& revision, const std::string& path) const {
  git_object* raw = nullptr;
  if (git_revparse_single(&raw, repo_.get(), revision.c_str()) < 0) return std::nullopt;
  git::Owner<git_object, git_object_free> object(raw);
  git_commit* commit = nullptr;
  if (git_object_peel(reinterpret_cast<git_object**>(&commit), raw, GIT_OBJECT_COMMIT) < 0) return std::nullopt;
  git::CommitPtr owner(commit);
  const auto blob = blob_in_commit(commit, path);
  if (!blob) return std::nullopt;
  return git::blob_content(repo_.get(), *blob, path);
}

}  // namespace irctl
