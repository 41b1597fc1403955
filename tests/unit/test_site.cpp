// The incident site's parts that the CLI tests do not reach one by one: the
// folder a site is built in (SiteFolder), the commits of events
// (Repository::event_commits) and commit links from a remote's URL.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/lifecycle.hpp"
#include "core/site.hpp"
#include "core/static_site.hpp"
#include "support.hpp"

namespace test_site {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

TEST_SUITE("site") {
  TEST_CASE("commit_url_from_remote: GitHub, GitLab and Codeberg, over https, ssh or scp-like; nothing else") {
    CHECK(commit_url_from_remote("git@github.com:acme/incidents.git") ==
          "https://github.com/acme/incidents/commit/{commit}");
    CHECK(commit_url_from_remote("https://github.com/acme/incidents") == "https://github.com/acme/incidents/commit/{commit}");
    CHECK(commit_url_from_remote("https://token@github.com/acme/incidents.git/") ==
          "https://github.com/acme/incidents/commit/{commit}");
    CHECK(commit_url_from_remote("ssh://git@gitlab.com:2222/acme/ops/incidents.git") ==
          "https://gitlab.com/acme/ops/incidents/-/commit/{commit}");
    CHECK(commit_url_from_remote("https://codeberg.org/acme/incidents.git") ==
          "https://codeberg.org/acme/incidents/commit/{commit}");
    CHECK(commit_url_from_remote("git@git.example.com:acme/incidents.git").empty());
    CHECK(commit_url_from_remote("/srv/git/incidents.git").empty());
    CHECK(commit_url_from_remote("https://github.com/").empty());
    CHECK(commit_url_from_remote("https://github.com/acme/inc\"onmouseover=x").empty());
  }

  TEST_CASE("SiteFolder: holds what it put with a key, keeps it, removes only what the manifest names") {
    TempDir dir;
    const fs::path site = dir.path() / "site";
    {
      SiteFolder folder(site, ".m");
      CHECK_FALSE(folder.holds("a.html", "k1"));
      folder.put("a.html", "A", "k1");
      folder.put("sub/b.html", "B");
      folder.put("c.html", "C", "k3");
      const SiteWrite w = folder.finish();
      CHECK(w.written == 3);
      CHECK(w.unchanged == 0);
    }
    CHECK(slurp(site / ".m") == "a.html\t1\tk1\nc.html\t1\tk3\nsub/b.html\t1\t\n");
    spit(dir.path() / "outside.txt", "mine");
    spit(site / "theirs.txt", "theirs");
    // a manifest someone edited: lines that lead out of the folder are never followed
    spit(site / ".m", slurp(site / ".m") + "../outside.txt\t4\t\n/etc/hostname\t1\t\nsub/../../outside.txt\t4\t\n");
    {
      SiteFolder folder(site, ".m");
      CHECK(folder.holds("a.html", "k1"));
      CHECK_FALSE(folder.holds("a.html", "other"));
      CHECK_FALSE(folder.holds("sub/b.html", ""));  // built from no key: always rendered
      spit(site / "c.html", "changed by hand");
      CHECK_FALSE(folder.holds("c.html", "k3"));  // not the size it was written with
      folder.keep("a.html");
      folder.put("sub/b.html", "B");
      const SiteWrite w = folder.finish();
      CHECK(w.written == 0);
      CHECK(w.unchanged == 2);
      CHECK(w.removed == 1);  // c.html
    }
    CHECK_FALSE(fs::exists(site / "c.html"));
    CHECK(slurp(site / "a.html") == "A");
    CHECK(slurp(site / "theirs.txt") == "theirs");
    CHECK(slurp(dir.path() / "outside.txt") == "mine");
    CHECK(slurp(site / ".m") == "a.html\t1\tk1\nsub/b.html\t1\t\n");
  }

  TEST_CASE("SiteFolder refuses a folder with files and no manifest, and a file") {
    TempDir dir;
    spit(dir.path() / "full" / "index.html", "x");
    CHECK(code_of([&] { SiteFolder(dir.path() / "full", ".m"); }) == Errc::conflict);
    CHECK(code_of([&] { SiteFolder(dir.path() / "full" / "index.html", ".m"); }) == Errc::usage);
    fs::create_directories(dir.path() / "empty");
    CHECK_NOTHROW(SiteFolder(dir.path() / "empty", ".m"));
  }

  TEST_CASE("event_commits: every event's commit, read again only from the commits made since; anew after a rewrite") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string id = declare(repo, "Checkout returns 503");
    const EventResult note = add_note(repo, id, "first", recorder());
    auto commits = repo.event_commits();
    CHECK(commits.size() == 2);  // the declaration's and the note's; init records no event
    CHECK(commits.at(note.event.id) == note.commit);
    CHECK(sh(dir.path(), "head -1 .git/irctl/event-commits") == note.commit + "\n");

    const EventResult second = add_note(repo, id, "second", recorder());
    commits = repo.event_commits();
    CHECK(commits.size() == 3);
    CHECK(commits.at(second.event.id) == second.commit);
    CHECK(commits.at(note.event.id) == note.commit);

    // history rewritten (the last commit dropped): the kept map is not trusted
    sh(dir.path(), "git reset -q --hard HEAD~2");
    Repository again = Repository::discover(dir.path());
    commits = again.event_commits();
    CHECK(commits.size() == 1);
    CHECK_FALSE(commits.count(note.event.id));
    CHECK_FALSE(commits.count(second.event.id));
  }
}

}  // namespace test_site
