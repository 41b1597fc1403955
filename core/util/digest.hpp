#pragma once
// SHA-256 and HMAC-SHA256 (libcrypto): the evidence log's hashes, the keys
// that tell the incident site which pages' inputs changed, and the
// signatures alerting systems put on what they post to irctl serve.

#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace irctl {

class Sha256 {
 public:
  Sha256();
  Sha256& update(std::string_view piece);
  /// The digest in lower-case hex; the object is spent afterwards.
  std::string hex();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

/// HMAC-SHA256 of `body` with `key`, in lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view body);

}  // namespace irctl
