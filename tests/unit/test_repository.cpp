// Repository (core/store/repository.hpp) through its public functions: a write a
// kill cut short is finished or dropped by the next lock; the paths it will
// not write or read; and git's racy-timestamp rule, under which a file
// changed in the instant its index was written is still seen as changed.
// The states are made by hand with git, as tests/cli/concurrency.bats does.

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <cstring>
#include <filesystem>

#include "core/error.hpp"
#include "core/model/ids.hpp"
#include "core/operations.hpp"
#include "core/store/git.hpp"
#include "core/store/repository.hpp"
#include "support.hpp"

namespace test_repository {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string head_of(const fs::path& root) { return trimmed(sh(root, "git rev-parse HEAD")); }

// A repository with one incident; the incident's file as committed.
struct Fixture {
  TempDir dir;
  Repository repo;
  std::string id;
  std::string path;
  std::string text;

  Fixture() : repo(new_repository(dir)), id(declare(repo, "Checkout API returns 503")) {
    path = incident_path(id);
    text = slurp(root() / path);
  }
  const fs::path& root() const { return dir.path(); }
  fs::path journal() const { return root() / ".git" / "irctl" / "journal"; }
  // A journal that names a write: the file stays, emptied, between writes.
  bool write_in_flight() const { return fs::exists(journal()) && fs::file_size(journal()) > 0; }

  // A commit on top of HEAD whose incident file is `content`, made without
  // touching the branch, the index or the work tree (the objects a write
  // stores before it moves the branch).
  std::string commit_beside(const std::string& content) {
    spit(root() / ".git" / "next.toml", content);
    return trimmed(sh(root(),
                      "export GIT_INDEX_FILE=.git/tmp-index && blob=$(git hash-object -w .git/next.toml) && "
                      "git read-tree HEAD && git update-index --cacheinfo \"100644,$blob," +
                          path + "\" && tree=$(git write-tree) && rm .git/tmp-index .git/next.toml && "
                                 "git -c user.name=T -c user.email=t@example.com commit-tree \"$tree\" -p HEAD -m next"));
  }

  // The journal of a write of the incident file from `from` to `to`, as a
  // write leaves it before the compare-and-swap of the branch.
  void write_journal(const std::string& from, const std::string& to) {
    spit(journal(), "ref " + repo.ref_name() + "\nfrom " + from + "\nto " + to + "\npath " + path + "\n");
  }
};

// The stat data of `p` as git's index keeps it (index format version 2 or 3):
// the entry of `path` in the index file at `index` is made to say that the
// file on disk is what it staged, whatever its content, and the checksum
// at the end is made right again.
void stage_stat_data_only(const fs::path& index, const std::string& path, const fs::path& p) {
  std::string bytes = slurp(index);
  REQUIRE(bytes.compare(0, 4, "DIRC") == 0);
  REQUIRE((bytes[7] == 2 || bytes[7] == 3));
  const size_t name = bytes.find(path + '\0');
  REQUIRE(name != std::string::npos);
  const size_t entry = name - 62;  // ctime, mtime, dev, ino, mode, uid, gid, size, id, flags: 62 bytes
  const auto byte = [&](size_t at) { return static_cast<size_t>(static_cast<unsigned char>(bytes[entry + at])); };
  REQUIRE(((byte(60) & 0x0f) << 8 | byte(61)) == path.size());  // the name's length, in the flags
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  const auto put32 = [&](size_t at, uint64_t v) {
    for (int i = 0; i < 4; ++i) bytes[entry + at + static_cast<size_t>(i)] = static_cast<char>((v >> (24 - 8 * i)) & 0xff);
  };
  put32(0, static_cast<uint64_t>(st.st_ctim.tv_sec));
  put32(4, static_cast<uint64_t>(st.st_ctim.tv_nsec));
  put32(8, static_cast<uint64_t>(st.st_mtim.tv_sec));
  put32(12, static_cast<uint64_t>(st.st_mtim.tv_nsec));
  put32(20, static_cast<uint64_t>(st.st_ino));
  put32(36, static_cast<uint64_t>(st.st_size));
  bytes.resize(bytes.size() - 20);
  bytes += git::sha1({bytes});
  spit(index, bytes);
}

// Sets the modification time of `p` to that of `like` plus `seconds`.
void set_mtime(const fs::path& p, const fs::path& like, int seconds) {
  struct stat st {};
  REQUIRE(::stat(like.c_str(), &st) == 0);
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  times[1].tv_sec += seconds;
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, 0) == 0);
}

std::optional<std::string> blob_of(const Repository& repo, const std::string& id) {
  for (const auto& b : repo.incident_blobs())
    if (b.id == id) return b.oid ? std::optional(git::oid_hex(*b.oid)) : std::nullopt;
  FAIL("no incident ", id);
  return std::nullopt;
}

}  // namespace

TEST_SUITE("repository") {
  TEST_CASE("a write killed after its branch moved is finished by the next lock: work tree and index follow") {
    Fixture f;
    const std::string from = head_of(f.root());
    const std::string next = replace(f.text, "Checkout API returns 503", "Checkout API returns 502");
    const std::string to = f.commit_beside(next);
    f.write_journal(from, to);
    sh(f.root(), "git update-ref " + f.repo.ref_name() + " " + to + " " + from);
    spit(f.root() / ".git" / "index.lock", "");  // the killed write held the index
    CHECK(slurp(f.root() / f.path) == f.text);   // the work tree was not written yet

    Repository repo = Repository::discover(f.root());
    repo.lock();
    CHECK(head_of(f.root()) == to);
    CHECK(slurp(f.root() / f.path) == next);
    CHECK(sh(f.root(), "git status --porcelain --untracked-files=all") == "");
    CHECK_FALSE(f.write_in_flight());
    CHECK_FALSE(fs::exists(f.root() / ".git" / "index.lock"));
    // and the repository goes on working
    add_note(repo, f.id, "after recovery", recorder());
    CHECK(trimmed(sh(f.root(), "git rev-parse HEAD~1")) == to);
  }

  TEST_CASE("a write killed before its branch moved is dropped by the next lock: nothing else changes") {
    Fixture f;
    const std::string from = head_of(f.root());
    const std::string to = f.commit_beside(replace(f.text, "Checkout API returns 503", "never committed"));
    f.write_journal(from, to);
    const fs::path ref_lock = f.root() / ".git" / (f.repo.ref_name() + ".lock");
    spit(ref_lock, "");  // the compare-and-swap was cut short
    const std::string index = slurp(f.root() / ".git" / "index");

    Repository repo = Repository::discover(f.root());
    repo.lock();
    CHECK(head_of(f.root()) == from);
    CHECK(slurp(f.root() / f.path) == f.text);
    CHECK(slurp(f.root() / ".git" / "index") == index);
    CHECK(sh(f.root(), "git status --porcelain --untracked-files=all") == "");
    CHECK_FALSE(f.write_in_flight());
    CHECK_FALSE(fs::exists(ref_lock));
    add_note(repo, f.id, "the branch moves again", recorder());
    CHECK(trimmed(sh(f.root(), "git rev-parse HEAD~1")) == from);
  }

  TEST_CASE("without a journal the lock changes nothing") {
    Fixture f;
    const std::string head = head_of(f.root());
    const std::string index = slurp(f.root() / ".git" / "index");
    f.repo.lock();
    CHECK(head_of(f.root()) == head);
    CHECK(slurp(f.root() / ".git" / "index") == index);
    CHECK(sh(f.root(), "git status --porcelain --untracked-files=all") == "");
  }

  TEST_CASE("unwritable_reason: a link on the way, a file where a folder must be, a folder or a FIFO in the way") {
    Fixture f;
    TempDir elsewhere;
    fs::create_directory_symlink(elsewhere.path(), f.root() / "linked");
    spit(f.root() / "notes.txt", "a file\n");
    fs::create_directories(f.root() / "folder.toml");
    REQUIRE(::mkfifo((f.root() / "fifo.toml").c_str(), 0600) == 0);

    const auto reason = [&](const std::string& path) { return f.repo.unwritable_reason(path).value_or(""); };
    CHECK(reason("linked/x.toml").find("'linked'") != std::string::npos);
    CHECK(reason("notes.txt/x.toml").find("'notes.txt'") != std::string::npos);
    CHECK(reason("folder.toml").find("'folder.toml'") != std::string::npos);
    CHECK(reason("fifo.toml").find("'fifo.toml'") != std::string::npos);
    CHECK_FALSE(reason("incidents/").empty());
    CHECK_FALSE(reason("").empty());
    // what can be written: an existing file, a file in folders still to make
    CHECK_FALSE(f.repo.unwritable_reason(f.path));
    CHECK_FALSE(f.repo.unwritable_reason("incidents/2030/01/INC-20300101-AAAAAA.toml"));

    // commit refuses before committing anything, and writes nothing through the link
    const std::string head = head_of(f.root());
    CHECK(code_of([&] { f.repo.commit({{"linked/x.toml", "x"}}, "through a link\n", kAlice, now_utc()); }) ==
          Errc::conflict);
    CHECK(head_of(f.root()) == head);
    CHECK_FALSE(fs::exists(elsewhere.path() / "x.toml"));
  }

  TEST_CASE("unwritable_reason in the branch layout: what the tree holds") {
    TempDir dir;
    Repository repo = new_repository(dir, {.branch = "incidents"});
    const std::string id = declare(repo, "on the branch");
    const std::string path = incident_path(id);
    CHECK_FALSE(repo.unwritable_reason(path));
    CHECK(repo.unwritable_reason(path + "/x.toml").value_or("").find("'" + path + "'") != std::string::npos);
    const std::string folder = path.substr(0, path.rfind('/'));
    CHECK(repo.unwritable_reason(folder).value_or("").find("'" + folder + "'") != std::string::npos);
  }

  TEST_CASE("outside_reason and read: links out of the repository or into git's files are refused") {
    Fixture f;
    TempDir elsewhere;
    spit(elsewhere.path() / "secret", "not yours\n");
    fs::create_symlink(elsewhere.path() / "secret", f.root() / "out.toml");
    fs::create_symlink(".git/config", f.root() / "config.toml");
    fs::create_directory_symlink("incidents", f.root() / "alias");

    CHECK(f.repo.outside_reason("out.toml").has_value());
    CHECK(f.repo.outside_reason("config.toml").has_value());
    CHECK(code_of([&] { f.repo.read("out.toml"); }) == Errc::data);
    CHECK(code_of([&] { f.repo.read("config.toml"); }) == Errc::data);
    // a link that stays inside the work tree, a plain file, a missing one
    const std::string aliased = "alias" + f.path.substr(std::string("incidents").size());
    CHECK_FALSE(f.repo.outside_reason(aliased));
    CHECK(f.repo.read(aliased) == f.text);
    CHECK_FALSE(f.repo.outside_reason(f.path));
    CHECK_FALSE(f.repo.outside_reason("missing.toml"));
    CHECK_FALSE(f.repo.read("missing.toml"));
  }

  TEST_CASE("racy index: a file changed in the instant the index was written is still seen as changed") {
    Fixture f;
    const std::string committed = trimmed(sh(f.root(), "git rev-parse HEAD:" + f.path));
    const fs::path index = f.root() / ".git" / "index";
    const fs::path file = f.root() / f.path;
    // The same size, another content, and the index saying the file's stat
    // data is what it staged: only the times can tell.
    const std::string changed = replace(f.text, "Checkout API returns 503", "Checkout API returns 502");
    REQUIRE(changed.size() == f.text.size());
    spit(file, changed);
    stage_stat_data_only(index, f.path, file);

    // The index written a second after the file: its stat data is trusted
    // (this shows that the entry says what the test means it to).
    set_mtime(index, file, 1);
    CHECK(blob_of(Repository::discover(f.root()), f.id) == committed);

    // The index written in the same instant as the file: the entry is racy,
    // and the file is read, not taken for the blob the index names.
    set_mtime(index, file, 0);
    Repository repo = Repository::discover(f.root());
    const auto racy = blob_of(repo, f.id);
    CHECK(racy != committed);
    CHECK((!racy || *racy == git::oid_hex(git::blob_hash(changed))));
  }
}

}  // namespace test_repository
