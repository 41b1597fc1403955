#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "core/store/git.hpp"
#include "core/store/git_index.hpp"
#include "support.hpp"

namespace test_git_index {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

namespace {

// A repository with files in nested folders, committed by git itself (so
// that the index has its cache-tree extension).
fs::path committed_repository(const TempDir& dir) {
  const fs::path repo = dir.path() / "repo";
  fs::create_directories(repo);
  sh(repo, "git init -q . && git config user.name T && git config user.email t@example.com");
  for (const char* f : {"README.md", "incidents/2026/11/INC-20261101-AAAAAA.toml",
                        "incidents/2026/11/INC-20261102-BBBBBB.toml", "incidents/2026/12/INC-20261201-CCCCCC.toml",
                        "postmortems/INC-20261101-AAAAAA.md", "zzz/last.txt"})
    spit(repo / f, std::string("content of ") + f + "\n");
  sh(repo, "git add -A && git commit -qm first");
  return repo;
}

git::StagedFile staged(const fs::path& repo, const std::string& path, const std::string& text) {
  git::ensure_initialised();
  spit(repo / path, text);
  git::StagedFile f;
  f.path = path;
  // Written to git's object store, as irctl's commit has done before it stages.
  const std::string hex = sh(repo, "git hash-object -w '" + path + "'");
  REQUIRE(git_oid_fromstrn(&f.id, hex.c_str(), 40) == 0);
  const git_oid expected = git::blob_hash(text);
  CHECK(git_oid_equal(&f.id, &expected) == 1);
  REQUIRE(::lstat((repo / path).c_str(), &f.st) == 0);
  return f;
}

struct timespec mtime_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mtim;
}

// A committed repository, its index, and README.md changed, to stage.
struct ReadmeChanged {
  TempDir dir;
  fs::path repo = committed_repository(dir);
  fs::path index = repo / ".git" / "index";
  git::StagedFile readme = staged(repo, "README.md", "new readme\n");
};

}  // namespace

TEST_SUITE("git index") {
  TEST_CASE("a patched index is what git add would make: changed and new files, trees invalidated") {
    TempDir dir;
    const fs::path repo = committed_repository(dir);
    const fs::path index = repo / ".git" / "index";
    const std::vector<git::StagedFile> files = {
        staged(repo, "incidents/2026/11/INC-20261102-BBBBBB.toml", "changed\n"),
        staged(repo, "incidents/2026/12/INC-20261205-DDDDDD.toml", "new\n"),
        staged(repo, "incidents/2027/01/INC-20270101-EEEEEE.toml", "a new folder\n"),
        staged(repo, "a-first.txt", "sorts first\n"),
    };
    const auto patched = git::index_with_files(slurp(index), files, mtime_of(index));
    REQUIRE(patched);
    spit(index, *patched);

    // git reads it, sees every file staged, nothing else changed...
    CHECK(sh(repo, "git diff --name-only") == "");
    CHECK(sh(repo, "git diff --cached --name-only") ==
          "a-first.txt\nincidents/2026/11/INC-20261102-BBBBBB.toml\nincidents/2026/12/INC-20261205-DDDDDD.toml\n"
          "incidents/2027/01/INC-20270101-EEEEEE.toml\n");
    CHECK(sh(repo, "git status --porcelain --untracked-files=all") ==
          "A  a-first.txt\nM  incidents/2026/11/INC-20261102-BBBBBB.toml\nA  incidents/2026/12/INC-20261205-DDDDDD.toml\n"
          "A  incidents/2027/01/INC-20270101-EEEEEE.toml\n");
    // ...and the trees it writes from the patched cache-tree are those of a
    // fresh 'git add' (a folder left valid would keep its old tree).
    const std::string from_patch = sh(repo, "git write-tree");
    sh(repo, "rm .git/index && git read-tree HEAD && git add -A");
    CHECK(sh(repo, "git write-tree") == from_patch);
  }

  TEST_CASE("libgit2 reads a patched index, and the stat data makes the files clean") {
    const ReadmeChanged c;
    const auto& [dir, repo, index, f] = c;
    const auto patched = git::index_with_files(slurp(index), {f}, mtime_of(index));
    REQUIRE(patched);
    spit(index, *patched);
    git::ensure_initialised();
    git_index* raw = nullptr;
    REQUIRE(git_index_open(&raw, index.c_str()) == 0);
    git::IndexPtr owner(raw);
    CHECK(git_index_entrycount(raw) == 6);
    const git_index_entry* e = git_index_get_bypath(raw, "README.md", 0);
    REQUIRE(e);
    CHECK(git_oid_equal(&e->id, &f.id));
    CHECK(e->file_size == 11);
    // git trusts the stat data: no refresh needed to see it unchanged.
    CHECK(sh(repo, "git diff-files --name-only") == "");
  }

  TEST_CASE("entries written in the same instant as the old index are smudged, and still right") {
    const ReadmeChanged c;
    const auto& [dir, repo, index, f] = c;
    // As if the old index were as old as the epoch: every other entry is racily clean.
    const auto patched = git::index_with_files(slurp(index), {f}, timespec{0, 0});
    REQUIRE(patched);
    spit(index, *patched);
    const std::string debug = sh(repo, "git ls-files --debug zzz/last.txt");
    CHECK(debug.find("size: 0\t") != std::string::npos);
    // The smudged file is compared by content: unchanged...
    CHECK(sh(repo, "git diff --name-only") == "");
    // ...and a change that keeps the size is seen, which trusting the old
    // stat data within the same second might not.
    spit(repo / "zzz" / "last.txt", "CONTENT of zzz/last.txt\n");
    CHECK(sh(repo, "git diff --name-only") == "zzz/last.txt\n");
  }

  TEST_CASE("what it does not patch is left to libgit2") {
    const ReadmeChanged c;
    const auto& [dir, repo, index, f] = c;
    const std::string good = slurp(index);
    REQUIRE(git::index_with_files(good, {f}, mtime_of(index)));

    SUBCASE("a wrong checksum") {
      std::string bad = good;
      bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 1);
      CHECK_FALSE(git::index_with_files(bad, {f}, mtime_of(index)));
    }
    SUBCASE("cut short") {
      CHECK_FALSE(git::index_with_files(good.substr(0, good.size() / 2), {f}, mtime_of(index)));
      CHECK_FALSE(git::index_with_files("", {f}, mtime_of(index)));
    }
    SUBCASE("version 4, prefix-compressed") {
      sh(repo, "git update-index --index-version 4");
      CHECK_FALSE(git::index_with_files(slurp(index), {f}, mtime_of(index)));
    }
    SUBCASE("a split index") {
      sh(repo, "git update-index --split-index");
      CHECK_FALSE(git::index_with_files(slurp(index), {f}, mtime_of(index)));
    }
    SUBCASE("entries out of order") {
      // Two entries of the same size swapped, the checksum made right again.
      sh(repo, "printf a > aa.txt && printf b > ab.txt && git add aa.txt ab.txt");
      std::string bytes = slurp(index);
      const size_t a = bytes.find("aa.txt") - 62, b = bytes.find("ab.txt") - 62;
      REQUIRE(b - a == 72);  // 62 + 6 + padding to 8
      std::string swapped = bytes.substr(0, a) + bytes.substr(b, 72) + bytes.substr(a, 72) + bytes.substr(b + 72);
      swapped.resize(swapped.size() - 20);
      spit(dir.path() / "unsorted", swapped);
      const std::string hex = sh(dir.path(), "sha1sum unsorted").substr(0, 40);
      for (size_t i = 0; i < 40; i += 2) swapped.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
      CHECK_FALSE(git::index_with_files(swapped, {f}, mtime_of(index)));
      CHECK(git::index_with_files(bytes, {f}, mtime_of(index)));
    }
    SUBCASE("skip-worktree on the path (an extended flag)") {
      sh(repo, "git update-index --skip-worktree README.md");
      CHECK_FALSE(git::index_with_files(slurp(index), {f}, mtime_of(index)));
    }
  }

  TEST_CASE("the entries irctl reads are libgit2's, field for field, for every path") {
    TempDir dir;
    const fs::path repo = committed_repository(dir);
    // an executable file, a file in conflict (stages 1 to 3 only) and a v3 entry with extended flags
    sh(repo, "printf x > run.sh && chmod +x run.sh && printf y > later.txt && git add run.sh && "
             "git add --intent-to-add later.txt && "
             "blob=$(git hash-object -w README.md) && "
             "printf '100644 %s 1\\tconflicted.txt\\n100644 %s 2\\tconflicted.txt\\n100644 %s 3\\tconflicted.txt\\n' "
             "$blob $blob $blob | git update-index --index-info");
    const fs::path index = repo / ".git" / "index";
    const auto entries = git::IndexEntries::parse(slurp(index));
    REQUIRE(entries);
    git::ensure_initialised();
    git_index* raw = nullptr;
    REQUIRE(git_index_open(&raw, index.c_str()) == 0);
    const git::IndexPtr owner(raw);
    REQUIRE(git_index_entrycount(raw) == 11);
    size_t stage0 = 0;
    for (size_t i = 0; i < git_index_entrycount(raw); ++i) {
      const git_index_entry* want = git_index_get_byindex(raw, i);
      const auto got = entries->find(want->path);
      INFO(want->path);
      if (git_index_entry_stage(want) != 0) {
        CHECK_FALSE(got);
        continue;
      }
      ++stage0;
      REQUIRE(got);
      CHECK(got->ctime.seconds == want->ctime.seconds);
      CHECK(got->ctime.nanoseconds == want->ctime.nanoseconds);
      CHECK(got->mtime.seconds == want->mtime.seconds);
      CHECK(got->mtime.nanoseconds == want->mtime.nanoseconds);
      CHECK(got->dev == want->dev);
      CHECK(got->ino == want->ino);
      CHECK(got->mode == want->mode);
      CHECK(got->uid == want->uid);
      CHECK(got->gid == want->gid);
      CHECK(got->file_size == want->file_size);
      CHECK(git_oid_equal(&got->id, &want->id) == 1);
    }
    CHECK(stage0 == 8);
    CHECK_FALSE(entries->find("incidents"));  // a folder is no entry
    CHECK_FALSE(entries->find("README.m"));
    CHECK_FALSE(entries->find(""));
  }

  TEST_CASE("what irctl does not read is left to libgit2, as for patching") {
    TempDir dir;
    const fs::path repo = committed_repository(dir);
    const fs::path index = repo / ".git" / "index";
    const std::string good = slurp(index);
    REQUIRE(git::IndexEntries::parse(good));
    std::string bad = good;
    bad[bad.size() - 1] = static_cast<char>(bad[bad.size() - 1] ^ 1);
    CHECK_FALSE(git::IndexEntries::parse(bad));
    CHECK_FALSE(git::IndexEntries::parse(good.substr(0, good.size() / 2)));
    CHECK_FALSE(git::IndexEntries::parse(""));
    sh(repo, "git update-index --index-version 4");
    CHECK_FALSE(git::IndexEntries::parse(slurp(index)));
    sh(repo, "git update-index --index-version 2 && git update-index --split-index");
    CHECK_FALSE(git::IndexEntries::parse(slurp(index)));
  }

  TEST_CASE("blob_hash gives git's blob ids") {
    TempDir dir;
    for (const std::string& text : {std::string(), std::string("one line\n"), std::string(100000, 'x'),
                                   std::string("nul\0inside", 11)}) {
      spit(dir.path() / "f", text);
      const std::string hex = sh(dir.path(), "git hash-object f").substr(0, 40);
      CHECK(git::oid_hex(git::blob_hash(text)) == hex);
    }
  }

  TEST_CASE("is_racy: modified no earlier than the index was written, times compared unsigned as git does") {
    const struct timespec index_mtime {1700000000, 500};
    CHECK_FALSE(git::is_racy({1699999999, 999999999}, index_mtime));
    CHECK_FALSE(git::is_racy({1700000000, 499}, index_mtime));
    CHECK(git::is_racy({1700000000, 500}, index_mtime));
    CHECK(git::is_racy({1700000000, 501}, index_mtime));
    CHECK(git::is_racy({1700000001, 0}, index_mtime));
    // Past 2038 the seconds no longer fit the entry's signed field: an entry
    // of 2023 is still older than an index of 2065.
    const struct timespec late_index {3000000000, 0};
    const auto late = static_cast<int32_t>(3000000000u);
    CHECK_FALSE(git::is_racy({1700000000, 0}, late_index));
    CHECK_FALSE(git::is_racy({late - 1, 0}, late_index));
    CHECK(git::is_racy({late, 0}, late_index));
  }

  TEST_CASE("unchanged_since_staged: the stat data the entry recorded, of a regular file, not racy") {
    TempDir dir;
    spit(dir.path() / "f", "content\n");
    git::StagedFile f;
    f.path = "f";
    REQUIRE(::lstat((dir.path() / "f").c_str(), &f.st) == 0);
    const git_index_entry entry = git::index_entry_for(f);
    CHECK(entry.mode == 0100644);
    CHECK(entry.file_size == 8);
    struct timespec index_mtime = f.st.st_mtim;
    index_mtime.tv_sec += 1;
    CHECK(git::unchanged_since_staged(entry, f.st, index_mtime));
    CHECK_FALSE(git::unchanged_since_staged(entry, f.st, f.st.st_mtim));  // written in the index's instant
    struct stat grown = f.st;
    grown.st_size += 1;
    CHECK_FALSE(git::unchanged_since_staged(entry, grown, index_mtime));
    struct stat folder = f.st;
    folder.st_mode = S_IFDIR | 0755;
    CHECK_FALSE(git::unchanged_since_staged(entry, folder, index_mtime));
  }

  TEST_CASE("sha1 of pieces is the SHA-1 of their concatenation (FIPS 180 test vectors), and blob_hash is git's id") {
    const auto hex = [](const std::string& digest) {
      std::string out;
      for (const unsigned char c : digest) out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 15];
      return out;
    };
    CHECK(hex(git::sha1({"ab", "c"})) == "a9993e364706816aba3e25717850c26c9cd0d89d");
    CHECK(hex(git::sha1({})) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    CHECK(git::oid_hex(git::blob_hash("hello\n")) == "ce013625030ba8dba906f756967f9e9ca394464a");  // git hash-object
  }
}

}  // namespace test_git_index
