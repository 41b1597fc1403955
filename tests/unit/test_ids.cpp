#include <doctest/doctest.h>

#include <set>

#include "core/model/ids.hpp"

namespace test_ids {

using namespace irctl;

TEST_SUITE("ids") {
  TEST_CASE("incident IDs carry the date and a random part") {
    const Timestamp t = from_civil({2026, 11, 28, 16, 5, 0, 0});
    const std::string id = make_incident_id(t, 0);
    CHECK(id == "INC-20261128-000000");
    CHECK(is_incident_id(id));
    CHECK(make_incident_id(t, 31) == "INC-20261128-00000Z");
    CHECK(make_incident_id(t, (1u << 30) - 1) == "INC-20261128-ZZZZZZ");
    CHECK(is_incident_id(make_incident_id(t, random_u64())));
  }

  TEST_CASE("every one of the 30 random bits reaches the ID") {
    std::set<std::string> seen;
    const Timestamp t = from_civil({2026, 1, 2, 3, 4, 5, 0});
    for (int bit = 0; bit < 30; ++bit) seen.insert(make_incident_id(t, uint64_t{1} << bit));
    CHECK(seen.size() == 30);
    // The random source is not stuck: 64 draws of 64 bits never repeat in practice.
    std::set<uint64_t> draws;
    for (int i = 0; i < 64; ++i) draws.insert(random_u64());
    CHECK(draws.size() == 64);
  }

  TEST_CASE("IDs sort in date order") {
    const auto a = make_incident_id(from_civil({2026, 1, 31, 0, 0, 0, 0}), random_u64());
    const auto b = make_incident_id(from_civil({2026, 2, 1, 0, 0, 0, 0}), random_u64());
    CHECK(a < b);
  }

  TEST_CASE("well-formed IDs only") {
    CHECK_FALSE(is_incident_id("INC-20261128-K7QXM"));
    CHECK_FALSE(is_incident_id("INC-20261128-K7QXMI"));  // I is not in Crockford's alphabet
    CHECK_FALSE(is_incident_id("inc-20261128-K7QXM4"));
    CHECK_FALSE(is_incident_id("INC-2026112X-K7QXM4"));
    CHECK_FALSE(is_incident_id("INC-20261128_K7QXM4"));
    CHECK(is_incident_id("INC-20261128-K7QXM4"));
  }

  TEST_CASE("event IDs are twelve characters") {
    CHECK(make_event_id(0) == "000000000000");
    CHECK(make_event_id(random_u64()).size() == 12);
  }

  TEST_CASE("files are sharded by year and month") {
    CHECK(incident_dir("INC-20261128-K7QXM4") == "incidents/2026/11");
    CHECK(incident_path("INC-20261128-K7QXM4") == "incidents/2026/11/INC-20261128-K7QXM4.toml");
  }

  TEST_CASE("any unique part of an ID selects it") {
    const std::vector<std::string> ids = {"INC-20261127-AB123", "INC-20261128-K7QXM", "INC-20261128-K7ZZZ"};
    CHECK(match_ids(ids, "ab1") == std::vector<std::string>{"INC-20261127-AB123"});
    CHECK(match_ids(ids, "K7QX") == std::vector<std::string>{"INC-20261128-K7QXM"});
    CHECK(match_ids(ids, "k7").size() == 2);
    CHECK(match_ids(ids, "20261128").size() == 2);
    CHECK(match_ids(ids, "nothing").empty());
    CHECK(match_ids(ids, "inc-20261128-k7qxm") == std::vector<std::string>{"INC-20261128-K7QXM"});
  }
}

}  // namespace test_ids
