#pragma once
// SHA-256 (libcrypto), fed in pieces: the evidence log's hashes, and the
// keys that tell the incident site which pages' inputs changed.

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

}  // namespace irctl
