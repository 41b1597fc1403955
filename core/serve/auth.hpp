#pragma once
// Who may post to irctl serve (issue 18): the senders named in token files,
// and the checks of what each alerting system sends to prove itself. Every
// comparison of a secret takes the same time whatever it is compared with,
// so that a sender cannot find a token a byte at a time by timing refusals.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace irctl {

/// A sender and its secret: a bearer token, basic auth's password, or the
/// key of a signature (GitHub's, PagerDuty's).
struct Sender {
  std::string name;  ///< in the logs, never the secret
  std::string secret;
};

/// A --token-file: one sender per line, "NAME SECRET", or a lone SECRET
/// named after the file ("alertmanager" for alertmanager.token); blank lines
/// and lines starting with # are left out. Refuses (Errc::usage) a file
/// that others than its owner may read (chmod 600), a file with no secret,
/// and two senders of one name.
std::vector<Sender> read_token_file(const std::string& path);

/// a == b, in a time that says nothing of where they differ, nor of the
/// length of the one a sender does not know.
bool constant_time_equal(std::string_view a, std::string_view b);

/// The sender an Authorization header names: "Bearer SECRET", or "Basic
/// base64(NAME:SECRET)" (Alertmanager's and Grafana's basic auth, where
/// NAME must be the sender's). nullopt: none of them.
std::optional<std::string> authorized_sender(const std::vector<Sender>& senders, std::string_view header);

/// GitHub's X-Hub-Signature-256 ("sha256=HEX"): the sender whose secret
/// signed the body, or nullopt.
std::optional<std::string> github_signer(const std::vector<Sender>& senders, std::string_view body,
                                         std::string_view header);

/// PagerDuty's V3 X-PagerDuty-Signature ("v1=HEX", several separated by
/// commas while a secret is rotated): the sender whose secret signed the
/// body, or nullopt.
std::optional<std::string> pagerduty_signer(const std::vector<Sender>& senders, std::string_view body,
                                            std::string_view header);

}  // namespace irctl
