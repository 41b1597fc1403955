#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>

#include "core/error.hpp"
#include "core/lifecycle.hpp"
#include "core/operations.hpp"
#include "core/store/git.hpp"
#include "core/store/sync.hpp"
#include "support.hpp"

// sync in-process over the file transport: the fetch, merge and push that
// tests/cli/sync.bats drives through the command (over git:// too), here
// cheap enough to run under the sanitizers as well.

// core/store/gssapi_on_demand.cpp's functions, as libgit2 calls them
// (MIT's <gssapi/gssapi.h> is not installed: its handles are pointers).
extern "C" {
struct GssOidDesc {
  std::uint32_t length;
  const void* elements;
};
struct GssBufferDesc {
  size_t length;
  const void* value;
};
extern const GssOidDesc* GSS_C_NT_HOSTBASED_SERVICE;
std::uint32_t gss_indicate_mechs(std::uint32_t* minor, void** mechanisms);
std::uint32_t gss_release_oid_set(std::uint32_t* minor, void** set);
std::uint32_t gss_import_name(std::uint32_t* minor, void* input, const void* name_type, void** output);
std::uint32_t gss_release_name(std::uint32_t* minor, void** name);
}

namespace test_sync {

using namespace irctl;
using namespace irctl::testing;
namespace fs = std::filesystem;

namespace {
const Actor kBob{"Bob Example", "bob@example.com"};

SyncOptions options(const Actor& a, std::optional<std::string> remote = std::nullopt) {
  SyncOptions o;
  o.remote = std::move(remote);
  o.actor = [a] { return a; };
  return o;
}

/// A bare repository at `path` whose HEAD names `branch`, as a server's would.
void make_bare_remote(const fs::path& path, const std::string& branch) {
  git::ensure_initialised();
  git_repository* raw = nullptr;
  git::check(git_repository_init(&raw, path.c_str(), 1), "init the remote");
  const git::RepositoryPtr remote(raw);
  git::check(git_repository_set_head(remote.get(), ("refs/heads/" + branch).c_str()), "set the remote's HEAD");
}

Repository clone_of(const fs::path& remote, const fs::path& path) {
  git_repository* raw = nullptr;
  git::check(git_clone(&raw, remote.c_str(), path.c_str(), nullptr), "clone");
  git_repository_free(raw);
  return Repository::discover(path);
}
}  // namespace

TEST_SUITE("sync") {
  TEST_CASE("libgit2's network transports (TLS, SSH) start when sync talks to a remote, not when libgit2 starts") {
    TempDir dir;
    Repository a = new_repository(dir.path() / "a");
    // (started already when an earlier test case in this process synced)
    if (!git::network_transports_started()) {
      const fs::path remote = dir.path() / "remote.git";
      make_bare_remote(remote, a.branch());
      a.set_git_config("remote.origin.url", remote.string());
      CHECK(sync_repository(a, options(kAlice)).pushed);
    }
    CHECK(git::network_transports_started());
    git::start_network_transports();  // once is enough
    CHECK(git::network_transports_started());
  }

  TEST_CASE("Kerberos's GSSAPI (Negotiate over https) is loaded when libgit2 first calls it, not when irctl starts") {
    const auto gssapi_mapped = [] {
      std::ifstream maps("/proc/self/maps");
      const std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
      return text.find("libgssapi_krb5") != std::string::npos;
    };
    CHECK_FALSE(gssapi_mapped());
    constexpr std::uint32_t kComplete = 0;  // GSS_S_COMPLETE
    std::uint32_t minor = 0;
    void* mechanisms = nullptr;
    REQUIRE(gss_indicate_mechs(&minor, &mechanisms) == kComplete);
    CHECK(mechanisms != nullptr);
    CHECK(gssapi_mapped());
    CHECK(gss_release_oid_set(&minor, &mechanisms) == kComplete);
    // The name type is irctl's copy of the OID: the library takes it.
    const std::string service = "HTTP@git.example.com";
    GssBufferDesc input{service.size(), service.data()};
    void* name = nullptr;
    CHECK(gss_import_name(&minor, &input, GSS_C_NT_HOSTBASED_SERVICE, &name) == kComplete);
    CHECK(gss_release_name(&minor, &name) == kComplete);
  }

  TEST_CASE("two clones over a file remote: offline changes on both meet in one tree, with every event") {
    TempDir dir;
    Repository a = new_repository(dir.path() / "a");
    const fs::path remote = dir.path() / "remote.git";
    make_bare_remote(remote, a.branch());
    a.set_git_config("remote.origin.url", remote.string());
    a.set_git_config("remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*");

    DeclareRequest declare;
    declare.title = "Checkout API returns 503";
    declare.severity = "sev2";
    const EventResult declared = declare_incident(a, declare, recorder(kAlice));
    const SyncResult first = sync_repository(a, options(kAlice));
    CHECK(first.outcome == "pushed-only");
    CHECK(first.pushed);
    CHECK(first.remote == "origin");

    Repository b = clone_of(remote, dir.path() / "b");
    CHECK(b.read_committed(declared.path) == a.read_committed(declared.path));

    // both offline: a note on one clone, a new severity on the other
    add_note(a, declared.incident_id, "Rolled back the deploy", recorder(kAlice));
    change_severity(b, declared.incident_id, "sev1", "customers cannot pay", recorder(kBob));
    CHECK(sync_repository(a, options(kAlice)).outcome == "pushed-only");

    const SyncResult merged = sync_repository(b, options(kBob));
    CHECK(merged.outcome == "merged");
    CHECK(merged.merged_files == std::vector<std::string>{declared.path});
    CHECK(merged.conflicts.empty());
    CHECK(merged.pushed);

    const SyncResult forward = sync_repository(a, options(kAlice));
    CHECK(forward.outcome == "fast-forward");
    CHECK_FALSE(forward.pushed);
    CHECK(forward.tip == merged.tip);
    const std::string text = a.read_committed(declared.path).value();
    CHECK(text == b.read_committed(declared.path).value());
    CHECK(text.find("Rolled back the deploy") != std::string::npos);
    CHECK(text.find("customers cannot pay") != std::string::npos);
    CHECK(text.find("severity = \"SEV1\"") != std::string::npos);
    CHECK(a.read(declared.path) == text);  // the work tree followed

    const SyncResult again = sync_repository(b, options(kBob));
    CHECK(again.outcome == "up-to-date");
    CHECK(again.tip == merged.tip);
  }

  TEST_CASE("an unknown remote is not_found, and nothing changes") {
    TempDir dir;
    Repository repo = new_repository(dir);
    const auto tip = repo.tip();
    CHECK(code_of([&] { sync_repository(repo, options(kAlice, "nowhere")); }) == Errc::not_found);
    CHECK(git::oid_hex(*repo.tip()) == git::oid_hex(*tip));
  }
}

}  // namespace test_sync
