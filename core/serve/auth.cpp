// Who may post to irctl serve; see serve_auth.hpp.
#include "core/serve/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/util/digest.hpp"
#include "core/util/file.hpp"
#include "core/util/text.hpp"

namespace irctl {

namespace {

// Base64 (RFC 4648) as basic auth writes it; nullopt for anything else.
std::optional<std::string> base64_decoded(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t size = static_cast<size_t>(n);
  // EVP_DecodeBlock counts the padding's bytes as zeros.
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  out.resize(size);
  return out;
}

// The sender whose secret, as HMAC-SHA256 key of `body`, gives `hex`. Every
// sender is tried, whichever matches, so that the time says nothing.
std::optional<std::string> signer_of(const std::vector<Sender>& senders, std::string_view body, std::string_view hex) {
  std::optional<std::string> found;
  for (const auto& s : senders)
    if (constant_time_equal(hmac_sha256_hex(s.secret, body), hex) && !found) found = s.name;
  return found;
}

}  // namespace

std::vector<Sender> read_token_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw Error(Errc::usage, "cannot read the token file " + quote(path), "give a file of NAME TOKEN lines");
  // Group read is allowed: a root-owned file, mode 640, in the group of
  // the service's own user is how secrets are given to a system service.
  if (st.st_mode & (S_IRWXO | S_IWGRP))
    throw Error(Errc::usage, "the token file " + quote(path) + " may be read or changed by other users",
                "chmod 600 " + shell_quote(path) + " (or 640, owned by root in a group only the server's user is in)");
  const std::string text = read_file(path);
  std::string default_name = std::filesystem::path(path).stem().string();
  std::vector<Sender> out;
  std::set<std::string> names;
  std::istringstream in(text);
  size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    const std::string trimmed_line = trim(line);
    const std::string_view l = trimmed_line;
    if (l.empty() || l.front() == '#') continue;
    const size_t space = l.find_first_of(" \t");
    Sender s;
    if (space == std::string_view::npos) {
      s = {default_name, std::string(l)};
    } else {
      s = {std::string(l.substr(0, space)), trim(std::string(l.substr(space)))};
    }
    if (s.secret.find_first_of(" \t") != std::string::npos)
      throw Error(Errc::usage, path + ":" + std::to_string(line_number) + ": a line is NAME TOKEN, or a lone TOKEN",
                  "a token holds no blank");
    if (!names.insert(s.name).second)
      throw Error(Errc::usage, path + ":" + std::to_string(line_number) + ": a second sender named " + quote(s.name),
                  "give each sender a name of its own: it is how the logs name them");
    out.push_back(std::move(s));
  }
  if (out.empty())
    throw Error(Errc::usage, "the token file " + quote(path) + " holds no token", "write NAME TOKEN lines in it");
  return out;
}

// The values' digests are compared, not the values: comparing values of
// different lengths would return at once, and tell a sender trying tokens
// how long the real one is.
bool constant_time_equal(std::string_view a, std::string_view b) {
  const std::string da = Sha256().update(a).hex();
  const std::string db = Sha256().update(b).hex();
  const bool same_digest = CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0;
  return same_digest & (a.size() == b.size());
}

std::optional<std::string> authorized_sender(const std::vector<Sender>& senders, std::string_view header) {
  const std::string whole = trim(std::string(header));
  const std::string_view authorization = whole;
  const auto scheme_is = [&](std::string_view scheme) {
    return authorization.size() > scheme.size() && lower(std::string(authorization.substr(0, scheme.size()))) == scheme;
  };
  std::optional<std::string> found;
  if (scheme_is("bearer ")) {
    const std::string token = trim(std::string(authorization.substr(7)));
    for (const auto& s : senders)
      if (constant_time_equal(s.secret, token) && !found) found = s.name;
  } else if (scheme_is("basic ")) {
    const auto decoded = base64_decoded(trim(std::string(authorization.substr(6))));
    if (!decoded) return std::nullopt;
    const size_t colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string_view name = std::string_view(*decoded).substr(0, colon);
    const std::string_view password = std::string_view(*decoded).substr(colon + 1);
    for (const auto& s : senders)
      if (constant_time_equal(s.secret, password) && s.name == name && !found) found = s.name;
  }
  return found;
}

std::optional<std::string> github_signer(const std::vector<Sender>& senders, std::string_view body,
                                         std::string_view header) {
  const std::string value = trim(std::string(header));
  constexpr std::string_view prefix = "sha256=";
  if (value.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return signer_of(senders, body, lower(value.substr(prefix.size())));
}

std::optional<std::string> pagerduty_signer(const std::vector<Sender>& senders, std::string_view body,
                                            std::string_view header) {
  std::optional<std::string> found;
  size_t start = 0;
  while (start <= header.size()) {
    const size_t comma = std::min(header.find(',', start), header.size());
    const std::string part = trim(std::string(header.substr(start, comma - start)));
    if (part.compare(0, 3, "v1=") == 0) {
      const auto signer = signer_of(senders, body, lower(part.substr(3)));
      if (signer && !found) found = signer;
    }
    start = comma + 1;
  }
  return found;
}

}  // namespace irctl
