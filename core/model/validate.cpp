#include "core/model/validate.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <istream>

#include "core/error.hpp"
#include "core/util/file.hpp"

namespace irctl {
namespace {

// Clocks on laptops drift; a minute of tolerance keeps "now" from looking like the future.
constexpr Seconds kClockSkew{60};

constexpr size_t kMaxLink = 2048;

// RFC 3986 has no place for these; in Markdown they would end or escape the
// link's destination.
bool fits_url(unsigned char c) { return c > 0x20 && c != 0x7f && !std::strchr("\"<>\\^`{|}", c); }

}  // namespace

void require_utf8(const std::string& value, const std::string& what) {
  const auto bad = invalid_utf8_at(value);
  if (!bad) return;
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(value[*bad]));
  throw Error(Errc::usage, what + " is not valid UTF-8 (byte " + byte + " at offset " + std::to_string(*bad) + ")",
              "irctl records text as UTF-8; convert it first, for example with 'iconv -f latin1 -t utf-8'");
}

std::string require_line(const std::string& value, const char* what, size_t max) {
  const std::string v = trim(value);
  if (v.empty()) throw Error(Errc::usage, std::string(what) + " is empty", std::string("give ") + what);
  require_utf8(v, what);
  if (has_control(v))
    throw Error(Errc::usage, std::string(what) + " must be one line without control characters");
  if (v.size() > max)
    throw Error(Errc::usage, std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  return v;
}

std::optional<std::string> web_link(const std::string& value) {
  const std::string v = trim(value);
  if (v.empty() || v.size() > kMaxLink) return std::nullopt;
  if (!std::all_of(v.begin(), v.end(), [](char c) { return fits_url(static_cast<unsigned char>(c)); }))
    return std::nullopt;
  const size_t colon = v.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string scheme = lower(v.substr(0, colon));
  const std::string rest = v.substr(colon + 1);
  const bool web = (scheme == "http" || scheme == "https") && rest.size() > 2 && rest.rfind("//", 0) == 0;
  const bool mail = scheme == "mailto" && !rest.empty();
  if (!web && !mail) return std::nullopt;
  return v;
}

std::string require_link(const std::string& value, const char* what) {
  const std::string v = require_line(value, what, kMaxLink);
  if (auto link = web_link(v)) return *link;
  throw Error(Errc::usage, std::string(what) + " " + quote(v) + " is not an http, https or mailto link",
              "give the address of a ticket or document, such as https://tickets.example.com/OPS-123");
}

std::string require_text(const std::string& value, const char* what) {
  const std::string v = trim(value);
  if (v.empty()) throw Error(Errc::usage, std::string(what) + " is empty", std::string("give ") + what);
  if (v.size() > kMaxText)
    throw Error(Errc::usage, std::string(what) + " is longer than " + std::to_string(kMaxText) + " bytes",
                "keep long material in a file in the repository and refer to it");
  require_utf8(v, what);
  return v;
}

std::string read_limited_text(std::istream& in, const char* what) {
  auto text = read_at_most(in, kMaxText);
  if (!text) throw Error(Errc::usage, std::string("cannot read ") + what);
  if (text->size() > kMaxText)
    throw Error(Errc::usage, std::string(what) + " is longer than " + std::to_string(kMaxText) + " bytes",
                "keep long material in a file in the repository and refer to it");
  return std::move(*text);
}

std::vector<std::string> clean_list(const std::vector<std::string>& items, const char* what) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    const std::string v = require_line(item, what);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

void require_not_future(Timestamp t, const Recorder& rec, const char* what) {
  if (t > rec.now + kClockSkew)
    throw Error(Errc::usage, std::string(what) + " " + human_time(t) + " is in the future",
                "give a time up to now, such as -15m or an RFC 3339 time");
}

void require_not_before_start(Timestamp t, const Incident& inc, const char* what) {
  Timestamp start = inc.declared_at;
  for (const auto& earlier : {inc.started_at, inc.detected_at})
    if (earlier && *earlier < start) start = *earlier;
  if (t < start)
    throw Error(Errc::usage,
                std::string(what) + " " + human_time(t) + " is before " + inc.id + " began (" + human_time(start) +
                    ")",
                "give a time after it began, such as -15m or an RFC 3339 time; to say that it began earlier, "
                "correct it first: irctl set " + inc.id + " --started-at TIME");
}

TomlValue string_array(const std::vector<std::string>& items) {
  TomlArray a;
  for (const auto& s : items) a.emplace_back(s);
  return TomlValue(std::move(a));
}

std::string one_line(const std::string& text, size_t max) {
  std::string line = text.substr(0, text.find('\n'));
  if (line.size() > max) {
    size_t cut = max - 3;
    // Do not cut a UTF-8 sequence in half.
    while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    line = line.substr(0, cut) + "...";
  }
  return line;
}

}  // namespace irctl
