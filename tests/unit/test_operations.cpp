#include <doctest/doctest.h>

#include <fstream>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/model/ids.hpp"
#include "core/operations.hpp"
#include "support.hpp"

namespace test_operations {

using namespace irctl;
using namespace irctl::testing;

TEST_SUITE("operations") {
  TEST_CASE("init creates the git repository and commits the configuration once") {
    TempDir dir;
    const auto first = init_repository(InitRequest{(dir.path() / "new").string(), std::nullopt, ""}, [](const Repository&) { return kAlice; },
                                       now_utc());
    CHECK(first.created_git);
    CHECK_FALSE(first.already);
    CHECK(first.commit.size() == 40);
    const auto second = init_repository(InitRequest{(dir.path() / "new").string(), std::nullopt, ""}, [](const Repository&) -> Actor {
      FAIL("no identity is needed when nothing is committed");
      return kAlice;
    }, now_utc());
    CHECK(second.already);
    CHECK(Repository::discover(dir.path() / "new").config().severities.size() == 4);
  }

  TEST_CASE("a commit refuses an incident file or configuration that would not read back, writing nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const EventResult declared = declare_incident(repo, declaration("invariant"), recorder());
    const std::string path = incident_path(declared.incident_id);
    const std::string good = *repo.read(path);
    const auto tip = repo.tip();
    const auto refused = [&](const std::vector<FileWrite>& files) {
      try {
        repo.commit(files, "test: should not land\n", kAlice, now_utc());
      } catch (const Error& e) {
        const auto now_tip = repo.tip();
        CHECK(now_tip.has_value());
        CHECK(git_oid_equal(&*now_tip, &*tip));
        CHECK(*repo.read(path) == good);
        return std::string(e.what());
      }
      FAIL("committed");
      return std::string();
    };
    // Not UTF-8: no TOML parser would read it.
    std::string broken = good;
    broken.replace(broken.find("invariant"), 9, "inv\xff\xfe" "ant");
    CHECK(refused({{path, broken}}).rfind("irctl will not commit a file it cannot read back: " + path + ":", 0) == 0);
    // Parses, but a severity off the scale: no reader could classify it.
    std::string off_scale = good;
    off_scale.replace(off_scale.find("severity = \"SEV2\""), 17, "severity = \"SEV9\"");
    CHECK(refused({{path, off_scale}}).find("severity 'SEV9' is not on the configured scale") != std::string::npos);
    // A configuration that does not parse.
    CHECK(refused({{".irctl/config.toml", "[[severity]\n"}}).find(".irctl/config.toml") != std::string::npos);
    CHECK(code_of([&] { repo.commit({{path, broken}}, "x\n", kAlice, now_utc()); }) == Errc::data);
  }

  TEST_CASE("discovery searches upwards and explains what is missing") {
    TempDir dir;
    new_repository(dir);
    std::filesystem::create_directories(dir.path() / "a" / "b");
    CHECK(Repository::discover(dir.path() / "a" / "b").root() == dir.path());
    TempDir empty;
    CHECK(code_of([&] { Repository::discover(empty.path()); }) == Errc::not_found);
  }

  TEST_CASE("declare and note: one commit each, clean work tree, the right author") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const auto d = declare_incident(repo, declaration("Checkout API returns 503"), recorder());
    CHECK(is_incident_id(d.incident_id));
    const auto n = add_note(repo, d.incident_id, "Rolled back deploy 4711", recorder({"Bob", "bob@example.com"}));
    CHECK(n.commit != d.commit);

    const IncidentFile f = load_incident(repo, d.incident_id);
    CHECK(f.incident().severity == "SEV2");
    REQUIRE(f.incident().timeline.size() == 2);
    CHECK(f.incident().timeline[1].by == "Bob <bob@example.com>");

    const auto history = incident_history(repo, d.incident_id);
    REQUIRE(history.size() == 2);
    CHECK(history[0].author_name == "Bob");
    CHECK(history[0].subject == "note " + d.incident_id + ": Rolled back deploy 4711");
    CHECK(history[0].message.find("\nIncident: " + d.incident_id + "\nEvent: " + n.event.id + "\n") !=
          std::string::npos);
    CHECK(history[1].author_name == "Alice Example");
    repo.require_clean(d.path);  // index and work tree agree with HEAD
  }

  TEST_CASE("uncommitted edits are never overwritten") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const auto d = declare_incident(repo, declaration("Disk full"), recorder());
    const auto path = dir.path() / d.path;
    {
      std::ofstream out(path, std::ios::app);
      out << "# my edit\n";
    }
    CHECK(code_of([&] { add_note(repo, d.incident_id, "x", recorder()); }) == Errc::conflict);
    std::ifstream in(path);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(text.find("# my edit") != std::string::npos);
    CHECK(incident_history(repo, d.incident_id).size() == 1);
  }

  TEST_CASE("changes someone staged by hand stay staged and out of irctl's commits") {
    TempDir dir;
    Repository repo = new_repository(dir);
    std::ofstream(dir.path() / "runbook.md") << "draft\n";
    git_repository* raw = nullptr;
    REQUIRE(git_repository_open(&raw, dir.path().c_str()) == 0);
    git::RepositoryPtr git_repo(raw);
    git_index* index = nullptr;
    REQUIRE(git_repository_index(&index, raw) == 0);
    git::IndexPtr index_owner(index);
    REQUIRE(git_index_add_bypath(index, "runbook.md") == 0);
    REQUIRE(git_index_write(index) == 0);

    const auto d = declare_incident(repo, declaration("Disk full"), recorder());
    unsigned int flags = 0;
    REQUIRE(git_status_file(&flags, raw, "runbook.md") == 0);
    CHECK(flags == GIT_STATUS_INDEX_NEW);
    REQUIRE(git_status_file(&flags, raw, d.path.c_str()) == 0);
    CHECK(flags == GIT_STATUS_CURRENT);
  }

  TEST_CASE("bad input changes nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const auto d = declare_incident(repo, declaration("Disk full"), recorder());
    DeclareRequest bad;
    bad.title = "Login errors";
    bad.severity = "P1";
    CHECK(code_of([&] { declare_incident(repo, bad, recorder()); }) == Errc::usage);
    bad.severity.reset();
    bad.kind = "volcano";
    CHECK(code_of([&] { declare_incident(repo, bad, recorder()); }) == Errc::usage);
    bad.kind.reset();
    bad.title = "two\nlines";
    CHECK(code_of([&] { declare_incident(repo, bad, recorder()); }) == Errc::usage);
    bad.title = "ok";
    bad.started_at = now_utc();
    bad.detected_at = now_utc() - std::chrono::minutes(5);
    CHECK(code_of([&] { declare_incident(repo, bad, recorder()); }) == Errc::usage);
    Recorder future = recorder();
    future.at = future.now + std::chrono::hours(1);
    CHECK(code_of([&] { add_note(repo, d.incident_id, "from the future", future); }) == Errc::usage);
    CHECK(code_of([&] { add_note(repo, d.incident_id, "   ", recorder()); }) == Errc::usage);
    CHECK(repo.incident_ids().size() == 1);
    CHECK(incident_history(repo, d.incident_id).size() == 1);
  }

  TEST_CASE("IDs resolve from any unique part, and from @") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const auto a = declare_incident(repo, declaration("A"), recorder());
    const auto b = declare_incident(repo, declaration("B"), recorder());
    CHECK(resolve_incident_id(repo, a.incident_id) == a.incident_id);
    CHECK(resolve_incident_id(repo, a.incident_id.substr(13)) == a.incident_id);
    CHECK(code_of([&] { resolve_incident_id(repo, "INC-"); }) == Errc::usage);  // ambiguous
    CHECK(code_of([&] { resolve_incident_id(repo, "ZZZZZZZZ"); }) == Errc::not_found);
    CHECK(code_of([&] { resolve_incident_id(repo, "@"); }) == Errc::not_found);
    repo.set_current_incident(b.incident_id);
    CHECK(resolve_incident_id(repo, "@") == b.incident_id);
  }

  TEST_CASE("list filters and orders newest first, and reports broken files") {
    TempDir dir;
    Repository repo = new_repository(dir);
    DeclareRequest r;
    r.title = "old";
    r.severity = "SEV1";
    Recorder earlier = recorder();
    earlier.at = earlier.now - std::chrono::hours(48);
    const auto old_one = declare_incident(repo, r, earlier);
    r.title = "new";
    r.severity = "SEV3";
    r.kind = "phishing";
    const auto new_one = declare_incident(repo, r, recorder());

    auto all = list_incidents(repo, {});
    REQUIRE(all.incidents.size() == 2);
    CHECK(all.incidents[0].incident.title == "new");
    ListFilter f;
    f.severities = {"sev1"};
    CHECK(list_incidents(repo, f).incidents.size() == 1);
    f = {};
    f.since = now_utc() - std::chrono::hours(1);
    CHECK(list_incidents(repo, f).incidents.front().incident.title == "new");
    f = {};
    f.statuses = {"open"};
    CHECK(list_incidents(repo, f).incidents.size() == 2);
    f.statuses = {"resolved"};
    CHECK(list_incidents(repo, f).incidents.empty());
    f = {};
    f.kinds = {"PHISHING"};
    CHECK(list_incidents(repo, f).incidents.size() == 1);
    f = {};
    f.statuses = {"done"};
    CHECK(code_of([&] { list_incidents(repo, f); }) == Errc::usage);

    std::ofstream(dir.path() / old_one.path) << "title = \"broken";
    all = list_incidents(repo, {});
    CHECK(all.incidents.size() == 1);
    REQUIRE(all.problems.size() == 1);
    CHECK(all.problems[0].message.rfind(old_one.path + ":1:", 0) == 0);
    (void)new_one;
  }

  TEST_CASE("the identity comes from --as, then IRCTL_ACTOR, then git") {
    TempDir dir;
    Repository repo = new_repository(dir);
    CHECK(resolve_actor(std::string("Bob <bob@example.com>"), std::string("Eve <eve@example.com>"), repo).name ==
          "Bob");
    CHECK(resolve_actor(std::nullopt, std::string("Eve <eve@example.com>"), repo).name == "Eve");
    CHECK(code_of([&] { resolve_actor(std::nullopt, std::nullopt, repo); }) == Errc::usage);
    CHECK(code_of([&] { resolve_actor(std::string("just a name"), std::nullopt, repo); }) == Errc::usage);
    std::ofstream(dir.path() / ".git" / "config", std::ios::app) << "[user]\n\tname = Git Person\n\temail = g@example.com\n";
    Repository reopened = Repository::discover(dir.path());
    CHECK(resolve_actor(std::nullopt, std::nullopt, reopened).name == "Git Person");
  }

  TEST_CASE("the repository lock is exclusive and times out as busy") {
    TempDir dir;
    Repository repo = new_repository(dir);
    Repository other = Repository::discover(dir.path());
    auto held = repo.lock();
    ::setenv("IRCTL_LOCK_TIMEOUT", "0.05", 1);
    CHECK(code_of([&] { other.lock(); }) == Errc::busy);
    CHECK(exit_status(Errc::busy) == 75);
    ::unsetenv("IRCTL_LOCK_TIMEOUT");
  }

  TEST_CASE("a lock timeout that is not a number of seconds is refused before the write, not replaced by the default") {
    TempDir dir;
    Repository repo = new_repository(dir);
    for (const char* bad : {"soon", "5s", "-1", "nan", "inf", "86401"}) {
      CAPTURE(bad);
      ::setenv("IRCTL_LOCK_TIMEOUT", bad, 1);
      try {
        repo.lock();
        FAIL("the lock was taken");
      } catch (const Error& e) {
        CHECK(e.code() == Errc::usage);
        CHECK(std::string(e.what()) == "IRCTL_LOCK_TIMEOUT is '" + std::string(bad) + "', not a number of seconds");
      }
    }
    ::setenv("IRCTL_LOCK_TIMEOUT", "", 1);  // empty is unset: the default
    CHECK(lock_timeout_seconds() == 10.0);
    ::unsetenv("IRCTL_LOCK_TIMEOUT");
  }

  TEST_CASE("recovering a killed write in the branch layout says whether it reached the branch") {
    TempDir dir;
    init_repository(InitRequest{dir.path().string(), "incidents", ""}, [](const Repository&) { return kAlice; },
                    now_utc());
    Repository repo = Repository::discover(dir.path());
    REQUIRE(repo.layout() == Layout::branch);
    const std::string from = git::oid_hex(*repo.tip());
    const std::string to = declare_incident(repo, declaration("reached the branch"), recorder()).commit;
    // The journal of a write from `from` to `to_hex`, as advance() leaves it when killed.
    const auto killed_write = [&](const std::string& to_hex) {
      auto lock = repo.lock();
      std::ofstream(repo.git_dir() / "irctl" / "journal")
          << "ref refs/heads/incidents\nfrom " << from << "\nto " << to_hex << "\n";
    };
    killed_write(to);  // killed after its compare-and-swap moved the branch
    CHECK(repo.recover_interrupted_write() ==
          "finished an interrupted write: refs/heads/incidents already holds its commit " + to.substr(0, 12));
    killed_write(std::string(40, '1'));  // killed before
    CHECK(repo.recover_interrupted_write() == "dropped an interrupted write that never reached refs/heads/incidents");
    CHECK(repo.recover_interrupted_write() == std::nullopt);
    // The next lock finishes it, and keeps its account.
    CHECK(repo.recovered_write() == std::nullopt);
    killed_write(to);
    repo.lock();
    CHECK(repo.recovered_write() ==
          "finished an interrupted write: refs/heads/incidents already holds its commit " + to.substr(0, 12));
    CHECK(git::oid_hex(*repo.tip()) == to);
  }
}

}  // namespace test_operations
