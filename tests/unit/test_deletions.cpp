#include <doctest/doctest.h>

#include "core/lifecycle.hpp"
#include "core/operations.hpp"
#include "core/store/deletions.hpp"
#include "core/store/git.hpp"
#include "support.hpp"

// Incident files deleted with git, as irctl fsck and irctl sync find them
// (tests/cli/void.bats drives both end to end).

namespace test_deletions {

using namespace irctl;
using namespace irctl::testing;

namespace {
git_oid oid(const std::string& hex) {
  git_oid id;
  git_oid_fromstr(&id, hex.c_str());
  return id;
}

std::vector<std::string> paths(const std::vector<IncidentDeletion>& deletions) {
  std::vector<std::string> out;
  for (const auto& d : deletions) out.push_back(d.path);
  return out;
}
}  // namespace

TEST_SUITE("deletions") {
  TEST_CASE(
      "the newest commit that deleted each incident the tip lacks; a merge answers for what it drops from its first "
      "parent") {
    TempDir dir;
    Repository repo = new_repository(dir.path() / "r");
    CHECK(incidents_deleted_in_history(repo.handle(), repo.tip()).empty());
    DeclareRequest declare;
    declare.title = "Checkout API returns 503";
    const EventResult x = declare_incident(repo, declare, recorder());
    declare.title = "Queue backlog";
    const EventResult y = declare_incident(repo, declare, recorder());
    const std::string x_text = *repo.read_committed(x.path);
    CHECK(incidents_deleted_in_history(repo.handle(), repo.tip()).empty());

    const std::string dropped_x = repo.commit({{x.path, "", true}}, "drop X", kAlice, now_utc());
    // a merge of the commit that declared X (which has Y) that drops Y
    const std::string merged = repo.commit({{y.path, "", true}}, "merge without Y", kAlice, now_utc(), oid(x.commit));
    auto found = incidents_deleted_in_history(repo.handle(), repo.tip());
    REQUIRE(found.size() == 2);
    const auto& [first, second] = x.path < y.path ? std::pair(found[0], found[1]) : std::pair(found[1], found[0]);
    CHECK(first.path == x.path);
    CHECK(first.id == x.incident_id);
    CHECK(git::oid_hex(first.commit) == dropped_x);
    CHECK(first.subject == "drop X");
    CHECK(second.path == y.path);
    CHECK(git::oid_hex(second.commit) == merged);
    CHECK(paths(incidents_deleted_between(repo.handle(), oid(y.commit), *repo.tip())) == paths(found));
    CHECK(short_commit(repo.handle(), first.commit) == dropped_x.substr(0, 7));

    // restored, X is no longer reported; between the drop and the tip nothing was deleted
    repo.commit({{x.path, x_text}}, "restore X", kAlice, now_utc());
    CHECK(paths(incidents_deleted_in_history(repo.handle(), repo.tip())) == std::vector<std::string>{y.path});
    CHECK(incidents_deleted_between(repo.handle(), oid(merged), *repo.tip()).empty());
  }
}

}  // namespace test_deletions
