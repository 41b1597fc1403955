// Who may post to irctl serve (core/serve/auth.hpp): token files, bearer
// and basic auth, and GitHub's and PagerDuty's HMAC signatures, with the
// vectors their documentation gives where it gives one.

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "core/serve/auth.hpp"
#include "core/util/digest.hpp"
#include "support.hpp"

namespace test_serve_auth {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

TEST_SUITE("serve_auth") {
  TEST_CASE("a token file: NAME TOKEN lines, a lone token named after the file; refused when other users may read it") {
    TempDir dir;
    const fs::path file = dir.path() / "alertmanager.token";
    spit(file, "# senders\n\ngrafana  g-secret\r\nlone-one\n");
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    const auto senders = read_token_file(file.string());
    REQUIRE(senders.size() == 2);
    CHECK(senders[0].name == "grafana");
    CHECK(senders[0].secret == "g-secret");
    CHECK(senders[1].name == "alertmanager");
    CHECK(senders[1].secret == "lone-one");

    // 640 in the service's group is how a system service gets a secret;
    // anything others may read, or the group may change, is refused
    fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
    CHECK(read_token_file(file.string()).size() == 2);
    fs::permissions(file, fs::perms::others_read, fs::perm_options::add);
    CHECK(code_of([&] { read_token_file(file.string()); }) == Errc::usage);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::group_write);
    CHECK(code_of([&] { read_token_file(file.string()); }) == Errc::usage);
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
    spit(file, "a x\na y\n");
    CHECK(code_of([&] { read_token_file(file.string()); }) == Errc::usage);  // two senders named a
    spit(file, "# nothing\n");
    CHECK(code_of([&] { read_token_file(file.string()); }) == Errc::usage);
    CHECK(code_of([&] { read_token_file((dir.path() / "missing").string()); }) == Errc::usage);
  }

  TEST_CASE("bearer and basic auth name the sender; anything else names nobody") {
    const std::vector<Sender> senders = {{"alertmanager", "s3cret"}, {"grafana", "other"}};
    CHECK(authorized_sender(senders, "Bearer s3cret") == "alertmanager");
    CHECK(authorized_sender(senders, "bearer other ") == "grafana");
    CHECK(authorized_sender(senders, "Bearer s3cre") == std::nullopt);
    CHECK(authorized_sender(senders, "Bearer ") == std::nullopt);
    CHECK(authorized_sender(senders, "Basic YWxlcnRtYW5hZ2VyOnMzY3JldA==") == "alertmanager");  // alertmanager:s3cret
    // the right password under another sender's name
    CHECK(authorized_sender(senders, "Basic Z3JhZmFuYTpzM2NyZXQ=") == std::nullopt);  // grafana:s3cret
    CHECK(authorized_sender(senders, "Basic !!!!") == std::nullopt);
    CHECK(authorized_sender(senders, "Digest s3cret") == std::nullopt);
    CHECK(authorized_sender(senders, "") == std::nullopt);
  }

  TEST_CASE("GitHub's X-Hub-Signature-256, with the example of GitHub's documentation") {
    const std::vector<Sender> senders = {{"other", "nope"}, {"github", "It's a Secret to Everybody"}};
    CHECK(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!") ==
          "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    CHECK(github_signer(senders, "Hello, World!",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17") == "github");
    CHECK(github_signer(senders, "Hello, World?",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17") == std::nullopt);
    CHECK(github_signer(senders, "Hello, World!", "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17") ==
          std::nullopt);
    CHECK(github_signer(senders, "Hello, World!", "sha1=757107ea") == std::nullopt);
  }

  TEST_CASE("PagerDuty's X-PagerDuty-Signature: any of the v1 signatures, while a secret is rotated") {
    const std::vector<Sender> senders = {{"pagerduty", "pd-secret"}};
    const std::string body = "{\"event\":{}}";
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"pd-secret", b"{\"event\":{}}", hashlib.sha256).hexdigest())'
    const std::string good = "77fb999cdab1e010c5ae57458638a56696f56610cdadede6c7ceb94c77843e0b";
    CHECK(pagerduty_signer(senders, body, "v1=" + good) == "pagerduty");
    CHECK(pagerduty_signer(senders, body, "v1=00ff, v1=" + good) == "pagerduty");
    CHECK(pagerduty_signer(senders, body, "v1=00ff") == std::nullopt);
    CHECK(pagerduty_signer(senders, body + " ", "v1=" + good) == std::nullopt);
    CHECK(pagerduty_signer(senders, body, "v2=" + good) == std::nullopt);
  }

  TEST_CASE("constant_time_equal compares whole values") {
    CHECK(constant_time_equal("abc", "abc"));
    CHECK_FALSE(constant_time_equal("abc", "abd"));
    CHECK_FALSE(constant_time_equal("abc", "ab"));
    CHECK(constant_time_equal("", ""));
  }
}

}  // namespace test_serve_auth
