// The one write path: the repository lock, the commit, the compare-and-swap
// that moves the branch, and the journal that lets the next command finish
// (or drop) a write a killed irctl left half-done. The journal's writer
// (advance) and its reader (recover_interrupted_write) live here together.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/model/incident.hpp"
#include "core/model/maintenance_file.hpp"
#include "core/store/repository.hpp"
#include "core/store/repository_internal.hpp"
#include "core/util/env.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace fs = std::filesystem;

namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g second%s", s, s == 1.0 ? "" : "s");
  return buf;
}

// The journal names the write in flight: the reference, the commit it leaves
// and the one it moves to, and the files of the work tree to bring along
// (with the permission bits of those written with fewer, so that finishing a
// killed write keeps them too). It exists from just before the
// compare-and-swap until the work tree and the index are in step, so a
// process killed anywhere in between leaves enough behind for the next one to
// finish the job. One line a fact: "ref REF", "from HEX" ("none" before the
// first commit), "to HEX", "path PATH" and "perms OCTAL PATH".
//
// The file .git/irctl/journal stays from one write to the next, written in
// place and emptied after: empty or missing, there is no write in flight.
// Making and removing a file each time cost two of a write's dozen file
// creations and deletions, which this file system makes slow. A journal torn
// by a kill is one whose write never went further: it is dropped, and it
// names at most files that are still as the branch has them.
struct Journal {
  std::string ref;
  std::string from;
  std::string to;
  std::vector<std::string> paths;
  WorkTreePerms perms;

  std::string text() const {
    std::string out = "ref " + ref + "\nfrom " + from + "\nto " + to + "\n";
    for (const auto& p : paths) out += "path " + p + "\n";
    for (const auto& [p, bits] : perms) {
      char octal[8];
      std::snprintf(octal, sizeof octal, "%03o", static_cast<unsigned>(bits & 0777));
      out += "perms " + std::string(octal) + " " + p + "\n";
    }
    return out;
  }

  static Journal parse(const std::string& text) {
    Journal j;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
      const auto space = line.find(' ');
      const std::string key = line.substr(0, space);
      const std::string value = space == std::string::npos ? "" : line.substr(space + 1);
      if (key == "ref") j.ref = value;
      else if (key == "to") j.to = value;
      else if (key == "from") j.from = value;
      else if (key == "path") j.paths.push_back(value);
      else if (key == "perms") j.add_perms(value);
    }
    return j;
  }

 private:
  // "600 PATH"; ignored when malformed.
  void add_perms(const std::string& value) {
    const auto space = value.find(' ');
    if (space == std::string::npos) return;
    char* end = nullptr;
    const unsigned long bits = std::strtoul(value.c_str(), &end, 8);
    if (end == value.c_str() + space && bits <= 0777) perms[value.substr(space + 1)] = static_cast<mode_t>(bits);
  }
};

// A lock file a killed irctl left: made after its journal and within the few
// milliseconds a write takes. A lock git itself holds now is younger.
bool left_by_interrupted_write(const fs::path& lock, fs::file_time_type journal_time) {
  std::error_code ec;
  const auto t = fs::last_write_time(lock, ec);
  if (ec) return false;
  return t + std::chrono::seconds(1) >= journal_time && t <= journal_time + std::chrono::seconds(30);
}

// write_file_atomically's temporary files ("NAME.irctl-tmp-PID") in `dir`
// whose names start with `name_prefix`: every writer holds the repository
// lock, so under it they are all left over from a write a kill cut short (its
// process may linger as a zombie).
void remove_orphaned_temporaries(const fs::path& dir, const std::string& name_prefix) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kTemporaryMarker) == std::string::npos || name.compare(0, name_prefix.size(), name_prefix) != 0)
      continue;
    fs::remove(entry.path(), ec);
  }
}

// Whether what the timeline cache kept deflated is the content's, at the
// place the write says: a damaged cache must cost speed, never an object.
bool deflated_part_fits(const FileWrite& f) {
  if (!f.deflated || f.deflated_at > f.content.size() || f.deflated->size > f.content.size() - f.deflated_at)
    return false;
  return deflate_checksum(std::string_view(f.content).substr(f.deflated_at, f.deflated->size)) == f.deflated->adler;
}

// A long incident file written by appending: its header and what was
// appended are deflated, and the rest joined as the cache kept it
// (deflated.hpp), where libgit2 would deflate all of it: most of a write to
// a 2 MB file.
git_oid store_appended_blob(git_repository* repo, const FileWrite& f) {
  const std::string_view content = f.content;
  const DeflatedSpan& kept = *f.deflated;
  const size_t kept_end = f.deflated_at + kept.size;
  const std::string object_header = "blob " + std::to_string(content.size()) + std::string(1, '\0');
  const DeflatedPiece head = deflate_piece(object_header + std::string(content.substr(0, f.deflated_at)));
  DeflatedPiece rest = deflate_piece(content.substr(kept_end), content.substr(f.deflated_at, kept.size));
  const git_oid id = git::blob_hash(f.content);
  git::store_loose_object(repo, id, ZlibStream({span_of(head), kept, span_of(rest)}).parts());
  *f.deflated_rest = std::move(rest);
  return id;
}

git_oid store_blob(git_repository* repo, const FileWrite& f) {
  if (deflated_part_fits(f) && f.deflated_rest) return store_appended_blob(repo, f);
  if (f.deflated_rest) f.deflated_rest->reset();
  git_oid id;
  git::check(git_blob_create_from_buffer(&id, repo, f.content.data(), f.content.size()), "cannot store " + f.path);
  return id;
}

}  // namespace

std::string age_of(const fs::path& lock) {
  struct stat st {};
  if (::stat(lock.c_str(), &st) != 0) return "";
  const auto age = std::chrono::system_clock::now() - std::chrono::system_clock::from_time_t(st.st_mtime);
  return ", made " + format_duration(std::chrono::duration_cast<Seconds>(age)) + " ago";
}

double lock_timeout_seconds() {
  return env_seconds("IRCTL_LOCK_TIMEOUT", {0, 86400}, "set it to the seconds a write may wait for the lock (such as 30)")
      .value_or(10.0);
}

void RepositoryLock::release() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
  fd_ = -1;
}

RepositoryLock Repository::lock() {
  const fs::path path = fs::path(git_repository_commondir(repo_.get())) / "irctl.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw Error(Errc::failure, "cannot open " + path.string() + ": " + std::strerror(errno));
  RepositoryLock lock(fd);
  const double timeout = lock_timeout_seconds();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR)
      throw Error(Errc::failure, "cannot lock " + path.string() + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline)
      throw Error(Errc::busy, "the repository is busy: another irctl process kept it locked for " +
                                  seconds_text(timeout),
                  "run the command again in a moment (IRCTL_LOCK_TIMEOUT sets how many seconds to wait)");
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (auto what = recover_interrupted_write()) recovered_write_ = std::move(what);
  // Another process may have committed while we waited.
  tip_tree_loaded_ = false;
  return lock;
}

void Repository::require_readable(const std::vector<FileWrite>& files) {
  try {
    std::optional<Config> new_config;
    for (const auto& f : files)
      if (!f.remove && f.path == kConfigPath) new_config = parse_config(f.content, f.path);
    for (const auto& f : files)
      if (!f.remove && is_maintenance_file(f.path)) parse_maintenance(f.content, f.path);
    for (const auto& f : files) {
      if (f.remove || !is_incident_file(f.path)) continue;
      if (f.appended)
        require_on_scale(*f.appended, new_config ? *new_config : config());
      else
        // toml++ reads it back, as the summary cache will (it agrees with
        // toml11: tests/fuzz/toml_differential.hpp).
        require_on_scale(IncidentFile::read_fast(f.content, f.path), f.content, new_config ? *new_config : config());
    }
  } catch (const Error& e) {
    throw Error(Errc::data, std::string("irctl will not commit a file it cannot read back: ") + e.what(),
                e.hint().empty() ? "nothing was written" : e.hint());
  }
}

bool Repository::replaces_committed_link(const FileWrite& f) const {
  // A symbolic link git checked out is replaced by a rename, never written
  // through; what it is now was checked by require_clean.
  const auto committed = git::blob_entry_at(tip_tree(), f.path);
  return f.mode && committed && committed->mode == GIT_FILEMODE_LINK;
}

std::string Repository::commit(const std::vector<FileWrite>& files, const std::string& message, const Actor& author,
                               Timestamp author_time, const std::optional<git_oid>& merge_parent) {
  require_no_git_operation();
  // The invariant of every write: each incident file and configuration irctl
  // commits parses and validates, so that no input (whatever field carries
  // it) can leave a file that stops every reader.
  require_readable(files);
  // Checked before anything is committed: writing through a symbolic link
  // could reach outside the repository, and a folder in the way would fail
  // only after the commit is made.
  for (const auto& f : files)
    if (const auto why = replaces_committed_link(f) ? std::nullopt : unwritable_reason(f.path))
      throw Error(Errc::conflict, "cannot write " + f.path + ": " + *why,
                  "irctl writes only real files and folders of the work tree; move what is in the way, then run the "
                  "command again");
  git_repository* repo = repo_.get();
  const std::optional<git_oid> parent_id = tip();
  git::CommitPtr parent;
  if (parent_id) {
    git_commit* p = nullptr;
    git::check(git_commit_lookup(&p, repo, &*parent_id), "cannot read " + ref_name());
    parent.reset(p);
  }
  git::CommitPtr merged;
  if (merge_parent) {
    git_commit* m = nullptr;
    git::check(git_commit_lookup(&m, repo, &*merge_parent), "cannot read the commit to merge");
    merged.reset(m);
  }

  // The new tree is the tip's with our files replaced, not the index's:
  // changes someone staged by hand stay staged and out of irctl's commit.
  // The tree of the very commit the compare-and-swap expects, never a tree
  // read earlier: git may have committed since, and its change must stay.
  git::TreePtr tree;
  if (parent_id) tree = git::commit_tree(repo, *parent_id);
  std::vector<std::string> paths;
  WorkTreePerms perms;
  for (const auto& f : files) {
    if (f.work_tree_perms != FileWrite::kDefaultPerms) perms[f.path] = f.work_tree_perms;
    std::optional<git_oid> blob;
    if (!f.remove) blob = store_blob(repo, f);
    if (blob && f.stored_as) *f.stored_as = *blob;
    const auto tree_id = git::tree_with_file(repo, tree.get(), f.path, blob ? &*blob : nullptr, f.mode);
    tree.reset();
    if (tree_id) {
      git_tree* t = nullptr;
      git::check(git_tree_lookup(&t, repo, &*tree_id), "cannot read the new tree");
      tree.reset(t);
    }
    paths.push_back(f.path);
  }
  if (!tree) {
    git_oid empty;
    git_treebuilder* raw = nullptr;
    git::check(git_treebuilder_new(&raw, repo, nullptr), "cannot build a tree");
    git::TreeBuilderPtr builder(raw);
    git::check(git_treebuilder_write(&empty, raw), "cannot write a tree");
    git_tree* t = nullptr;
    git::check(git_tree_lookup(&t, repo, &empty), "cannot read the new tree");
    tree.reset(t);
  }

  git_signature* a = nullptr;
  git::check(git_signature_new(&a, author.name.c_str(), author.email.c_str(), author_time.time_since_epoch().count(), 0),
             "invalid author");
  git::SignaturePtr author_sig(a);
  git_signature* c = nullptr;
  git::check(git_signature_new(&c, author.name.c_str(), author.email.c_str(), now_utc().time_since_epoch().count(), 0),
             "invalid committer");
  git::SignaturePtr committer_sig(c);

  git_oid commit_id;
  std::vector<const git_commit*> parents;
  if (parent) parents.push_back(parent.get());
  if (merged) parents.push_back(merged.get());
  git::check(git_commit_create(&commit_id, repo, nullptr, author_sig.get(), committer_sig.get(), nullptr,
                               message.c_str(), tree.get(), parents.size(), parents.data()),
             "cannot commit");
  const std::string subject = subject_of(message);
  advance(parent_id, commit_id, paths, std::string(merged ? "merge" : "commit") + ": " + subject, perms, &files);
  return git::oid_hex(commit_id);
}

void Repository::fast_forward(const git_oid& to) {
  require_no_git_operation();
  const std::optional<git_oid> from = tip();
  std::vector<std::string> paths;
  const git::TreePtr new_tree = git::commit_tree(repo_.get(), to);
  git_diff* raw = nullptr;
  git_diff_options options = GIT_DIFF_OPTIONS_INIT;
  options.flags = GIT_DIFF_INCLUDE_TYPECHANGE;  // a file that becomes a link: one path, not two
  git::check(git_diff_tree_to_tree(&raw, repo_.get(), const_cast<git_tree*>(tip_tree()), new_tree.get(), &options),
             "cannot compare the trees");
  const git::Owner<git_diff, git_diff_free> diff(raw);
  for (size_t i = 0; i < git_diff_num_deltas(raw); ++i) {
    const git_diff_delta* d = git_diff_get_delta(raw, i);
    paths.push_back(d->new_file.path ? d->new_file.path : d->old_file.path);
  }
  for (const auto& p : paths) require_clean(p);
  advance(from, to, paths, "fast-forward");
}

fs::path Repository::journal_path() const { return git_dir() / "irctl" / "journal"; }

bool Repository::write_in_flight() const {
  struct stat st {};
  return ::stat(journal_path().c_str(), &st) == 0 && st.st_size > 0;
}

void Repository::write_journal(std::string_view text) const {
  const fs::path path = journal_path();
  if (text.empty()) {
    std::error_code ignored;
    if (::truncate(path.c_str(), 0) != 0) fs::remove(path, ignored);  // a folder in the way, say
    return;
  }
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  overwrite_file(path, text);
}

void Repository::advance(const std::optional<git_oid>& from, const git_oid& to, const std::vector<std::string>& paths,
                         const std::string& reflog_message, const WorkTreePerms& perms,
                         const std::vector<FileWrite>* written) {
  const std::string ref = ref_name();
  const Journal journal{ref, from ? git::oid_hex(*from) : std::string("none"), git::oid_hex(to), paths, perms};
  write_journal(journal.text());
  const auto drop_journal = [&] { write_journal(""); };

  const bool with_work_tree = layout() == Layout::checkout && !paths.empty();
  IndexLock index_lock(git_dir() / "index");
  // The files as they were, to put back if the branch cannot move.
  const auto restore = [&] {
    const git::TreePtr before = from ? git::commit_tree(repo_.get(), *from) : git::TreePtr();
    sync_work_tree_locked(before.get(), paths, index_lock);
  };
  if (with_work_tree) {
    try {
      index_lock.acquire();
      sync_work_tree_locked(git::commit_tree(repo_.get(), to).get(), paths, index_lock, perms, written);
    } catch (...) {
      if (index_lock.held()) restore();
      drop_journal();
      throw;
    }
  }

  git_reference* out = nullptr;
  int rc = 0;
  git_oid current;
  // In the branch layout before the first local commit, tip() is the remote
  // branch's: the local one must still not exist.
  const bool creating = !from || git_reference_name_to_id(&current, repo_.get(), ref.c_str()) != 0;
  if (creating)
    rc = git_reference_create(&out, repo_.get(), ref.c_str(), &to, 0, reflog_message.c_str());
  else
    rc = git_reference_create_matching(&out, repo_.get(), ref.c_str(), &to, 1, &*from, reflog_message.c_str());
  git_reference_free(out);
  tip_tree_loaded_ = false;
  if (rc < 0) {
    if (with_work_tree) restore();
    drop_journal();
    if (rc == GIT_ELOCKED) {
      const fs::path lock = fs::path(git_repository_commondir(repo_.get())) / (ref + ".lock");
      throw BranchMoved(Errc::busy, "git's lock on " + ref + " is held (" + lock.string() + " exists" + age_of(lock) + ")",
                        "if no git command is running (see 'ps'), it was left by one that died: remove " +
                            lock.string() + ", then run the command again");
    }
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
      throw BranchMoved(Errc::busy, ref + " moved while irctl was writing (another program committed)",
                        "run the command again");
    git::fail(rc, "cannot move " + ref);
  }
  index_lock.release();
  drop_journal();
}

std::optional<std::string> Repository::recover_interrupted_write() {
  std::error_code ec;
  const fs::path journal_file = journal_path();
  remove_orphaned_temporaries(journal_file.parent_path(), "journal");
  remove_orphaned_temporaries(journal_file.parent_path(), "index.next");
  if (!write_in_flight()) return std::nullopt;
  const auto journal_time = fs::last_write_time(journal_file, ec);
  const Journal journal = Journal::parse(read_file(journal_file));
  const std::string& ref = journal.ref;
  const fs::path common = git_repository_commondir(repo_.get());
  for (const fs::path& lock_file : {common / (ref + ".lock"), git_dir() / (ref + ".lock"), git_dir() / "index.lock"})
    if (left_by_interrupted_write(lock_file, journal_time)) fs::remove(lock_file, ec);
  if (layout() == Layout::checkout)
    for (const auto& p : journal.paths) {
      const fs::path target = root_ / p;
      remove_orphaned_temporaries(target.parent_path(), target.filename().string());
    }
  git_oid to{}, from{}, current{};
  const bool has_to = git_oid_fromstr(&to, journal.to.c_str()) == 0;
  const bool has_from = git_oid_fromstr(&from, journal.from.c_str()) == 0;
  const bool has_current = git_reference_name_to_id(&current, repo_.get(), ref.c_str()) == 0;
  const bool reached = has_to && has_current && git_oid_equal(&to, &current);
  const std::string to_short = journal.to.substr(0, 12);
  std::string what = reached ? "finished an interrupted write: " + ref + " already holds its commit " + to_short
                             : "dropped an interrupted write that never reached " + ref;
  if (layout() == Layout::checkout && !ref.empty()) {
    // The work tree and index were written before the branch moved: they
    // follow the branch to its new commit, or go back with it to the old.
    if (reached) {
      sync_work_tree(git::commit_tree(repo_.get(), to).get(), journal.paths, journal.perms);
      what = "finished an interrupted write: the work tree now matches " + to_short;
    } else if (has_current ? (has_from && git_oid_equal(&from, &current)) : !has_from) {
      const git::TreePtr before = has_from ? git::commit_tree(repo_.get(), from) : git::TreePtr();
      sync_work_tree(before.get(), journal.paths);
    }
  }
  write_journal("");
  tip_tree_loaded_ = false;
  return what;
}

}  // namespace irctl
