#include "core/store/conflicts.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/store/git.hpp"
#include "core/store/merge.hpp"

namespace irctl {
namespace {

bool starts_with(const std::string& text, size_t at, const char* prefix) {
  return text.compare(at, std::char_traits<char>::length(prefix), prefix) == 0;
}

// One conflicted path as git's index holds it: the common ancestor's
// version (stage 1, absent when both sides added the file), ours (stage 2)
// and theirs (stage 3), either absent when that side deleted it.
struct Stages {
  std::string path;
  std::optional<git::BlobEntry> base, ours, theirs;
};

std::optional<git::BlobEntry> entry_of(const git_index_entry* e) {
  if (!e) return std::nullopt;
  return git::BlobEntry{e->id, static_cast<git_filemode_t>(e->mode)};
}

std::vector<Stages> conflicted_paths(git_index* index) {
  std::vector<Stages> out;
  git_index_conflict_iterator* raw = nullptr;
  git::check(git_index_conflict_iterator_new(&raw, index), "cannot read the conflicts in the index");
  const git::Owner<git_index_conflict_iterator, git_index_conflict_iterator_free> it(raw);
  const git_index_entry *base = nullptr, *ours = nullptr, *theirs = nullptr;
  while (git_index_conflict_next(&base, &ours, &theirs, raw) == 0) {
    const git_index_entry* any = ours ? ours : theirs ? theirs : base;
    out.push_back({any->path, entry_of(base), entry_of(ours), entry_of(theirs)});
  }
  return out;
}

// What the work tree holds must be git's conflict (markers) or our version
// (left by a merge driver that failed); anything else is a person's work.
void require_unedited(const Repository& repo, git_repository* g, const Stages& s) {
  const auto text = repo.read(s.path);
  if (!text || conflict_marker_line(*text) || *text == git::blob_content(g, s.ours->id, s.path)) return;
  throw Error(Errc::conflict, s.path + " was edited since git stopped the merge (it has no conflict markers)",
              "if you resolved it by hand, check it with 'irctl fsck' and 'git add " + s.path +
                  "'; to resolve it with irctl instead, bring back git's conflict first: 'git checkout -m -- " +
                  s.path + "'");
}

}  // namespace

std::optional<size_t> conflict_marker_line(const std::string& text) {
  enum { none, open, separated } state = none;
  size_t line = 1, opened = 0;
  for (size_t at = 0; at < text.size(); ++line) {
    if (state == none && starts_with(text, at, "<<<<<<<")) {
      state = open;
      opened = line;
    } else if (state == open && starts_with(text, at, "=======")) {
      state = separated;
    } else if (state == separated && starts_with(text, at, ">>>>>>>")) {
      return opened;
    }
    const size_t newline = text.find('\n', at);
    if (newline == std::string::npos) break;
    at = newline + 1;
  }
  return std::nullopt;
}

ConflictResolution resolve_conflicts(Repository& repo, const std::vector<std::string>& paths) {
  if (repo.layout() == Layout::branch)
    throw Error(Errc::usage, "the incidents' branch " + quote(repo.branch()) + " is not checked out here",
                "run it in the work tree where you merge the branch ('git worktree add')");
  git_repository* g = repo.handle();
  git_index* raw = nullptr;
  git::check(git_repository_index(&raw, g), "cannot open the index");
  const git::IndexPtr index(raw);
  git::check(git_index_read(raw, 1), "cannot read the index");

  std::vector<Stages> chosen;
  ConflictResolution out;
  const std::vector<Stages> all = conflicted_paths(raw);
  for (const auto& s : all) {
    const bool named = std::find(paths.begin(), paths.end(), s.path) != paths.end();
    if (paths.empty() ? is_incident_file(s.path) : named)
      chosen.push_back(s);
    else if (paths.empty())
      out.unresolved.push_back(s.path);
  }
  for (const auto& p : paths) {
    if (!is_incident_file(p))
      throw Error(Errc::usage, quote(p) + " is not an incident file",
                  "resolve it by hand and 'git add' it; irctl resolves incidents/YYYY/MM/ID.toml files");
    if (std::none_of(all.begin(), all.end(), [&](const Stages& s) { return s.path == p; }))
      throw Error(Errc::not_found, quote(p) + " is not in conflict", "'git status' lists the files that are");
  }

  std::vector<FileWrite> writes;
  for (const auto& s : chosen) {
    if (!s.ours || !s.theirs)
      throw Error(Errc::conflict, s.path + " was deleted on one side of the merge and changed on the other",
                  "keep it with 'git add " + s.path + "' or delete it with 'git rm " + s.path + "'");
    require_unedited(repo, g, s);
    const std::optional<std::string> base =
        s.base ? std::optional(git::blob_content(g, s.base->id, s.path)) : std::nullopt;
    MergedText m = merge_incident(base, git::blob_content(g, s.ours->id, s.path),
                                  git::blob_content(g, s.theirs->id, s.path), s.path);
    writes.push_back({.path = s.path, .content = std::move(m.text), .mode = s.ours->mode});
    out.resolved.push_back({s.path, std::move(m.conflicts)});
  }
  if (!writes.empty()) repo.stage_resolved(writes);
  return out;
}

}  // namespace irctl
