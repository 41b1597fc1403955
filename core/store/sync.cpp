#include "core/store/sync.hpp"

#include <filesystem>

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <thread>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/store/deletions.hpp"
#include "core/store/git.hpp"
#include "core/store/merge.hpp"
#include "core/store/merge_text.hpp"
#include "core/util/env.hpp"
#include "core/util/process.hpp"
#include "core/util/stall_timer.hpp"
#include "core/util/time.hpp"

namespace irctl {
namespace {

constexpr int kSyncAttempts = 5;

using RemotePtr = git::Owner<git_remote, git_remote_free>;
using DiffPtr = git::Owner<git_diff, git_diff_free>;

// What one side changed since the common ancestor: path -> new blob and
// mode (nullopt when it deleted the file).
std::map<std::string, std::optional<git::BlobEntry>> changes_between(git_repository* repo, const git_tree* from,
                                                                     const git_tree* to) {
  git_diff* raw = nullptr;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_TYPECHANGE;  // a file that becomes a link: one change, not two
  git::check(git_diff_tree_to_tree(&raw, repo, const_cast<git_tree*>(from), const_cast<git_tree*>(to), &options),
             "cannot compare the trees");
  const DiffPtr diff(raw);
  std::map<std::string, std::optional<git::BlobEntry>> out;
  for (size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    if (d->status == GIT_DELTA_DELETED)
      out[d->old_file.path] = std::nullopt;
    else
      out[d->new_file.path] = git::BlobEntry{d->new_file.id, static_cast<git_filemode_t>(d->new_file.mode)};
  }
  return out;
}

bool same_blob(const git::BlobEntry& a, const git::BlobEntry& b) {
  return a.mode == b.mode && git_oid_equal(&a.id, &b.id);
}

// The mode of a file both sides changed: the side that changed it wins, as
// in git's merge.
git_filemode_t merged_mode(const std::optional<git::BlobEntry>& base, git_filemode_t ours, git_filemode_t theirs) {
  return base && ours == base->mode ? theirs : ours;
}

std::optional<std::string> content(git_repository* repo, const git_tree* tree, const std::string& path) {
  const auto id = git::blob_id_at(tree, path);
  if (!id) return std::nullopt;
  return git::blob_content(repo, *id, path);
}

// git's own line-based merge, for files other than incidents (a postmortem's
// prose, the config); nullopt when lines conflict.
std::optional<std::string> merge_lines(const std::optional<std::string>& base, const std::string& ours,
                                       const std::string& theirs) {
  TextMerge merged = merge_texts(base.value_or(""), ours, theirs);
  if (!merged.conflicts.empty()) return std::nullopt;
  return std::move(merged.text);
}

std::string finish_hint(const Repository& repo, const std::string& tracking) {
  if (repo.layout() == Layout::branch)
    return "your commits and the remote's are both kept. Merge by hand in a separate work tree: 'git worktree add "
           "/tmp/incidents " + repo.branch() + "', then there 'git merge " + tracking +
           "', fix the files named, 'git commit', remove the work tree, and run 'irctl sync' again";
  return "your commits and the remote's are both kept. Finish by hand: 'git merge " + tracking +
         "', fix the files named (see 'irctl fsck'), 'git commit', then run 'irctl sync' again";
}

// Runs 'git credential fill' (git's credential helpers, or its prompt on a
// terminal) for a URL; nullopt when it gives nothing.
std::optional<std::pair<std::string, std::string>> git_credential_fill(const std::string& url,
                                                                       const std::string& user) {
  std::string request = "url=" + url + "\n";
  if (!user.empty()) request += "username=" + user + "\n";
  request += "\n";
  ProcessOptions fill;
  fill.argv = {"git", "credential", "fill"};
  fill.input = request;
  fill.output = ProcessOutput::capture;
  ProcessResult done;
  try {
    done = run_process(fill);
  } catch (const Error&) {
    return std::nullopt;
  }
  if (!WIFEXITED(done.status) || WEXITSTATUS(done.status) != 0) return std::nullopt;
  const std::string& reply = done.output;
  std::string name, password;
  size_t start = 0;
  while (start < reply.size()) {
    const size_t end = reply.find('\n', start);
    const std::string line = reply.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.rfind("username=", 0) == 0) name = line.substr(9);
    if (line.rfind("password=", 0) == 0) password = line.substr(9);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (password.empty()) return std::nullopt;
  return std::make_pair(name, password);
}

// How long sync waits for a remote to connect and then to show progress:
// IRCTL_SYNC_TIMEOUT, else git config irctl.syncTimeout, else 60 seconds;
// 0 for no limit.
double sync_timeout_seconds(const Repository& repo) {
  const NumberRange range{0, 86400};
  const std::string hint = "set it to the seconds sync may wait for the remote (such as 30), or 0 for no limit";
  if (const auto environment = env_seconds("IRCTL_SYNC_TIMEOUT", range, hint)) return *environment;
  const auto configured = repo.git_config_value("irctl.syncTimeout");
  if (configured && !configured->empty()) return parse_seconds(*configured, "git config irctl.syncTimeout", range, hint);
  return 60.0;
}

struct Callbacks {
  const SyncOptions* options = nullptr;
  int credential_calls = 0;
  std::vector<std::string> rejected;  // refs the remote refused to update
  double timeout_seconds = 0;
  StallTimer* timer = nullptr;  // while a fetch or push runs

  // Every callback is a sign of progress; after the timer ran out, the
  // answer that stops libgit2.
  bool stalled() const {
    if (!timer) return false;
    if (timer->expired()) return true;
    timer->progress();
    return false;
  }
};

int ask_credentials(git_credential** out, const char* url, const char* user, unsigned int allowed, Callbacks* cb) {
  // libgit2 asks again after each refusal: give each source one chance.
  if (++cb->credential_calls > 3) return GIT_EAUTH;
  const std::string name = user ? user : "";
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) && cb->credential_calls == 1)
    return git_credential_ssh_key_from_agent(out, name.empty() ? "git" : name.c_str());
  if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)
    if (const auto found = git_credential_fill(url, name))
      return git_credential_userpass_plaintext_new(out, found->first.c_str(), found->second.c_str());
  if (allowed & GIT_CREDENTIAL_USERNAME) return git_credential_username_new(out, name.empty() ? "git" : name.c_str());
  return GIT_PASSTHROUGH;
}

int credentials(git_credential** out, const char* url, const char* user, unsigned int allowed, void* payload) {
  auto* cb = static_cast<Callbacks*>(payload);
  if (cb->stalled()) return GIT_EUSER;
  // A person may be typing a password: that is no stall.
  if (cb->timer) cb->timer->pause();
  const int rc = ask_credentials(out, url, user, allowed, cb);
  if (cb->timer) cb->timer->progress();
  return rc;
}

int sideband_progress(const char*, int, void* payload) {
  return static_cast<Callbacks*>(payload)->stalled() ? GIT_EUSER : 0;
}

int pack_progress(int, uint32_t, uint32_t, void* payload) {
  return static_cast<Callbacks*>(payload)->stalled() ? GIT_EUSER : 0;
}

int transfer_progress(const git_indexer_progress* p, void* payload) {
  auto* cb = static_cast<Callbacks*>(payload);
  if (cb->stalled()) return GIT_EUSER;
  if (cb->options->progress && p->total_objects > 0) {
    const unsigned pct = 100 * p->received_objects / p->total_objects;
    cb->options->progress("Receiving objects: " + std::to_string(pct) + "% (" + std::to_string(p->received_objects) +
                          "/" + std::to_string(p->total_objects) + ")");
  }
  return 0;
}

int push_progress(unsigned int current, unsigned int total, size_t, void* payload) {
  auto* cb = static_cast<Callbacks*>(payload);
  if (cb->stalled()) return GIT_EUSER;
  if (cb->options->progress && total > 0)
    cb->options->progress("Writing objects: " + std::to_string(100 * current / total) + "% (" +
                          std::to_string(current) + "/" + std::to_string(total) + ")");
  return 0;
}

int push_update(const char* ref, const char* status, void* payload) {
  if (status) static_cast<Callbacks*>(payload)->rejected.push_back(std::string(ref) + ": " + status);
  return 0;
}

git_remote_callbacks make_callbacks(Callbacks& cb) {
  git_remote_callbacks c = GIT_REMOTE_CALLBACKS_INIT;
  c.credentials = credentials;
  c.transfer_progress = transfer_progress;
  c.push_transfer_progress = push_progress;
  c.sideband_progress = sideband_progress;
  c.pack_progress = pack_progress;
  c.push_update_reference = push_update;
  c.payload = &cb;
  return c;
}

// libgit2 calls a local path that does not exist an "unsupported URL
// protocol"; the folder that is missing is what to say.
void require_local_remote_exists(const std::string& name, const std::string& url) {
  const bool file_url = url.rfind("file://", 0) == 0;
  if (!file_url && (url.empty() || url[0] != '/')) return;  // another transport, or relative: libgit2's to judge
  const std::string path = file_url ? url.substr(7) : url;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw Error(Errc::not_found, "the remote " + quote(name) + " is the folder " + quote(path) + ", which does not exist",
                "check the path with 'git remote -v'; correct it with 'git remote set-url " + name + " URL'");
}

}  // namespace

bool has_remote(const Repository& repo, const std::string& name) {
  git_remote* raw = nullptr;
  if (git_remote_lookup(&raw, repo.handle(), name.c_str()) != 0) return false;
  git_remote_free(raw);
  return true;
}

namespace {

RemotePtr open_remote(Repository& repo, const std::string& name) {
  git_remote* raw = nullptr;
  const int rc = git_remote_lookup(&raw, repo.handle(), name.c_str());
  if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
    throw Error(Errc::not_found, "no remote named " + quote(name),
                "add one with 'git remote add " + name + " URL' (any git host, or a bare repository on a shared disk)");
  git::check(rc, "cannot read the remote " + quote(name));
  RemotePtr remote(raw);
  require_local_remote_exists(name, git_remote_url(raw) ? git_remote_url(raw) : "");
  git::start_network_transports();
  return remote;
}

std::optional<git_oid> ref_target(git_repository* repo, const std::string& name) {
  git_oid id;
  if (git_reference_name_to_id(&id, repo, name.c_str()) != 0) return std::nullopt;
  return id;
}

// One refspec, as the list libgit2 takes.
struct Refspec {
  explicit Refspec(std::string s) : text(std::move(s)), ptr(text.data()), list{&ptr, 1} {}
  Refspec(const Refspec&) = delete;
  Refspec& operator=(const Refspec&) = delete;
  std::string text;
  char* ptr;
  git_strarray list;
};

std::string timeout_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g second%s", s, s == 1.0 ? "" : "s");
  return buf;
}

// Runs one network operation (`call` returns libgit2's code) under the stall
// timer; a failure after the timer ran out is reported as the timeout.
int with_stall_timer(git_remote* remote, Callbacks& cb, const std::function<int()>& call) {
  StallTimer timer(cb.timeout_seconds);
  cb.timer = &timer;
  const int rc = call();
  cb.timer = nullptr;
  if (rc < 0 && timer.expired()) {
    const std::string name = git_remote_name(remote);
    const char* url = git_remote_url(remote);
    throw Error(Errc::failure,
                "gave up on the remote " + quote(name) + " (" + (url ? url : "") + "): nothing came from it for " +
                    timeout_text(timer.seconds()),
                "check the URL ('git remote get-url " + name + "') and the network, then run 'irctl sync' again; "
                "IRCTL_SYNC_TIMEOUT or 'git config irctl.syncTimeout' sets how many seconds to wait (0: no limit)");
  }
  return rc;
}

void fetch(git_remote* remote, const std::string& branch, const std::string& tracking, Callbacks& cb) {
  const Refspec spec("+refs/heads/" + branch + ":" + tracking);
  git_fetch_options opts = GIT_FETCH_OPTIONS_INIT;
  opts.callbacks = make_callbacks(cb);
  cb.credential_calls = 0;
  git::check(with_stall_timer(remote, cb, [&] { return git_remote_fetch(remote, &spec.list, &opts, "irctl sync: fetch"); }),
             "cannot fetch from " + quote(git_remote_name(remote)));
}

// True when pushed; false when the remote refused because it moved meanwhile.
bool push(git_remote* remote, const std::string& branch, Callbacks& cb) {
  const Refspec spec("refs/heads/" + branch + ":refs/heads/" + branch);
  git_push_options opts = GIT_PUSH_OPTIONS_INIT;
  opts.callbacks = make_callbacks(cb);
  cb.credential_calls = 0;
  cb.rejected.clear();
  const int rc = with_stall_timer(remote, cb, [&] { return git_remote_push(remote, &spec.list, &opts); });
  if (rc == GIT_ENONFASTFORWARD) return false;
  git::check(rc, "cannot push to " + quote(git_remote_name(remote)));
  return cb.rejected.empty();
}

// Refuses (Errc::data) to push incident files that do not parse or
// validate, so that a file broken by hand and committed with git stays in
// its clone instead of reaching every other: the files that differ from the
// remote's tip, all of them when the remote has nothing.
void require_valid_outgoing(git_repository* g, const std::optional<git_oid>& theirs, const git_oid& ours,
                            const std::string& remote) {
  const git::TreePtr their_tree = theirs ? git::commit_tree(g, *theirs) : git::TreePtr();
  const git::TreePtr our_tree = git::commit_tree(g, ours);
  std::string problems;
  for (const auto& [path, blob] : changes_between(g, their_tree.get(), our_tree.get())) {
    if (!blob || !is_incident_file(path)) continue;
    try {
      IncidentFile::parse(git::blob_content(g, blob->id, path), path);
    } catch (const Error& e) {
      problems += (problems.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  if (!problems.empty())
    throw Error(Errc::data, "not pushing to " + quote(remote) + ", an incident file is not valid: " + problems,
                "fix the file as 'irctl fsck' says and commit the fix (or bring back a good version with 'git "
                "checkout COMMIT -- PATH'), then run 'irctl sync' again; nothing was pushed");
}

}  // namespace

TreeMerge merge_commits(Repository& repo, const git_oid& ours, const git_oid& theirs) {
  git_repository* g = repo.handle();
  git::TreePtr base_tree;
  git_oid base_id;
  const int rc = git_merge_base(&base_id, g, &ours, &theirs);
  if (rc == 0)
    base_tree = git::commit_tree(g, base_id);
  else if (rc != GIT_ENOTFOUND)
    git::fail(rc, "cannot find the common ancestor");
  const git::TreePtr our_tree = git::commit_tree(g, ours);
  const git::TreePtr their_tree = git::commit_tree(g, theirs);
  const auto mine = changes_between(g, base_tree.get(), our_tree.get());
  const auto yours = changes_between(g, base_tree.get(), their_tree.get());

  TreeMerge out;
  std::vector<std::string> problems;
  for (const auto& [path, their_blob] : yours) {
    const auto it = mine.find(path);
    if (it == mine.end()) {  // only they changed it
      out.writes.push_back(their_blob
                               ? FileWrite{.path = path, .content = git::blob_content(g, their_blob->id, path), .mode = their_blob->mode}
                               : FileWrite{.path = path, .remove = true});
      continue;
    }
    const auto& our_blob = it->second;
    if (our_blob.has_value() == their_blob.has_value() && (!our_blob || same_blob(*our_blob, *their_blob)))
      continue;  // both made the same change
    if (!our_blob || !their_blob) {
      problems.push_back(path + ": deleted on one side and changed on the other");
      continue;
    }
    const auto base_blob = git::blob_entry_at(base_tree.get(), path);
    const git_filemode_t mode = merged_mode(base_blob, our_blob->mode, their_blob->mode);
    if (git_oid_equal(&our_blob->id, &their_blob->id)) {  // the same content, a mode changed
      out.writes.push_back({.path = path, .content = git::blob_content(g, our_blob->id, path), .mode = mode});
      continue;
    }
    if (our_blob->mode == GIT_FILEMODE_LINK || their_blob->mode == GIT_FILEMODE_LINK) {
      problems.push_back(path + ": a symbolic link changed differently on both sides");
      continue;
    }
    const auto base_text = content(g, base_tree.get(), path);
    const std::string our_text = git::blob_content(g, our_blob->id, path);
    const std::string their_text = git::blob_content(g, their_blob->id, path);
    if (is_incident_file(path)) {
      try {
        MergedText m = merge_incident(base_text, our_text, their_text, path);
        out.writes.push_back({.path = path, .content = std::move(m.text), .mode = mode});
        for (auto& c : m.conflicts) out.conflicts.push_back(path + ": " + c);
        out.merged_files.push_back(path);
      } catch (const Error& e) {
        problems.push_back(std::string(e.what()));
      }
      continue;
    }
    if (auto merged = merge_lines(base_text, our_text, their_text)) {
      out.writes.push_back({.path = path, .content = std::move(*merged), .mode = mode});
      out.merged_files.push_back(path);
    } else {
      problems.push_back(path + ": both sides changed the same lines");
    }
  }
  if (!problems.empty()) {
    std::string message = "cannot merge automatically: ";
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    throw Error(Errc::conflict, message);
  }
  return out;
}

SyncResult sync_repository(Repository& repo, const SyncOptions& options) {
  SyncResult result;
  result.remote = options.remote.value_or(repo.default_remote());
  result.branch = repo.branch();
  if (result.branch.empty())
    throw Error(Errc::usage, "HEAD is detached: there is no branch to sync", "check out a branch first ('git switch main')");
  const RemotePtr remote = open_remote(repo, result.remote);
  const std::string local_ref = "refs/heads/" + result.branch;
  const std::string tracking = "refs/remotes/" + result.remote + "/" + result.branch;
  git_repository* g = repo.handle();
  Callbacks cb;
  cb.options = &options;
  cb.timeout_seconds = sync_timeout_seconds(repo);
  result.outcome = "up-to-date";

  std::optional<git_oid> refused_at;  // the remote's tip when it last refused our push
  for (result.attempts = 1;; ++result.attempts) {
    fetch(remote.get(), result.branch, tracking, cb);
    const auto theirs = ref_target(g, tracking);
    if (refused_at && theirs && git_oid_equal(&*refused_at, &*theirs)) {
      // It refused, yet did not move: a protected branch or a server hook.
      std::string why;
      for (const auto& r : cb.rejected) why += (why.empty() ? "" : "; ") + r;
      throw Error(Errc::failure, "the remote " + quote(result.remote) + " refused the push" +
                                     (why.empty() ? std::string() : ": " + why),
                  "check that you may push to " + result.branch + " there; your commits are kept locally");
    }
    {
      auto lock = repo.lock();
      const auto ours = ref_target(g, local_ref);
      if (ours && theirs) refuse_deletions_in_sync(g, *ours, *theirs, result.remote + "/" + result.branch);
      if (theirs && !ours) {
        repo.fast_forward(*theirs);
        result.outcome = "fast-forward";
      } else if (theirs && ours && !git_oid_equal(&*ours, &*theirs)) {
        git_oid base;
        const int rc = git_merge_base(&base, g, &*ours, &*theirs);
        if (rc == 0 && git_oid_equal(&base, &*ours)) {
          repo.fast_forward(*theirs);
          result.outcome = "fast-forward";
        } else if (rc != 0 || !git_oid_equal(&base, &*theirs)) {
          TreeMerge merge;
          try {
            merge = merge_commits(repo, *ours, *theirs);
          } catch (const Error& e) {
            throw Error(Errc::conflict, std::string(e.what()), finish_hint(repo, result.remote + "/" + result.branch));
          }
          for (const auto& w : merge.writes) repo.require_clean(w.path);
          std::string message = "merge " + result.remote + "/" + result.branch + " into " + result.branch + "\n";
          if (!merge.merged_files.empty()) {
            message += "\nMerged by irctl:\n";
            for (const auto& f : merge.merged_files) message += "  " + f + "\n";
          }
          if (!merge.conflicts.empty()) {
            message += "\nChanged on both sides (each recorded by a merge event):\n";
            for (const auto& c : merge.conflicts) message += "  " + c + "\n";
          }
          repo.commit(merge.writes, message, options.actor(), now_utc(), *theirs);
          result.outcome = "merged";
          result.merged_files = merge.merged_files;
          result.conflicts = merge.conflicts;
        }
      }
    }
    const auto ours = ref_target(g, local_ref);
    if (!ours || !options.push || (theirs && git_oid_equal(&*ours, &*theirs))) {
      if (ours) result.tip = git::oid_hex(*ours);
      return result;
    }
    require_valid_outgoing(g, theirs, *ours, result.remote);
    if (push(remote.get(), result.branch, cb)) {
      git_reference* out = nullptr;
      git::check(git_reference_create(&out, g, tracking.c_str(), &*ours, 1, "irctl sync: push"),
                 "cannot update " + tracking);
      git_reference_free(out);
      result.pushed = true;
      if (result.outcome == "up-to-date") result.outcome = "pushed-only";
      result.tip = git::oid_hex(*ours);
      return result;
    }
    refused_at = theirs;
    if (result.attempts == kSyncAttempts)
      throw Error(Errc::busy,
                  "the remote " + quote(result.remote) + " moved on every one of " + std::to_string(kSyncAttempts) +
                      " attempts to push",
                  "run 'irctl sync' again in a moment; your commits are kept");
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * result.attempts));
  }
}

}  // namespace irctl
