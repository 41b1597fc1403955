// The inbox of irctl serve (core/serve/inbox.hpp): a delivery kept durably before
// it is answered, ingested once even when ingested twice, and a body that
// is no alert kept aside with its reason.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/serve/inbox.hpp"
#include "core/lifecycle.hpp"
#include "support.hpp"

namespace test_inbox {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

namespace {
const fs::path kAlerts = fs::path(IRCTL_TEST_FIXTURES) / "alerts";

Delivery delivery(const std::string& body, const std::string& format = "auto") {
  return {format, "alertmanager", from_civil({2026, 12, 6, 20, 15, 0, 0}), body};
}
}  // namespace

TEST_SUITE("inbox") {
  TEST_CASE("a delivery spooled, then ingested, leaves the inbox; the same delivery again declares nothing") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const std::string body = slurp(kAlerts / "alertmanager_v4_firing.json");
    const std::string first = spool_delivery(repo, delivery(body));
    const std::string second = spool_delivery(repo, delivery(body, "alertmanager"));  // a sender's retry
    CHECK(first < second);
    CHECK(fs::status(repo.git_dir() / "irctl" / "inbox" / first).permissions() ==
          (fs::perms::owner_read | fs::perms::owner_write));

    const auto spooled = spooled_deliveries(repo);
    REQUIRE(spooled.size() == 2);
    CHECK(spooled[0].name == first);
    CHECK(spooled[0].delivery.body == body);
    CHECK(spooled[0].delivery.sender == "alertmanager");
    CHECK(spooled[0].delivery.received_at == from_civil({2026, 12, 6, 20, 15, 0, 0}));
    CHECK(spooled[1].delivery.format == "alertmanager");

    const InboxOutcome a = ingest_spooled(repo, spooled[0], recorder());
    REQUIRE(a.ingested);
    CHECK(a.ingested->outcome == "declared");
    const InboxOutcome b = ingest_spooled(repo, spooled[1], recorder());
    REQUIRE(b.ingested);
    CHECK(b.ingested->outcome == "unchanged");
    CHECK(b.ingested->incident_id == a.ingested->incident_id);
    CHECK(spooled_deliveries(repo).empty());
    CHECK(repo.incident_ids().size() == 1);
  }

  TEST_CASE("a body that is no alert is kept in rejected/ with the reason; a file that is no delivery too") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const fs::path inbox = repo.git_dir() / "irctl" / "inbox";
    const std::string name = spool_delivery(repo, delivery("{\"hello\": 1}"));
    spit(inbox / "20261206T201500.000000000-1-0.json", "not json");
    const auto spooled = spooled_deliveries(repo);
    REQUIRE(spooled.size() == 1);
    CHECK(fs::exists(inbox / "rejected" / "20261206T201500.000000000-1-0.json"));
    CHECK(slurp(inbox / "rejected" / "20261206T201500.000000000-1-0.json.reason").rfind("not a delivery irctl serve kept", 0) == 0);

    const InboxOutcome out = ingest_spooled(repo, spooled[0], recorder());
    CHECK_FALSE(out.ingested);
    CHECK_FALSE(out.rejected_because.empty());
    CHECK(slurp(inbox / "rejected" / (name + ".reason")) == out.rejected_because + "\n");
    CHECK(slurp(inbox / "rejected" / name).find("hello") != std::string::npos);
    CHECK(spooled_deliveries(repo).empty());
    CHECK(repo.incident_ids().empty());
  }
}

}  // namespace test_inbox
